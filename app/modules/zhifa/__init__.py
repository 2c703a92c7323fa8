"""大执法 (zhifa module)."""
