"""Pure parsers for the portal's flattened tables and lists (no I/O)."""
