"""Pure renderers: plain data in, bytes out."""
