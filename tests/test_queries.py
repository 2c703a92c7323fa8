"""The number of SQL queries per list page does not grow with the page size."""

import pytest

from .sqlcount import QueryCounter


@pytest.mark.parametrize(
    "key,view", [("meeting", "MeetingView"), ("work_item", "WorkItemView"), ("staff_profile", "StaffProfileView")]
)
def test_list_queries_do_not_grow_with_page_size(app, db, clients, key, view):
    c = clients("admin")
    counts = []
    for size in (5, 50):
        c.get(f"/{key}/list/?psize_{view}={size}")  # warm caches
        with QueryCounter(db.engine) as qc:
            r = c.get(f"/{key}/list/?psize_{view}={size}")
        assert r.status_code == 200
        counts.append(qc.count)
    assert counts[0] == counts[1], counts


def test_list_filters_are_per_request_not_per_view(app):
    """FAB mutates one Filters object per view; ours is made per request (threaded servers)."""
    view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "MeetingView")
    from flask_appbuilder.urltools import get_filter_args

    with app.test_request_context("/meeting/list/?_flt_2_title=甲"):
        get_filter_args(view._filters)
        first = view._filters
        assert [value for _flt, value in first.get_filters_values()] == [["甲"]]
        assert view._filters is first
    with app.test_request_context("/meeting/list/"):
        assert view._filters is not first
        assert not view._filters.get_filters_values()
