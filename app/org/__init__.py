"""Org tree (街道 → 社区 → 网格), units, staff, compounds and the login user."""
