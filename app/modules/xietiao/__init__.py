"""大协调 (xietiao module)."""
