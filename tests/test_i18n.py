"""zh_CN is the default; every label the registry generates has a Simplified-Chinese entry."""

import enum

import pytest
from flask_babel import force_locale, gettext

from app.core import permissions, registry
from app.core.views import build_view


def _label_keys():
    keys = set()
    for reg in registry.all_registers():
        keys.add(f"reg_{reg.key}")
        keys.add(f"module_{reg.module}")
        if reg.views:
            view = build_view(reg)
            for cols in (view.list_columns, view.search_columns, view.add_columns, view.show_columns):
                keys |= {reg.label_key(c) for c in cols if c != "lock_version"}
        for column in reg.model.__table__.columns:
            enum_cls = getattr(column.type, "enum_class", None) or getattr(column.type, "enum_cls", None)
            if enum_cls is not None and issubclass(enum_cls, enum.Enum):
                keys |= {f"enum_{enum_cls.__catalog__}__{m.name}" for m in enum_cls if enum_cls.__catalog__ != "module"}
    keys |= {f"role_{k}" for k in permissions.ROLES if not k.startswith("module_head_")}
    return sorted(keys)


def test_every_generated_label_has_a_zh_translation(app):
    with app.test_request_context(), force_locale("zh"):
        missing = [k for k in _label_keys() if gettext(k) == k]
    assert not missing, f"no zh_CN entry for: {missing}"


@pytest.mark.parametrize("locale", ["zh", "zh_Hant_TW", "en"])
def test_every_app_msgid_is_translated(app, locale):
    from babel.messages.pofile import read_po

    from tools.catalogs import ROOT, extracted

    with (ROOT / f"translations/{locale}/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = [m for m in extracted() if m not in catalog or not catalog[m].string]
    assert not missing, f"untranslated in {locale}: {missing}"


def test_pages_are_in_simplified_chinese_by_default(clients):
    page = clients("sq1").get("/meeting/list/").get_data(as_text=True)
    for word in ("会议台账", "计划时间", "会议类型", "导出Excel", "搜索"):
        assert word in page
    assert "組團" not in page and "社群" not in page


@pytest.mark.parametrize("locale,word", [("en", "Meeting ledger"), ("zh_TW", "會議臺帳")])
def test_other_locales_are_selectable(app, locale, word):
    from .conftest import Client

    c = Client(app, "sq2")
    c.get(f"/lang/{locale}")
    assert word in c.get("/meeting/list/").get_data(as_text=True)
