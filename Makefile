# PLP Admin: the few commands people need. `make` alone lists them.
#
#   make run    install, then serve a demo on http://127.0.0.1:8000 (SQLite, tasks in-process)
#   make test   install, then run the whole test suite (set DATABASE_URL / REDIS_URL to use
#               PostgreSQL and a real Celery broker)

# The virtualenv, and the Python 3.11 that creates it (python3 if it is 3.11).
VENV ?= .venv
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Extra arguments for pytest, such as `make test PYTEST_ARGS="-k settings -x"`.
PYTEST_ARGS ?=
# The date `make run` takes for today: inside the demo's programme year (accounts/clock.py).
DEMO_TODAY ?= 2004-11-26
# Two workers, one test file each at a time: the browser and Celery worker tests keep their
# own live server and queue, so they are safe in parallel. Files go to the workers in the order
# conftest.py sorts them (the long ones first), not by their number of tests.
PYTEST_PARALLEL ?= -n 2 --dist loadfile --no-loadscope-reorder

# Stamps: pip and npm run again only when their lock files change.
PY_STAMP := $(VENV)/.requirements-installed
NPM_STAMP := node_modules/.package-lock-installed
CSS := static/dist/app.css
SCSS := $(shell find static/scss -name '*.scss' 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install run test lint format migrations-check audit backup restore

help: ## List the commands.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: $(PY_STAMP) $(NPM_STAMP) $(CSS) ## Install Python and npm dependencies and build the CSS.

run: install ## Serve a demo on http://127.0.0.1:8000 (SQLite; prints the demo log-ins).
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 PLP_TODAY=$(DEMO_TODAY) $(MANAGE) seed_demo
	DEBUG=1 PLP_TODAY=$(DEMO_TODAY) $(MANAGE) runserver 127.0.0.1:8000

test: install ## Run the whole test suite (PostgreSQL and Redis if DATABASE_URL / REDIS_URL are set).
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

lint: $(PY_STAMP) ## Check the code with ruff (lint and format) and the templates with djLint.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates */templates --lint

format: $(PY_STAMP) ## Format the code and apply ruff's safe fixes.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(PY_STAMP) ## Fail if a model change has no migration.
	$(MANAGE) makemigrations --check --dry-run

audit: $(PY_STAMP) ## Check the pinned dependencies for known vulnerabilities (pip-audit).
	$(BIN)/python scripts/audit_dependencies.py

backup: ## Back up the database (pg_dump) and MEDIA_ROOT to backups/ (DATABASE_URL on PostgreSQL).
	scripts/backup.sh $(BACKUP_DIR)

# The backup directory to restore: `make restore BACKUP=backups/plp-20261128T020000Z` (or FILE=).
BACKUP ?= $(FILE)
restore: ## Restore a backup over DATABASE_URL and MEDIA_ROOT: make restore BACKUP=backups/plp-...
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=backups/plp-..." >&2; exit 2; }
	scripts/restore.sh "$(BACKUP)"

# The virtualenv, made with Python 3.11 (the version the project supports, pyproject.toml).
$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: install python3.11." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "$(PYTHON) is Python $$($(PYTHON) -V 2>&1); Python 3.11 is needed." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Python dependencies, pinned in requirements/dev.txt (pip-tools, from pyproject.toml).
$(PY_STAMP): requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

# npm dependencies, pinned in package-lock.json.
$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@

# The site's stylesheet, compiled from static/scss by `npm run build`.
$(CSS): $(NPM_STAMP) $(SCSS)
	npm run build
	@test -f $@ || { echo "npm run build did not write $@" >&2; exit 1; }
	touch $@
