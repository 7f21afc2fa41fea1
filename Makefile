# Brobyg: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE ?= municipal
PYTEST_ARGS ?=

export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: install run test lint audit bench messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var/celery/queue var/celery/processed var/celery/control var/cache
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	@echo
	@echo "Brobyg: http://127.0.0.1:8000  (demo users in README.md, password brobyg-demo). Ctrl-C stops it all."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: $(STAMP)
	$(BIN)/python scripts/preflight.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/audit_dependencies.py
	$(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

audit: $(STAMP)
	$(BIN)/python scripts/audit_dependencies.py

bench: $(STAMP)
	$(BIN)/python -m bench --scale $(SCALE)

messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale da --locale en --ignore=.venv --ignore=var --ignore=static/vendor --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var .pytest_cache .ruff_cache staticfiles
