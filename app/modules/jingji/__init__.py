"""大经济 (jingji module)."""
