"""No test reads the real date: every date a test sees comes from the app clock (app/core/clock.py),
anchored at TestConfig.CLOCK_AT (JIEDAO_TEST_TODAY), so the suite passes on any day of the year."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
DATE_CALLS = {
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
}
# time.time() measures elapsed seconds (session idle, TOTP steps) as the app does; a line that reads it
# says so with this marker
ELAPSED = "# elapsed time"


def _real_date_reads(source: str) -> list[tuple[int, str]]:
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        call = (owner_name, node.func.attr)
        if call in DATE_CALLS or (call == ("time", "time") and ELAPSED not in lines[node.lineno - 1]):
            found.append((node.lineno, ".".join(call)))
    return found


def test_the_checker_finds_real_date_reads():
    sample = (
        "import datetime as dt, time\nfrom datetime import date\n"
        "a = dt.datetime.now()\nb = date.today()\nc = time.time()\nd = time.time()  # elapsed time\n"
    )
    assert _real_date_reads(sample) == [(3, "datetime.now"), (4, "date.today"), (5, "time.time")]


def test_no_test_reads_the_real_date():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}: {call}()"
        for path in sorted(TESTS.rglob("*.py"))
        for line, call in _real_date_reads(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "read the date through app.core.clock instead:\n" + "\n".join(offenders)
