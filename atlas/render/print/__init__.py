"""render/print."""
