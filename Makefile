# The two commands a newcomer needs: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run worker test erp install install-dev services chromium lint migrate seed messages clean

run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@scripts/run-portal.sh

# A Celery worker with beat (pulls, outbox deliveries, mail) on the dev settings, in the foreground.
worker: install
	scripts/run-worker.sh

test: install-dev services chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run
	# schemathesis reports each operation as a subtest, and pytest-xdist drops failing subtests: the fuzz file runs in
	# a pytest of its own without xdist, alongside the xdist run (which leaves a core idle at its tail); its output
	# follows the xdist run's, and either one failing fails the target.
	@fuzz_log=$$(mktemp); \
	$(BIN)/pytest -p no:xdist tests/test_api_fuzz.py >"$$fuzz_log" 2>&1 & fuzz=$$!; \
	$(BIN)/pytest -n 2 --dist loadgroup --ignore=tests/test_api_fuzz.py; suite=$$?; \
	wait $$fuzz; fuzzed=$$?; echo "--- tests/test_api_fuzz.py (without xdist)"; cat "$$fuzz_log"; rm -f "$$fuzz_log"; \
	test $$suite -eq 0 && test $$fuzzed -eq 0

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# A local Tryton 8.2 with the demo companies and invoices; prints the settings that point the portal at it.
erp: install-dev
	scripts/tryton-demo.sh

services:
	@scripts/ensure-services.sh

chromium:
	@test -x /usr/bin/chromium || scripts/install-chromium.sh

messages: install
	$(MANAGE) makemessages -l lv --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(MANAGE) compilemessages -l lv --ignore=.venv

clean:
	rm -rf var/portal.sqlite3 var/static var/test-media tests/browser/artifacts
