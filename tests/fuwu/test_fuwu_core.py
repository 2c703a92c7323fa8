"""The two small core changes of this slice: FAB patterns fit ab_view_menu.name; PUT with empty enums."""

import re

from app.core import permissions


def test_every_fab_pattern_fits_fabs_view_menu_column(app):
    for pairs in app.config["FAB_ROLES"].values():
        for view, perm in pairs:
            assert len(view) <= 250 and len(perm) <= 250


def test_split_patterns_match_exactly_the_names():
    names = [f"register_number_{i:03d}" for i in range(40)]
    patterns = permissions._alternations(names)
    assert len(patterns) > 1 and all(len(p) <= permissions.PATTERN_LIMIT for p in patterns)
    for name in names + ["register_number_999", "register_number_00"]:
        hits = sum(bool(re.match(p, name)) for p in patterns)
        assert hits == (1 if name in names else 0)
    assert permissions._alternations([]) == []
