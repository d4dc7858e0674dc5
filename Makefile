# Two commands matter: `make run` (the site, worker and beat on embedded defaults, with demo
# data) and `make test` (the whole suite). Everything else is a step they share.

# Inside the checkout, pyenv's .python-version makes python3 a 3.12; elsewhere python3.12.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install lint messages schema bench bench-pages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is required (Django 6.1); found " + sys.version.split()[0] + ". Install Python 3.12 or set PYTHON=/path/to/python3.12.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

# The site at http://$(HOST):$(PORT) with a Celery worker and beat. No DATABASE_URL/REDIS_URL:
# SQLite in var/ and kombu's filesystem broker in var/broker/. The three run under honcho
# (Procfile, scripts/run.py), their lines prefixed in this terminal; Ctrl-C or closing the
# terminal stops all three. `make serve` starts them again without reloading the demo data.
SERVE := $(BIN)/python scripts/run.py --host $(HOST) --port $(PORT)
run serve: export DEBUG = 1
run: install
	@$(SERVE) --check-port
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_structure
	$(BIN)/python manage.py load_task_types
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_cycle_demo
	$(BIN)/python manage.py seed_meetings_demo
	@echo "Serving http://$(HOST):$(PORT)  (Ctrl-C stops the site, the worker and beat)"
	@$(SERVE)

serve:
	@$(SERVE)

# The whole suite. CI sets DATABASE_URL and REDIS_URL to PostgreSQL and Redis; without them
# it runs on SQLite and the filesystem broker.
# The suite collects the static files it serves itself (tests/conftest.py). It runs on every
# core (pytest-xdist); PYTEST_ARGS="tests/sectors -n0" runs a part in this process.
PYTEST_ARGS ?= -n auto --dist worksteal
test: install
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-not-used-anywhere-else-0123456789abcdef} \
	  $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Needs GNU gettext (Debian: gettext). Compiled .mo files are committed, so running the site
# does not.
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l es -e html,txt,py --no-obsolete --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

schema: install
	DEBUG=1 $(BIN)/python manage.py spectacular --file var/schema.yml --validate --fail-on-warn

# The load harness (scripts/bench/run.py; scripts/bench/README.md): gunicorn + PostgreSQL + a
# generated dataset, each endpoint against its floor in the same run, driven by wrk (Debian),
# then 20 transitions of 20 different tasks sent at once against one after another. Prints the
# tables and targets, writes var/bench/latest.json (a whole run also the bench README's latest
# run). Then, on a whole run, the calendar's conflict check and overlap scan at 2,000 and
# 20,000 meetings (scripts/bench_meetings.py, written and rolled back on the same database).
# `make bench BENCH_ARGS="--only writes"` runs one part. `bench-pages`: queries and in-process
# latency on the demo database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/r4v_bench
bench: install
	scripts/install-debian.sh wrk
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python scripts/bench/run.py $(BENCH_ARGS)
	$(if $(BENCH_ARGS),,DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python scripts/bench_meetings.py --sizes 2000 20000)

bench-pages: install
	DEBUG=1 $(BIN)/python scripts/bench_pages.py

clean:
	rm -rf $(VENV) var staticfiles
