"""大服务 (fuwu module)."""
