"""render/web."""
