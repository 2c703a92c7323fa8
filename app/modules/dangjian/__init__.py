"""大党建 (dangjian module)."""
