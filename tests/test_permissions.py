"""The role × register × action matrix, tested from the one table in app.core.permissions,
through the web views and the REST API."""

import pytest

from app.core import permissions, registry

from .roles import LOGIN_FOR_ROLE


def test_every_role_has_a_demo_login():
    assert set(permissions.ROLES) <= set(LOGIN_FOR_ROLE)


def test_matrix_cells_parse():
    for role, _name, reg, text in permissions.matrix_rows():
        permissions.Cell().merge(text)  # raises on a malformed cell


def _cases():
    for role in permissions.ROLES:
        for reg in registry.all_registers():
            if reg.views:
                yield pytest.param(role, reg.key, id=f"{role}-{reg.key}")


@pytest.mark.parametrize("role,key", list(_cases()))
def test_views_and_api_follow_the_matrix(app, clients, role, key):
    reg = registry.get(key)
    cell = permissions.cell_for([role], reg)
    allowed = cell.actions | ({"read", "write", "delete", "approve"} if role == "admin" else set())
    c = clients(LOGIN_FOR_ROLE[role])

    def expect(resp, action, ok_codes):
        code = resp.status_code
        if action in allowed:
            assert code in ok_codes, f"{role} should {action} {key}, got {code}"
        else:
            assert code in (403, 302) and code not in ok_codes, f"{role} must not {action} {key}, got {code}"

    expect(c.get(f"/{key}/list/"), "read", (200,))
    expect(c.get(f"/{key}/export_xlsx/"), "read", (200,))
    expect(c.api("GET", f"/api/v1/{key}/"), "read", (200,))
    expect(c.api("GET", f"/api/v1/{key}/999999"), "read", (404,))
    if reg.writable:
        expect(c.get(f"/{key}/add"), "write", (200,))
        expect(c.api("POST", f"/api/v1/{key}/", json={}), "write", (400, 422))
        expect(c.api("DELETE", f"/api/v1/{key}/999999"), "delete", (404,))
    else:
        assert c.api("POST", f"/api/v1/{key}/", json={}).status_code in (403, 405, 404)


def test_anonymous_is_sent_to_login(clients):
    anon = clients(None)
    r = anon.get("/meeting/list/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]
    assert anon.api("GET", "/api/v1/meeting/").status_code == 401


def test_jwt_login_reaches_the_api_with_the_same_scope(app, clients):
    http = app.test_client()
    r = http.post("/api/v1/security/login", json={"username": "sq1", "password": "Demo@2026", "provider": "db"})
    assert r.status_code == 200
    token = r.get_json()["access_token"]
    r = http.get("/api/v1/meeting/", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.get_json()["count"] == clients("sq1").api("GET", "/api/v1/meeting/").get_json()["count"]


def test_fab_roles_are_code_defined_and_anchored(app):
    roles = app.config["FAB_ROLES"]
    assert set(roles) == {name for name, _m, _c in permissions.ROLES.values()}
    for pairs in roles.values():
        for view, perm in pairs:
            assert (view.startswith("^") and view.endswith("$")) or view == ".*"
            assert (perm.startswith("^") and perm.endswith("$")) or perm == ".*"


def test_permissions_doc_is_generated_from_the_table():
    import contextlib
    import io
    from pathlib import Path

    from tools import matrix_doc

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        matrix_doc.main()
    doc = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == out.getvalue(), (
        "run: .venv/bin/python -m tools.matrix_doc > docs/permissions.md"
    )


def test_production_refuses_a_short_secret_key(monkeypatch):
    from app import create_app
    from config import TestConfig

    class Prod(TestConfig):
        ENV_NAME = "production"
        SECRET_KEY = "a-key-of-31-bytes-is-too-short"

    with pytest.raises(RuntimeError):
        create_app(Prod)


def test_openapi_spec_lists_every_register_api(clients):
    r = clients("admin").get("/api/v1/_openapi")
    assert r.status_code == 200
    paths = r.get_json()["paths"]
    for reg in registry.all_registers():
        if reg.views:
            assert f"/api/v1/{reg.key}/" in paths, reg.key
