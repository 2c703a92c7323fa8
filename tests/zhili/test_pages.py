"""Every 大治理 register's list, add form and show page open for its writers; pages for readers."""

import pytest

from app.core import registry

KEYS = [r.key for r in registry.all_registers() if r.module == "zhili"]


@pytest.mark.parametrize("key", KEYS)
def test_list_add_show_open_for_admin(db, clients, key):
    admin = clients("admin")
    assert admin.get(f"/{key}/list/").status_code == 200
    assert admin.get(f"/{key}/add").status_code == 200
    model = registry.get(key).model
    row = db.session.query(model).filter(model.is_deleted.is_(False)).first()
    if row is not None:
        assert admin.get(f"/{key}/show/{row.id}").status_code == 200
        assert admin.get(f"/{key}/edit/{row.id}").status_code == 200


@pytest.mark.parametrize("login", ["wg1", "sq1", "leader"])
def test_module_pages_open_in_scope(clients, login):
    c = clients(login)
    for url in (
        "/petition_ranking/",
        "/household_colours/",
        "/rental_compliance/",
        "/petition_case/list/",
        "/household/list/",
        "/deliberation_item/list/",
        "/emergency_event/list/",
    ):
        assert c.get(url).status_code == 200, (login, url)
