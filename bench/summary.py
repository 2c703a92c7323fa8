"""A markdown summary of benchmark JSON files (bench/run.py's output), one row per case.

    .venv/bin/python bench/summary.py instance/bench-sqlite.json [more.json …]

Columns: rows per register, register, user, case, wall median ms, this process's CPU ms (the app,
and SQLite's own work on SQLite), SQL ms inside the page's statements, statements, the hand-written
query's ms and whether its rows equal the page's.
"""

from __future__ import annotations

import json
import sys


def rows(paths):
    for path in paths:
        with open(path) as fh:
            d = json.load(fh)
        for r in d["results"]:
            yield d["database"], r


def fmt(v, digits=1):
    return "" if v is None else f"{v:,.{digits}f}"


def main(paths) -> None:
    print("| db | rows | register | user | case | wall ms | cpu ms | sql ms | stmts | raw ms | rows = raw |")
    print("|---|---:|---|---|---|---:|---:|---:|---:|---:|---|")
    for db, r in rows(paths):
        if "error" in r:
            continue
        if r["case"] == "queries 25 vs 100":
            print(
                f"| {db} | {r['rows']:,} | {r['register']} | {r['user']} | statements at 25 / 100 rows | | | | "
                f"{r['queries_25']} / {r['queries_100']} | | |"
            )
            continue
        ok = "" if "matches_raw" not in r else ("yes" if r["matches_raw"] else "**NO**")
        extra = f" (peak {r['peak_rss_mb']:.0f} MB, before {r['rss_before_mb']:.0f} MB)" if "peak_rss_mb" in r else ""
        print(
            f"| {db} | {r['rows']:,} | {r['register']} | {r['user']} | {r['case']}{extra} | {fmt(r.get('median_ms'))} | "
            f"{fmt(r.get('cpu_ms'))} | {fmt(r.get('sql_ms'))} | {r.get('queries', '') or ''} | "
            f"{fmt(r.get('raw_ms'))} | {ok} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
