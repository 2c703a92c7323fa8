"""THE role × register × action × scope table (domain §9.1–9.3), and its sync to FAB.

Each role maps a permission group (G1…G15 of §9.2, AUDIT, FILES) or a single
register key to a cell. A cell is space-separated tokens ``<rights>·<scope>``:
rights R (read: list, show, export), W (read + add, edit, delete own rows),
A (read + workflow transitions); scope a (all), m (own module), c (own
community), g (own grid), o (own records). ``-`` is no access. A register key
entry overrides its group's entry for that role.

FAB permissions are derived from this table (code-defined roles, checked in
memory); the data scope is applied by app.core.scope from the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext

from . import registry

SCOPES = ("a", "m", "c", "g", "o")

# group → module whose heads get W on it (`*` cells of §9.2)
GROUP_MODULE = {
    "G3": "dangjian",
    "G4": "dangjian",
    "G5": "dangjian",
    "G6": "xietiao",
    "G7": "zhili",
    "G8": "zhili",
    "G9": "zhili",
    "G10": "zhili",
    "G11": "zhifa",
    "G12": "jingji",
    "G13": "fuwu",
    "G14": "fuwu",
}
GROUPS = ("G1", "G2", *GROUP_MODULE, "G15", "AUDIT", "FILES")


def _row(*cells: str, **overrides: str) -> dict[str, str]:
    """Cells for G1…G15 in order, then AUDIT/FILES/register overrides by keyword."""
    row = dict(zip(("G1", "G2", *GROUP_MODULE, "G15"), cells))
    row.update(overrides)
    return row


# Registers whose rows are addressed to a module head of any module (domain §9.3 owner paths,
# §9.4: the assigned module head reports on a 交办单, the 督办对象 answers a 督办单): every
# module head reads and writes the rows addressed to them (own records), whatever their module.
ADDRESSED_TO_MODULE_HEADS = ("assignment_order", "supervision_item", "supervision_order")


def _module_head_row(module: str) -> dict[str, str]:
    own = {g: ("WA·a" if g in ("G7", "G11") else "W·a") for g, m in GROUP_MODULE.items() if m == module}
    addressed = {key: "W·o" for key in ADDRESSED_TO_MODULE_HEADS if "G6" not in own}
    return {"G1": "R·a", "G2": "W·m", "G15": "R·m", **own, **addressed}


#: key → (FAB role name, fixed module or None, cells). The single source of truth.
ROLES: dict[str, tuple[str, str | None, dict[str, str]]] = {
    #                    G1     G2         G3     G4     G5     G6     G7        G8     G9     G10    G11       G12    G13    G14    G15
    "admin": (
        "系统管理员",
        None,
        _row(
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "W·a",
            "R·a",
            AUDIT="R·a",
            FILES="W·a",
        ),
    ),
    "street_leader": (
        "街道领导",
        None,
        _row(
            "R·a",
            "WA·a",
            "RA·a",
            "R·a",
            "R·a",
            "RA·a",
            "RA·a",
            "R·a",
            "R·a",
            "RA·a",
            "RA·a",
            "R·a",
            "R·a",
            "R·a",
            "R·a",
        ),
    ),
    "dcb": (
        "综合督考办",
        "xietiao",
        _row(
            "R·a", "R·a W·m", "R·a", "R·a", "R·a", "WA·a", "R·a", "R·a", "R·a", "R·a", "R·a", "R·a", "R·a", "R·a", "W·a"
        ),
    ),
    "djb": (
        "党建办",
        "dangjian",
        _row("R·a", "W·m", "WA·a", "W·a", "W·a", "-", "-", "-", "-", "-", "-", "-", "-", "-", "R·m"),
    ),
    "command_center": (
        "指挥中心",
        "zhili",
        _row("R·a", "W·m", "-", "-", "-", "-", "WA·a", "R·a", "R·a", "WA·a", "R·a", "-", "-", "-", "R·m"),
    ),
    "community_secretary": (
        "社区书记",
        None,
        _row(
            "R·c",
            "W·c",
            "WA·c",
            "W·c",
            "R·c",
            "R·o",
            "R·c W·o",
            "R·c",
            "WA·c",
            "R·c",
            "R·c",
            "R·c",
            "WA·c",
            "-",
            "R·c",
            tuesday_theme="W·c",
        ),
    ),
    "community_staff": (
        "社区工作人员",
        None,
        _row(
            "R·c",
            "W·c",
            "R·c",
            "W·c",
            "R·c",
            "-",
            "R·c",
            "W·c",
            "W·c",
            "W·c",
            "R·c",
            "R·c",
            "W·c",
            "-",
            "R·c",
            tuesday_theme="W·c",
        ),
    ),
    "grid_head": (
        "网格长",
        None,
        _row("R·g", "W·g", "-", "R·g", "R·g", "-", "WA·g", "W·g", "WA·g", "W·g", "R·g", "R·g", "R·g", "-", "R·g"),
    ),
    "grid_worker": (
        "网格员",
        None,
        _row("R·g", "R·g", "-", "R·g", "R·g", "-", "W·g", "W·g", "W·g", "W·g", "R·g", "-", "R·g", "-", "R·o"),
    ),
    "team_leader": (
        "志愿者团长",
        None,
        _row("R·o", "W·o", "-", "-", "WA·o", "-", "-", "-", "-", "-", "-", "R·o", "-", "-", "R·o"),
    ),
    "volunteer": (
        "志愿者",
        None,
        _row("-", "-", "-", "-", "R·o", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", service_list_item="W·o"),
    ),
    "errand_runner": (
        "格格代办员",
        "fuwu",
        _row(
            "R·c", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "RA·c W·o", "-", "R·o", service_matter="R·a"
        ),
    ),
    "window_staff": (
        "窗口工作人员",
        "fuwu",
        _row("R·a", "W·m", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "R·a", "WA·a", "R·o"),
    ),
    "stationed_unit": (
        "派驻单位",
        "zhifa",
        _row("R·o", "R·o", "-", "-", "-", "-", "-", "-", "-", "-", "R·a W·o", "-", "-", "-", "R·o"),
    ),
    "safety_third_party": (
        "安全生产第三方",
        "jingji",
        _row("R·o", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", safety_inspection="W·o"),
    ),
    "auditor": ("只读审计", None, _row(*(["R·a"] * 15), AUDIT="R·a", FILES="R·a")),
}
# 模块负责人: one role per module (the module decides which `*` groups are writable)
_MODULE_ZH = {
    "dangjian": "大党建",
    "xietiao": "大协调",
    "zhili": "大治理",
    "zhifa": "大执法",
    "jingji": "大经济",
    "fuwu": "大服务",
}
for _m, _zh in _MODULE_ZH.items():
    ROLES[f"module_head_{_m}"] = (f"模块负责人（{_zh}）", _m, _module_head_row(_m))

ADMIN_ROLE = "admin"
ROLE_BY_NAME = {name: key for key, (name, _m, _c) in ROLES.items()}


def role_label(key: str):
    if key.startswith("module_head_"):
        return lazy_gettext("role_module_head")
    return lazy_gettext(f"role_{key}")


@dataclass
class Cell:
    """Merged rights of one user on one register: lists of scope letters."""

    read: set[str] = field(default_factory=set)
    write: set[str] = field(default_factory=set)
    approve: set[str] = field(default_factory=set)

    def merge(self, text: str) -> Cell:
        for token in text.split():
            if token == "-":
                continue
            rights, scope = token.split("·")
            if scope not in SCOPES or not set(rights) <= set("RWA"):
                raise ValueError(f"bad cell token {token!r}")
            self.read.add(scope)
            if "W" in rights:
                self.write.add(scope)
            if "A" in rights:
                self.approve.add(scope)
        return self

    @property
    def actions(self) -> set[str]:
        """FAB permission names (without can_) this cell grants."""
        acts = set()
        if self.read:
            acts.add("read")
        if self.write:
            acts |= {"write", "delete"}
        if self.approve:
            acts.add("approve")
        return acts


def cell_text(role_key: str, reg: registry.Register) -> str:
    cells = ROLES[role_key][2]
    return cells.get(reg.key, cells.get(reg.group, "-"))


def cell_for(role_keys, reg) -> Cell:
    cell = Cell()
    for key in role_keys:
        cell.merge(cell_text(key, reg))
    if not reg.writable:
        cell.write.clear()
        cell.approve.clear()
    return cell


# Pages every logged-in user needs (own profile, password).
_SELF_SERVICE = [
    ["^(ResetMyPasswordView|UserInfoEditView)$", "^can_this_form_(get|post)$"],
    ["^UserDBModelView$", "^can_userinfo$"],
    ["^UserDBModelView$", "^resetmypassword$"],
    ["^(UserInfoEditView|ResetMyPasswordView)$", "^menu_access$"],
]


def fab_roles() -> dict[str, list[list[str]]]:
    """FAB_ROLES config: regex pairs per role name, derived from ROLES."""
    out: dict[str, list[list[str]]] = {}
    regs = [r for r in registry.all_registers()]
    for key, (name, _module, _cells) in ROLES.items():
        if key == ADMIN_ROLE:
            out[name] = [[".*", ".*"]]
            continue
        by_actions: dict[tuple[str, ...], list[str]] = {}
        menus: set[str] = set()
        for reg in regs:
            acts = tuple(sorted(cell_for([key], reg).actions))
            if not acts:
                continue
            by_actions.setdefault(acts, []).append(reg.key)
            if reg.menu:
                menus |= {reg.key, reg.module}
        pairs = [
            [view, f"^can_({'|'.join(acts)})$"]
            for acts, keys in sorted(by_actions.items())
            for view in _alternations(keys)
        ]
        for page, groups in EXTRA_PAGES.items():
            if any(_has_group(key, g) for g in groups):
                pairs.append([f"^{page}$", "^can_read$"])
                menus.add(page)
        pairs += [[view, "^menu_access$"] for view in _alternations(menus)]
        out[name] = pairs + _SELF_SERVICE
    return out


# FAB stores each pattern as an ab_view_menu name: String(250), enforced by PostgreSQL
PATTERN_LIMIT = 250


def _alternations(names, limit: int = PATTERN_LIMIT) -> list[str]:
    """Anchored patterns ``^(a|b|…)$`` over `names`, each at most `limit` characters."""
    out, chunk = [], []
    for n in sorted(names):
        if chunk and len("^()$") + len("|".join([*chunk, n])) > limit:
            out.append(f"^({'|'.join(chunk)})$")
            chunk = []
        chunk.append(n)
    if chunk:
        out.append(f"^({'|'.join(chunk)})$")
    return out


#: custom pages (class_permission_name) → groups whose readers may open them
EXTRA_PAGES: dict[str, tuple[str, ...]] = {}


def add_page(name: str, groups: tuple[str, ...]) -> None:
    """Declare a custom page (a BaseView with class_permission_name=name whose methods map to
    "read"): every role with any access to one of `groups` gets can_read and its menu entry.
    Call it from the package's registers.py, which is imported before the roles are built."""
    EXTRA_PAGES[name] = tuple(groups)


def _has_group(role_key: str, group: str) -> bool:
    text = ROLES[role_key][2].get(group, "-")
    return text.strip() != "-"


def matrix_rows():
    """(role key, role name, register, cell text) for docs and tests."""
    for key, (name, _m, _c) in ROLES.items():
        for reg in registry.all_registers():
            yield key, name, reg, cell_text(key, reg)
