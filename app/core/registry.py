"""The registry: one entry per register (台账), the spec everything else is generated from.

A register is one model + one `Register(...)` line; the ModelView, the REST API,
the menu entry, the export, the permission rows and the docs are derived here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext

MODULES = ("common", "dangjian", "xietiao", "zhili", "zhifa", "jingji", "fuwu")

# Fields every register has (domain §2.2): labelled once, as fld_common__<name>.
COMMON_FIELDS = (
    "id",
    "org_unit",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "version",
    "is_deleted",
    "attachments",
    "remarks",
)
SYSTEM_FIELDS = ("id", "created_by", "created_at", "updated_by", "updated_at", "version", "is_deleted")

# Packages, in menu order. Each may have registers.py (Register lines, custom pages),
# views.py (register_views(appbuilder) for custom pages), cli.py (register_cli(app)) and
# seed.py (seed_demo(fake, rnd)).
PACKAGES = (
    "app.org",
    "app.common",
    "app.modules.dangjian",
    "app.modules.xietiao",
    "app.modules.zhili",
    "app.modules.zhifa",
    "app.modules.jingji",
    "app.modules.fuwu",
    "app.dues",
    "app.escalation",
    "app.todo",
    "app.calendar",
    "app.dashboards",
    "app.jobs",
    "app.maintenance",
    "app.recycle",
)


def optional_import(name: str):
    """Import a package's optional module (registers, views, seed); None if it has none."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name in (name, name.rsplit(".", 1)[0]):
            return None
        raise


@dataclass(eq=False)
class Register:
    key: str
    model: type
    module: str
    group: str  # permission group of domain §9.2 (G1…G15), or AUDIT
    list_columns: Sequence[str]
    search_columns: Sequence[str] = ()
    fulltext: Sequence[str] = ()  # text columns searched through an index (core/search.py, a migration)
    form_columns: Sequence[str] | None = None  # add and edit; default: model's user columns
    show_columns: Sequence[str] | None = None
    order: tuple[str, str] = ("id", "desc")
    anchor: str = "street"  # street | community | grid
    scope_column: str = "org_unit_id"
    module_column: str | None = None  # rows carry their own module (meeting, work_item)
    reference: bool = False  # office-wide reference data: street rows visible to every scope
    owner: Callable[[Any], Any] | None = None  # principal -> SQL clause for "own records"
    rules: Sequence[Callable[[Any], None]] = ()  # item -> raise RuleViolation
    transitions: Sequence[Any] = ()  # workflow.Transition: buttons on the show page, API endpoint
    time_rules: Sequence[Any] = ()  # timerules.TimeRule: deadlines the escalation list and sweep read
    pii: dict = field(default_factory=dict)  # column → "phone" | "id_no" | "name": masked (core/pii.py)
    pii_roles: Sequence[str] = ()  # role keys that handle these people and see the data unmasked
    pii_row: Callable[[Any, Any], bool] | None = None  # (item, principal): does a pii_role see this row clear?
    view_mixin: type | None = None  # hand-written extras: actions, custom pages
    api_mixin: type | None = None
    labels: dict = field(default_factory=dict)  # column → catalog key, where the glossary names it otherwise
    writable: bool = True  # False: list/show/export only (audit log)
    views: bool = True  # False: scoped for drop-downs only, no pages (users)
    menu: bool = True
    icon: str = "fa-table"
    extra: dict = field(default_factory=dict)

    @property
    def name(self):
        return lazy_gettext(f"reg_{self.key}")

    def label_key(self, column: str) -> str:
        base = column.split(".")[0]
        if base in self.labels:
            return self.labels[base]
        if base in COMMON_FIELDS:
            return f"fld_common__{base}"
        return f"fld_{self.key}__{base}"

    def label(self, column: str):
        return lazy_gettext(self.label_key(column))

    @property
    def list_url(self) -> str:
        return f"/{self.key}/list/"

    @property
    def api_url(self) -> str:
        return f"/api/v1/{self.key}/"


_REGISTERS: dict[str, Register] = {}
_BY_MODEL: dict[type, Register] = {}
_loaded = False


def add(*registers: Register) -> None:
    for reg in registers:
        if reg.key in _REGISTERS and _REGISTERS[reg.key] is not reg:
            raise ValueError(f"register {reg.key} declared twice")
        if reg.module not in MODULES:
            raise ValueError(f"register {reg.key}: unknown module {reg.module}")
        _REGISTERS[reg.key] = reg
        _BY_MODEL[reg.model] = reg


def load() -> None:
    global _loaded
    if not _loaded:
        for pkg in PACKAGES:
            optional_import(f"{pkg}.registers")
        _loaded = True


def _package_rank(reg: Register) -> int:
    module = reg.model.__module__
    return next((i for i, pkg in enumerate(PACKAGES) if module == pkg or module.startswith(pkg + ".")), len(PACKAGES))


def all_registers() -> list[Register]:
    """Every register in menu order: PACKAGES order, then declaration order (whatever was imported first)."""
    load()
    order = {key: i for i, key in enumerate(_REGISTERS)}
    return sorted(_REGISTERS.values(), key=lambda r: (_package_rank(r), order[r.key]))


def get(key: str) -> Register:
    load()
    return _REGISTERS[key]


def for_model(model: type) -> Register | None:
    load()
    return _BY_MODEL.get(model)


def module_label(module: str):
    return lazy_gettext(f"module_{module}")
