# Motcua: `make run` (local platform with demo provinces) and `make test` (the whole suite).
# GNU make on Debian/Ubuntu with Python >= 3.11. Everything goes into .venv/.

SHELL := /bin/bash

# python3.11 when it runs, else python3 (checked to be >= 3.11 before the venv is made).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell python3.11 -c '' >/dev/null 2>&1 && echo python3.11 || echo python3)
endif

VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.motcua-installed
FLASK     := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
TEST_WORKERS ?= auto
PORT      ?= 5000

.DEFAULT_GOAL := help
.PHONY: help venv install translations bytecode migrate run test browser lint bench clean

help:
	@echo "make run            venv, install, migrate, demo provinces, web + worker + Zalo sandbox; prints the URL and"
	@echo "                    logins (the processes' logs go to instance/logs/)"
	@echo "make test           the whole suite, in parallel (PYTEST_ARGS='-k ...'; TEST_WORKERS=0 runs it in one process;"
	@echo "                    DATABASE_URL=postgresql://... for PostgreSQL)"
	@echo "make lint           ruff, and the import contract (lint-imports)"
	@echo "make migrate        flask db upgrade (DATABASE_URL / DATABASE_OWNER_URL, default instance/motcua.sqlite3)"
	@echo "make translations   compile platform_core/translations/*/LC_MESSAGES/*.po"
	@echo "make bench          benchmark scripts in bench/ (they print figures)"
	@echo "make clean          remove .venv, caches and compiled catalogues (instance/ is kept)"

# --- environment --------------------------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 || { \
	  found=$$($(PYTHON) --version 2>&1 | head -n 1); \
	  echo "error: Motcua needs Python >= 3.11; '$(PYTHON)' gave: $${found:-nothing (not found?)}" >&2; \
	  echo "       install python3.11 (or newer), or run: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; }
	@echo "$(PYTHON) -m venv $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install the python3-venv package." >&2; exit 1; }

# Re-installs only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

venv: $(BIN)/python
install: $(STAMP)

translations: install
	@if compgen -G 'platform_core/translations/*/LC_MESSAGES/*.po' >/dev/null; then \
	  $(BIN)/pybabel compile -d platform_core/translations; \
	else \
	  echo "translations: no .po files yet, nothing to compile"; \
	fi

# The project's modules compiled to __pycache__/ once, for every process the suite and `make run` start: with
# PYTHONDONTWRITEBYTECODE set (as on this project's machines) Python compiles each module again in every new
# process and keeps nothing, 0.7 s of the 2.2 s a `flask` process took to start (README, "Testing"). compileall
# only recompiles what changed; a stale file is recompiled in memory, never used.
bytecode: install
	@$(BIN)/python -m compileall -q -j 0 platform_core tests scripts bench migrations wsgi.py >/dev/null

# --- running ------------------------------------------------------------------------------------------------

migrate: install
	$(FLASK) db upgrade

# The bundled Redis is started first so that run_dev.py knows it owns it and stops it on Ctrl-C; the flask
# commands below reuse it (instance/redis/server.json). PORT=8000 make run to use another port.
run: export PORT := $(PORT)
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install translations bytecode
	$(BIN)/python scripts/run_dev.py --redis-only
	$(FLASK) db upgrade
	$(FLASK) tenants sync
	$(FLASK) demo
	$(BIN)/python scripts/run_dev.py

# --- checks -------------------------------------------------------------------------------------------------

browser:
	@bash scripts/ensure_chromium.sh

# pytest's exit status is make's: any failure, and exit code 5 (no tests collected), fails the target.
# In parallel with pytest-xdist: TEST_WORKERS processes (auto: one per core), each with its own database,
# Redis, Zalo sandbox and instance folder (tests/conftest.py), handed whole test files (module fixtures are set
# up once); TEST_WORKERS=0 runs the suite in this one process.
test: install translations bytecode browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check platform_core tests bench scripts migrations/env.py
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/tenant_scoping.py
	$(BIN)/python bench/enqueue.py
	$(BIN)/python bench/sandbox_ceiling.py
	$(BIN)/python bench/pump_tick.py
	$(BIN)/python bench/delivery.py
	$(BIN)/python bench/broadcast_plan.py
	$(BIN)/python bench/webhook_intake.py
	$(BIN)/python bench/webhook_burst.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis test-artifacts
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find platform_core -path '*/LC_MESSAGES/*.mo' -delete
