"""schemathesis against the app's own OpenAPI spec (/api/v1/_openapi), in-process (WSGI), as
系统管理员 (JWT from /api/v1/security/login): every register's list, show, info, POST and PUT, with
a few generated examples each and a time budget, asserting no server error (5xx). DELETE is left
out (the delete path has its own tests); the register tables are put back afterwards (conftest)."""

from __future__ import annotations

import os
import time

import hypothesis
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import PASSWORD

MAX_EXAMPLES = int(os.environ.get("JIEDAO_SCHEMATHESIS_EXAMPLES", 3))
BUDGET = float(os.environ.get("JIEDAO_SCHEMATHESIS_SECONDS", 120))
METHODS = ("GET", "POST", "PUT")


def _token(app) -> str:
    with app.app_context():
        r = app.test_client().post(
            "/api/v1/security/login",
            json={"username": "admin", "password": PASSWORD, "provider": "db", "refresh": False},
        )
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["access_token"]


def test_no_server_error_on_any_register_endpoint(app, db):
    headers = {"Authorization": f"Bearer {_token(app)}"}
    with app.app_context():
        spec = app.test_client().get("/api/v1/_openapi", headers=headers)
    assert spec.status_code == 200
    schema = schemathesis.openapi.from_dict(spec.get_json())
    schema.app = app
    ops = []
    for result in schema.get_all_operations():
        op = result.ok()
        if (
            op.method.upper() in METHODS
            and not op.path.startswith("/api/v1/security")
            and "{pk}" in op.path
            or op.method.upper() in METHODS
            and op.path.endswith("/")
            and not op.path.startswith("/api/v1/security")
        ):
            ops.append(op)
    assert len(ops) > 150, len(ops)  # every register's endpoints are in the spec
    # GETs of every register first, then the writes, so a short budget still reads everything
    ops.sort(key=lambda o: (METHODS.index(o.method.upper()), o.path))
    failures, tried, started = [], [], time.monotonic()
    for op in ops:
        if time.monotonic() - started > BUDGET:
            break

        @given(case=op.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def run(case):
            with app.app_context():
                response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:200]} -> {response.status_code}"
                )
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - schemathesis' FailureGroup: collect, report all
            failures.append(f"{op.method.upper()} {op.path}: {str(e)[:300]}")
        tried.append(f"{op.method.upper()} {op.path}")
    print(
        f"schemathesis: {len(tried)} of {len(ops)} operations, {MAX_EXAMPLES} examples each, "
        f"{time.monotonic() - started:.0f} s"
    )
    assert not failures, "\n".join(failures[:30])
    assert len([t for t in tried if t.startswith("GET")]) >= len([o for o in ops if o.method.upper() == "GET"]), (
        "the time budget did not even cover the reads"
    )
