"""Server-rendered pages for counter staff and managers (Jinja2, a little plain JS, no build step)."""
