"""回收站: soft-deleted rows of every register, restorable by 系统管理员 (audited)."""
