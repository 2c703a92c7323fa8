"""The role × page matrix and the out-of-scope matrix, derived from app.core.permissions:

- every custom page (permissions.EXTRA_PAGES: calendar, dashboards, escalation list, module pages,
  their xlsx exports), found in the app's URL map, answers 200 to the roles the table lets in and
  403 to the others — a new page without a sample for its URL arguments fails here;
- for every role and every register the role may read but not everywhere, a row outside its scope
  is 404 on show / edit / delete / API get / put / delete / every transition / attachment upload,
  and stays unchanged;
- a row the role may write cannot be moved into an org unit outside its write scope, neither by the
  API nor by the edit form;
- FAB's security pages and API are the administrator's only.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import g

from app.core import permissions, registry, scope

from . import factories as f
from .roles import LOGIN_FOR_ROLE

ROLES = list(permissions.ROLES)


# --- custom pages ----------------------------------------------------------------------------------


def _page_rules(app):
    views = {getattr(v, "endpoint", None): v for v in app.appbuilder.baseviews}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = views.get(rule.endpoint.split(".")[0])
        page = getattr(view, "class_permission_name", None)
        if page in permissions.EXTRA_PAGES and "GET" in rule.methods:
            yield rule, page


def _sample_args(app, clients, db) -> dict[str, object]:
    """A value for every URL argument of a custom page."""
    from app.common.models import Attachment
    from app.modules.xietiao.models import SupervisionList

    dash = clients("admin").get("/dashboard/").get_data(as_text=True)
    import re

    page, key = re.search(r"/dashboard/xlsx/([a-z_]+)/([a-z0-9_]+)", dash).groups()
    sl = db.session.execute(sa.select(SupervisionList.id).where(SupervisionList.is_deleted.is_(False))).scalar()
    meeting = _attached_meeting(db, clients)
    att = db.session.execute(
        sa.select(Attachment.id).where(
            Attachment.register_key == "meeting", Attachment.row_id == meeting.id, Attachment.is_deleted.is_(False)
        )
    ).scalar()
    return {"module": "dangjian", "page": page, "key": key, "list_id": sl, "attachment_id": att}


def _attached_meeting(db, clients):
    """A 新村社区 meeting with one attachment (uploaded by the administrator), made once."""
    import io

    from app.common.models import Meeting

    title = "附件权限测试会议（新村）"
    m = db.session.execute(sa.select(Meeting).where(Meeting.title == title)).scalar()
    if m is None:
        m = f.meeting("新村社区", title, chair="sq2", created_by="sq2")
        r = clients("admin").post_form(
            f"/attachments/meeting/{m.id}/upload",
            {"file": (io.BytesIO(b"minutes"), "minutes.txt")},
            form_url=f"/meeting/show/{m.id}",
            content_type="multipart/form-data",
        )
        assert r.status_code == 302
    return m


def _reads_row(app, role, reg, row_id) -> bool:
    with app.test_request_context():
        p = scope.build_principal(f.user(LOGIN_FOR_ROLE[role]))
        g.jiedao_principal = p
        cond = scope.clause(reg, p, "read")
        if cond is None:
            return True
        from app.extensions import db

        return bool(db.session.execute(sa.select(reg.model.id).where(reg.model.id == row_id, cond)).scalar())


#: pages reached without a session by design (calendar clients cannot sign in: a secret token URL)
TOKEN_PAGES = {"CalendarView.ics"}


def _page_allowed(role: str, page: str) -> bool:
    return role == permissions.ADMIN_ROLE or any(
        permissions._has_group(role, grp) for grp in permissions.EXTRA_PAGES[page]
    )


def test_every_custom_page_follows_the_table(app, db, clients):
    samples = _sample_args(app, clients, db)
    rules = [(r, p) for r, p in _page_rules(app) if r.endpoint not in TOKEN_PAGES]
    assert {p for _r, p in rules} == set(permissions.EXTRA_PAGES)
    meeting_reg = registry.get("meeting")
    attached = _attached_meeting(db, clients)
    from app.modules.xietiao.models import SupervisionList

    list_reg = registry.for_model(SupervisionList)
    failures, checked = [], 0
    for role in ROLES:
        c = clients(LOGIN_FOR_ROLE[role])
        for rule, page in rules:
            missing = [a for a in rule.arguments if samples.get(a) is None]
            assert not missing, f"add a sample value for {missing} of {rule.rule}"
            url = rule.rule
            for a in rule.arguments:
                url = url.replace(f"<int:{a}>", str(samples[a])).replace(f"<{a}>", str(samples[a]))
            code = c.get(url).status_code
            checked += 1
            if page == "attachment_files":  # the row's register and scope decide
                if not permissions.cell_for([role], meeting_reg).read and role != permissions.ADMIN_ROLE:
                    ok = code == 403
                else:
                    ok = code == (200 if _reads_row(app, role, meeting_reg, attached.id) else 404)
            elif _page_allowed(role, page) and "list_id" in rule.arguments:  # a row: its scope decides
                ok = code == (200 if _reads_row(app, role, list_reg, samples["list_id"]) else 404)
            elif _page_allowed(role, page):
                ok = code == 200
            else:
                ok = code == 403
            if not ok:
                failures.append(f"{role} GET {url} → {code} (page {page}, allowed={_page_allowed(role, page)})")
    assert not failures, "\n".join(failures)
    assert checked >= 20 * len(ROLES)


def test_anonymous_is_sent_to_login_from_every_page(app, db, clients):
    samples = _sample_args(app, clients, db)
    anon = clients(None)
    for rule, _page in _page_rules(app):
        if rule.endpoint in TOKEN_PAGES:
            continue
        url = rule.rule
        for a in rule.arguments:
            url = url.replace(f"<int:{a}>", str(samples[a])).replace(f"<{a}>", str(samples[a]))
        r = anon.get(url)
        if url.startswith("/api/"):  # an API answers 401 JSON, it does not redirect
            assert r.status_code == 401 and r.is_json, url
            continue
        assert r.status_code == 302 and "/login/" in r.headers["Location"], url


def test_calendar_feed_needs_a_valid_token(clients):
    anon = clients(None)
    assert anon.get("/calendar/ics/not-a-token.ics").status_code == 404
    assert anon.get("/calendar/ics/" + "A" * 43 + ".ics").status_code == 404


@pytest.mark.parametrize("role", [r for r in ROLES if r != permissions.ADMIN_ROLE])
def test_security_pages_and_api_are_admin_only(clients, role):
    c = clients(LOGIN_FOR_ROLE[role])
    for url in ("/users/list/", "/roles/list/", "/users/add", "/userstatschartview/chart/", "/resetpassword/form?pk=1"):
        assert c.get(url).status_code in (302, 403), (role, url)
    for url in ("/api/v1/security/users/", "/api/v1/security/roles/"):
        assert c.api("GET", url).status_code in (401, 403, 404), (role, url)
    assert c.api("POST", "/api/v1/security/users/", json={"username": "x"}).status_code in (401, 403, 404, 405)


# --- rows outside the user's scope -------------------------------------------------------------


def _outside_row(app, reg, user, need="read"):
    """One live row of `reg` outside `user`'s `need` scope (None when everything is in scope)."""
    with app.test_request_context():
        p = scope.build_principal(user)
        g.jiedao_principal = p
        cond = scope.clause(reg, p, need)
        if cond is None:
            return None
        model = reg.model
        inside = sa.select(model.id).where(cond)
        q = sa.select(model).where(model.id.not_in(inside))
        if hasattr(model, "is_deleted"):
            q = q.where(model.is_deleted.is_(False))
        from app.extensions import db

        return db.session.execute(q.order_by(model.id).limit(1)).scalar()


def _snapshot(db, reg, row_id):
    db.session.expire_all()
    row = db.session.get(reg.model, row_id)
    return (getattr(row, "version", None), getattr(row, "is_deleted", None), getattr(row, "updated_at", None))


@pytest.mark.parametrize("role", ROLES)
def test_rows_outside_scope_are_404_on_every_surface(app, db, clients, role):
    login = LOGIN_FOR_ROLE[role]
    c = clients(login)
    user = f.user(login)
    failures, tried = [], 0
    for reg in registry.all_registers():
        if not reg.views:
            continue
        cell = permissions.cell_for([role], reg)
        if not cell.read:
            continue  # 403 everywhere: test_permissions
        row = _outside_row(app, reg, user)
        if row is None:
            continue
        tried += 1
        before = _snapshot(db, reg, row.id)
        key, rid = reg.key, row.id
        checks = [
            ("GET show", c.get(f"/{key}/show/{rid}"), (404,)),
            ("GET api", c.api("GET", f"/api/v1/{key}/{rid}"), (404,)),
        ]
        if reg.writable:
            may_write, may_delete = "write" in cell.actions, "delete" in cell.actions
            checks += [
                ("GET edit", c.get(f"/{key}/edit/{rid}"), (404,) if may_write else (302, 403)),
                (
                    "POST delete",
                    c.post_form(f"/{key}/delete/{rid}", {}, form_url="/resetmypassword/form"),
                    (404,) if may_delete else (302, 403),
                ),
                (
                    "PUT api",
                    c.api("PUT", f"/api/v1/{key}/{rid}", json={"version": getattr(row, "version", 1)}),
                    (404,) if may_write else (403,),
                ),
                ("DELETE api", c.api("DELETE", f"/api/v1/{key}/{rid}"), (404,) if may_delete else (403,)),
                (
                    "POST upload",
                    c.post_form(f"/attachments/{key}/{rid}/upload", {}, form_url="/resetmypassword/form"),
                    (404,) if may_write else (403,),
                ),
            ]
            for t in reg.transitions:
                allowed = t.right in cell.actions
                checks.append(
                    (
                        f"POST transition {t.name}",
                        c.api(
                            "POST",
                            f"/api/v1/{key}/{rid}/transition/{t.name}",
                            json={"version": getattr(row, "version", 1)},
                        ),
                        (404,) if allowed else (403,),
                    )
                )
                checks.append(
                    (
                        f"POST action {t.name}",
                        c.post_form(f"/{key}/action/{t.name}/{rid}", {}, form_url="/resetmypassword/form"),
                        (404,) if allowed else (302,),
                    )
                )
        for what, resp, ok in checks:
            if resp.status_code not in ok:
                failures.append(f"{role} {what} {key}/{rid} → {resp.status_code}, expected {ok}")
        if _snapshot(db, reg, rid) != before:
            failures.append(f"{role}: {key}/{rid} changed")
    assert not failures, "\n".join(failures)
    TRIED[role] = tried


TRIED: dict[str, int] = {}


def test_the_out_of_scope_matrix_reached_the_scoped_roles():
    """Guard against a matrix that silently tests nothing: scoped roles had rows outside."""
    if len(TRIED) < len(ROLES):
        pytest.skip("run with the whole matrix")
    for role in ("community_secretary", "grid_worker", "team_leader"):
        assert TRIED[role] >= 10, (role, TRIED[role])
    assert TRIED["djb"] >= 1


# --- moving a row out of the write scope ---------------------------------------------------------


class _FormValues(HTMLParser):
    """The values an edit form would submit as the browser shows it."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select = None
        self._multi = False
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "y")))
            elif kind not in ("submit", "button", "file"):
                self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def _org_of(db, reg, rid):
    db.session.expire_all()
    return db.session.get(reg.model, rid).org_unit_id


MOVERS = ("community_secretary", "community_staff", "grid_head", "grid_worker")


def _inside_writable_row(app, reg, user):
    with app.test_request_context():
        p = scope.build_principal(user)
        g.jiedao_principal = p
        cond = scope.clause(reg, p, "write")
        if cond is None or not hasattr(reg.model, "org_unit_id"):
            return None
        from app.extensions import db

        q = sa.select(reg.model).where(cond, reg.model.is_deleted.is_(False)).order_by(reg.model.id).limit(1)
        return db.session.execute(q).scalar()


@pytest.mark.parametrize("role", MOVERS)
def test_a_row_cannot_be_moved_out_of_the_write_scope(app, db, clients, role):
    from werkzeug.datastructures import MultiDict

    login = LOGIN_FOR_ROLE[role]
    c = clients(login)
    user = f.user(login)
    elsewhere = (
        f.org("新村社区")
        if user.org_unit.name != "新村社区"
        and (user.org_unit.parent is None or user.org_unit.parent.name != "新村社区")
        else f.org("荷花社区")
    )
    failures, tried = [], 0
    for reg in registry.all_registers():
        if not reg.views or not reg.writable or reg.scope_column != "org_unit_id":
            continue
        cell = permissions.cell_for([role], reg)
        if not cell.write & {"c", "g"}:
            continue
        row = _inside_writable_row(app, reg, user)
        if row is None:
            continue
        tried += 1
        rid, key, org_before = row.id, reg.key, row.org_unit_id
        r = c.api("PUT", f"/api/v1/{key}/{rid}", json={"org_unit": elsewhere.id, "version": row.version})
        # refused, or org_unit is not the API's to set (derived from the parent row): never moved
        if r.status_code not in (403, 422) and _org_of(db, reg, rid) != org_before:
            failures.append(f"{role} API move {key}/{rid} → {r.status_code}")
        page = c.get(f"/{key}/edit/{rid}")
        if page.status_code == 200 and 'name="org_unit"' in page.get_data(as_text=True):
            parser = _FormValues()
            parser.feed(page.get_data(as_text=True))
            data = MultiDict([(k, v) for k, v in parser.data if k != "org_unit"])
            data["org_unit"] = str(elsewhere.id)
            r = c._open(f"/{key}/edit/{rid}", method="POST", data=data)
            if r.status_code == 302:
                failures.append(f"{role} form move {key}/{rid} was accepted")
        if _org_of(db, reg, rid) != org_before:
            failures.append(f"{role}: {key}/{rid} moved to another org unit")
    assert tried, f"{role} writes no org-bound register with rows"
    assert not failures, "\n".join(failures)
