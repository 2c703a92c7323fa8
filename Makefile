# Jiedao — `make run` (app on SQLite with demo data) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app run
STAMP  := $(VENV)/.installed

.PHONY: run test test-pg test-dates lint install catalogs db demo clean serve worker scheduler bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) catalogs

catalogs: $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations -f

db: install
	$(FLASK) db upgrade
	$(FLASK) init

demo: db
	$(FLASK) seed-demo

run: demo
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production (README "Deployment"): gunicorn with gunicorn.conf.py; with REDIS_URL set, one or more
# `make worker` (background jobs) and one `make scheduler` (escalate / open-month on schedule).
serve: install
	$(FLASK) db upgrade
	$(FLASK) init
	$(VENV)/bin/gunicorn -c gunicorn.conf.py run:app

worker: install
	$(VENV)/bin/rq worker -w app.jobs.worker.Worker --url "$${REDIS_URL:?set REDIS_URL}" --path . jiedao

scheduler: install
	$(VENV)/bin/rq cron --url "$${REDIS_URL:?set REDIS_URL}" --path . app/jobs/cron.py

# The whole suite on SQLite (browser tests skip where Debian's chromium is missing).
test: install
	$(PY) -m pytest -q

# The same suite on PostgreSQL (the machine's server; TEST_DATABASE_URL overrides).
test-pg: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(PY) -m pytest -q

# ruff: the rules in pyproject.toml, and the tree as `ruff format` writes it
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The suite runs on one known instant (config.TestConfig.CLOCK_AT, JIEDAO_TEST_TODAY; default in
# config.py). Its date-sensitive part — the demo seed, every module's time rules, escalation, calendars,
# dashboards, a browser smoke test — also runs at each date of DATE_MATRIX: the year's end late at
# night, the Monday after New Year, a day inside 春节, a working day after 国庆.
DATE_MATRIX ?= 2026-12-31T23:30 2027-01-04T08:00 2027-02-08T10:00 2027-10-08T09:00
DATED_TESTS ?= tests/test_seed_dates.py tests/test_no_real_date.py tests/test_meeting_rules.py \
	tests/test_pii_and_timerules.py tests/calendar tests/dangjian tests/xietiao tests/zhili tests/zhifa \
	tests/fuwu tests/sheets/test_dashboards.py tests/prod/test_sweep_lock.py \
	tests/dues tests/todo tests/escalation tests/browser/test_calendar_in_browser.py
test-dates: install
	@for at in $(DATE_MATRIX); do \
		echo "== dated tests at $$at"; \
		JIEDAO_TEST_TODAY=$$at $(PY) -m pytest -q $(DATED_TESTS) || exit $$?; \
	done

# The benchmark (bench/run.py, README "Performance"): rebuilds the database it is given
# (SQLite instance/bench.db by default; a PostgreSQL database's name must contain bench or test).
#   make bench BENCH_SIZES=1000,100000 DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench
bench: install
	$(PY) bench/run.py $(if $(DATABASE_URL),--url '$(DATABASE_URL)') $(if $(BENCH_SIZES),--sizes '$(BENCH_SIZES)')

clean:
	rm -rf $(VENV) instance .pytest_cache
