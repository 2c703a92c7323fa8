"""Time and peak memory of a 200,000-row xlsx export.

    .venv/bin/python bench/export_200k.py            # both writers on synthetic rows, then the app
    .venv/bin/python bench/export_200k.py --rows 50000 --only libs

Each measurement runs in its own process, so "peak RSS" is that process's high-water mark
(VmHWM, bench/memory.py), printed with the RSS before the export started. `libs` compares xlsxwriter's
constant_memory mode with openpyxl's write_only mode on the same 10 typed columns; `app`
fills a scratch SQLite database with meetings and downloads /meeting/export_xlsx/ as admin
through the real stack (filters, scope, labels, streaming response), timing the first byte
and the whole body.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import peak_mb, rss_mb  # noqa: E402


def synthetic(n: int):
    base = dt.datetime(2026, 1, 1, 9, 0)
    for i in range(n):
        yield (
            base + dt.timedelta(minutes=i),
            f"荷花社区第{i % 6 + 1}网格 第{i}次网格碰头会",
            "班子周例会",
            "大党建",
            "王芳",
            "荷花社区",
            "已召开",
            i,
            decimal.Decimal(i % 100000) / 100,
            (base + dt.timedelta(days=i % 365)).date(),
        )


def run_xlsxwriter(n: int, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    from flask import Flask

    from app.core.spreadsheets import Col, _write_book

    cols = [
        Col("计划时间", "datetime"),
        Col("会议名称"),
        Col("会议类型"),
        Col("所属模块"),
        Col("主持人"),
        Col("归属单位"),
        Col("状态"),
        Col("编号", "int"),
        Col("金额", "money"),
        Col("日期", "date"),
    ]
    with Flask(__name__).test_request_context():
        _write_book(path, "bench", cols, synthetic(n))


def run_openpyxl(n: int, path: str) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("bench")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for h in ("计划时间", "会议名称", "会议类型", "所属模块", "主持人", "归属单位", "状态", "编号", "金额", "日期"):
        c = WriteOnlyCell(sheet, value=h)
        c.font = bold
        header.append(c)
    sheet.append(header)
    fmts = {0: "yyyy-mm-dd hh:mm", 8: '"¥"#,##0.00', 9: "yyyy-mm-dd"}
    for row in synthetic(n):
        cells = []
        for i, v in enumerate(row):
            if isinstance(v, decimal.Decimal):
                v = float(v)
            c = WriteOnlyCell(sheet, value=v)
            if i in fmts:
                c.number_format = fmts[i]
            cells.append(c)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:J{n + 1}"
    book.save(path)


def run_app(n: int) -> dict:
    tmp = tempfile.mkdtemp(prefix="jiedao-bench-")
    os.environ["JIEDAO_INSTANCE"] = tmp
    os.environ["TEST_DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.cli import init_security
    from app.seed import seed_demo
    from config import TestConfig

    app = create_app(TestConfig)
    with app.app_context():
        upgrade()
        init_security()
        seed_demo()
        from app.common.models import Meeting
        from app.extensions import db
        from app.org.models import AppUser, OrgUnit

        org_ids = list(db.session.execute(sa.select(OrgUnit.id)).scalars())
        chair = db.session.execute(sa.select(AppUser.id).where(AppUser.username == "sq1")).scalar_one()
        base = dt.datetime(2026, 1, 1, 9, 0)
        now = dt.datetime.now()
        for start in range(0, n, 10000):
            db.session.execute(
                sa.insert(Meeting.__table__),
                [
                    {
                        "module": "dangjian",
                        "meeting_type": "team_weekly",
                        "title": f"压测会议{i}",
                        "planned_start": base + dt.timedelta(minutes=i),
                        "chair_id": chair,
                        "status": "held",
                        "org_unit_id": org_ids[i % len(org_ids)],
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                        "is_deleted": False,
                        "is_ad_hoc": False,
                    }
                    for i in range(start, min(n, start + 10000))
                ],
            )
        db.session.commit()
    http = app.test_client()
    login = http.get("/login/").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', login).group(1)
    http.post("/login/", data={"username": "admin", "password": "Demo@2026", "csrf_token": token})
    before = rss_mb()
    t0 = time.perf_counter()
    response = http.get("/meeting/export_xlsx/", buffered=False)
    first = None
    size = 0
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - t0
        size += len(chunk)
    total = time.perf_counter() - t0
    response.close()
    return {
        "rss_before_mb": round(before, 1),
        "first_byte_s": round(first or total, 3),
        "total_s": round(total, 2),
        "bytes": size,
    }


def child(which: str, n: int) -> None:
    result: dict = {}
    if which == "app":
        result = run_app(n)
    else:
        sys.path.insert(0, str(ROOT))
        import openpyxl  # noqa: F401  (imports are not part of the measurement)

        import app.core.spreadsheets  # noqa: F401

        before = rss_mb()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            t0 = time.perf_counter()
            (run_xlsxwriter if which == "xlsxwriter" else run_openpyxl)(n, tmp.name)
            result = {
                "rss_before_mb": round(before, 1),
                "total_s": round(time.perf_counter() - t0, 2),
                "bytes": os.path.getsize(tmp.name),
            }
    result["peak_rss_mb"] = round(peak_mb(), 1)
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--only", choices=("libs", "app"))
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    runs = {"libs": ["xlsxwriter", "openpyxl"], "app": ["app"]}
    todo = runs[args.only] if args.only else runs["libs"] + runs["app"]
    for which in todo:
        out = subprocess.run(
            [sys.executable, __file__, "--child", which, "--rows", str(args.rows)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        line = (out.stdout.strip().splitlines() or ["{}"])[-1]
        if out.returncode:
            print(which, "failed:", out.stderr[-2000:])
            continue
        r = json.loads(line)
        label = {
            "xlsxwriter": "xlsxwriter constant_memory",
            "openpyxl": "openpyxl write_only",
            "app": "app /meeting/export_xlsx/ (xlsxwriter)",
        }[which]
        extra = f", first byte {r['first_byte_s']} s" if "first_byte_s" in r else ""
        print(
            f"{label:42s} {args.rows} rows: {r['total_s']} s{extra}, peak RSS {r['peak_rss_mb']} MB "
            f"(before export {r['rss_before_mb']} MB), file {r['bytes'] / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
