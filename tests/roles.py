"""One demo login per role key (every role of app.core.permissions.ROLES has one)."""

from app.seed import DEMO_USERS

LOGIN_FOR_ROLE = {}
for login, role_keys, *_rest in DEMO_USERS:
    LOGIN_FOR_ROLE.setdefault(role_keys[0], login)
