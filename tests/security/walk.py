"""Walking the REST API of every register as every demo role: one list page and the show page
of its first row each (enough to see every column's serialisation; the rows differ by scope)."""

from __future__ import annotations

import json

from app.core import permissions, registry

from ..roles import LOGIN_FOR_ROLE

PAGE = "?q=(page:0,page_size:25)"


def api_registers():
    return [r for r in registry.all_registers() if r.views]


def role_logins():
    return [(role, LOGIN_FOR_ROLE[role]) for role in permissions.ROLES]


def nested(obj, path=()):
    """Every (path, value) of a JSON document, depth first."""
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from nested(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from nested(v, path + (i,))


def pages(client, reg):
    """(url, JSON body) of the register's first list page and its first row's show page, or []
    when the role may not read the register (403)."""
    url = f"{reg.api_url}{PAGE}"
    r = client.api("GET", url)
    if r.status_code == 403:
        return []
    assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
    out = [(url, r.get_json())]
    ids = r.get_json()["ids"]
    if ids:
        show = f"{reg.api_url}{ids[0]}"
        s = client.api("GET", show)
        assert s.status_code == 200, (show, s.status_code)
        out.append((show, s.get_json()))
    return out


def text_of(body) -> str:
    return json.dumps(body, ensure_ascii=False)
