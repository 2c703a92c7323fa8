"""大治理 (zhili module)."""
