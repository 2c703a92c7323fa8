"""The 我的待办 page: every role opens it (any access to any permission group)."""

from app.core import permissions

permissions.add_page("todo", groups=permissions.GROUPS)
