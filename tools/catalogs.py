"""Keep translations/ in step with the code and the glossary.

    python tools/catalogs.py [--glossary ../shared/glossary.csv]

- adds every glossary key (reg_*, fld_*, enum_*, role_*, module_*, scope_*) to the
  zh (Simplified, the default), zh_TW and en catalogs, keeping entries already there;
- adds every msgid extracted from app/ (gettext calls in Python and templates);
- merges every tools/fill/*.json ({"zh": {msgid: text}, "zh_Hant_TW": {...}, "en": {...}}),
  one file per module, into the catalogs.
Existing translations are never overwritten. Compile with `make catalogs`.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = {"zh": "zh_CN", "zh_Hant_TW": "zh_TW", "en": "en"}  # folder (as Babel names the locale) → glossary column
METHODS = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]


def load(locale: str) -> Catalog:
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=locale)
    return Catalog(locale=locale, project="jiedao", charset="utf-8")


def save(locale: str, catalog: Catalog) -> None:
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, sort_output=True, omit_header=False)


def extracted() -> list[str]:
    ids = []
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHODS, keywords={"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2)}
    ):
        ids.extend(message if isinstance(message, tuple) else [message])
    return sorted(set(ids))


def _put(cat: Catalog, msgid: str, text: str) -> None:
    """Add msgid, or fill it where it is still untranslated; never overwrite."""
    if msgid not in cat:
        cat.add(msgid, text)
    elif not cat[msgid].string and text:
        cat[msgid].string = text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--glossary", type=Path)
    args = ap.parse_args()
    glossary = []
    if args.glossary:
        with args.glossary.open(encoding="utf-8") as f:
            glossary = list(csv.DictReader(f))
    fill: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "tools" / "fill").glob("*.json")):
        for locale, entries in json.loads(path.read_text(encoding="utf-8")).items():
            fill.setdefault(locale, {}).update(entries)
    app_ids = extracted()
    for locale, column in LOCALES.items():
        cat = load(locale)
        for row in glossary:
            _put(cat, row["key"], row[column])
        for msgid in app_ids:
            _put(cat, msgid, msgid if locale == "en" else "")
        for msgid, text in fill.get(locale, {}).items():
            _put(cat, msgid, text)
        save(locale, cat)
        missing = [m.id for m in cat if m.id and not m.string]
        print(f"{locale}: {len(cat)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
