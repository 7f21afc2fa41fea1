# Brobyg: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE ?= municipal
PYTEST_ARGS ?=
# The suite runs in this many processes side by side, each on its own test database and Redis
# database (config/settings/test.py); 1 runs it in one.
TEST_PROCESSES ?= 2

export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: install run test lint audit bench messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Without DATABASE_URL, scripts/run.py starts the embedded PostgreSQL (data in var/postgres);
# it migrates, seeds, starts Procfile.dev and, on Ctrl-C, stops it all and then the database.
run: $(STAMP)
	@$(BIN)/python scripts/run.py

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
	$(BIN)/lint-imports
	$(BIN)/python scripts/audit_dependencies.py
	$(BIN)/python -m pytest --create-db $(if $(filter-out 1,$(TEST_PROCESSES)),-n $(TEST_PROCESSES) --dist loadfile) $(PYTEST_ARGS)

audit: $(STAMP)
	$(BIN)/python scripts/audit_dependencies.py

bench: $(STAMP)
	$(BIN)/python -m bench --scale $(SCALE)

messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale da --locale en --ignore=.venv --ignore=var --ignore=static/vendor --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var .pytest_cache .ruff_cache staticfiles
