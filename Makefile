# SafeCity — the two commands: `make run` (demo city on SQLite) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core; each gets its own test database.
PYTEST_WORKERS ?= auto

.PHONY: run test test-browser lint check messages clean install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Serve the demo city (Jiangmen) at http://$(HOST):$(PORT) on the embedded SQLite database under var/.
## The background worker (deliveries, periodic sweeps) runs alongside; Ctrl-C stops both.
run: install
	$(BIN)/safecity migrate --noinput
	$(BIN)/safecity demo
	$(BIN)/safecity collectstatic --noinput --verbosity 0
	$(BIN)/safecity serve --with-worker --bind $(HOST):$(PORT)

## Run the test suite (on SQLite, or on the database named by DATABASE_URL).
test: install-test
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## Browser tests: Playwright drives Debian's chromium (apt-get install chromium fonts-noto-cjk).
test-browser: install-test
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

## Static checks that CI runs: ruff, Django's system checks, migrations and the OpenAPI schema.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/safecity check --fail-level WARNING
	$(BIN)/safecity makemigrations --check --dry-run
	$(BIN)/safecity spectacular --validate --fail-on-warn --file /dev/null

## Recompile the translation catalogues (.po -> .mo) after editing them.
messages: install
	$(BIN)/safecity compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/static
