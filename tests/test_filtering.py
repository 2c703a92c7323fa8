"""Search-filter values are typed before SQL (app/core/filtering.py): the same answers on SQLite and
PostgreSQL, which refuses a string for a boolean, a NUL byte or a LIKE pattern ending in a backslash."""

from .conftest import text


def test_boolean_filter_takes_yes_no_and_matches_nothing_for_garbage(clients):
    admin = clients("admin")
    active = admin.get("/org_unit/list/?_flt_0_is_active=1")
    assert active.status_code == 200 and "荷花社区" in text(active)
    for garbage in ("' OR 1=1 --", "maybe", "\x00"):
        r = admin.get("/org_unit/list/", query_string={"_flt_0_is_active": garbage})
        assert r.status_code == 200 and "荷花社区第1网格" not in text(r), garbage


def test_like_filters_search_wildcards_and_backslashes_as_written(clients):
    admin = clients("admin")
    everything = text(admin.get("/org_unit/list/", query_string={"_flt_2_name": "社区"}))
    assert "荷花社区" in everything
    for literal in ("%", "_", "社区\\", "\\"):
        r = admin.get("/org_unit/list/", query_string={"_flt_2_name": literal})
        assert r.status_code == 200, literal
        assert "荷花社区第1网格" not in text(r), literal  # no name holds these characters
    # a NUL byte (which PostgreSQL text cannot hold) is dropped from the search word
    assert "荷花社区第1网格" in text(admin.get("/org_unit/list/", query_string={"_flt_2_name": "荷花\x00社区"}))


def test_api_filters_with_values_of_the_wrong_type_answer_without_error(clients):
    admin = clients("admin")
    for q in (
        "(filters:!((col:is_active,opr:eq,value:'x')))",
        "(filters:!((col:name,opr:ct,value:'a\\')))",
        "(filters:!((col:id,opr:eq,value:'99999999999')))",
    ):
        r = admin.get("/api/v1/org_unit/", query_string={"q": q})
        assert r.status_code in (200, 400), (q, r.status_code)
        if r.status_code == 200:
            assert r.get_json()["count"] == 0, q
