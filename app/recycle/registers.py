"""The recycle bin page: no permission group opens it, so only 系统管理员 (all permissions) has it."""

from app.core import permissions

PAGE = "recycle_bin"

permissions.add_page(PAGE, groups=())
