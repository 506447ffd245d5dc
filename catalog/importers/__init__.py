"""Importers for the real exports: portal crawl JSON, structured exports, xlsx lists."""
