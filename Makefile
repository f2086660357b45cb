# Liasse — the two commands of the README are `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: run test install lint typecheck e2e-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load the demo (once) and serve http://127.0.0.1:5000 (SQLite, inline jobs).
run: install
	$(BIN)/liasse db upgrade
	$(BIN)/liasse demo --if-empty
	LIASSE_EMBEDDED_CLOCK=1 $(BIN)/liasse run --host 127.0.0.1 --port 5000

## Install and run the whole test suite (unit, integration, API fuzzing, browser).
test: install e2e-deps
	$(BIN)/pytest

e2e-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium unavailable: browser tests will be skipped"

lint: install
	$(BIN)/ruff check drafting workflows tests benchmarks
	$(BIN)/ruff format --check drafting workflows tests benchmarks

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) instance

## Regenerate the single initial migration from the models (nothing deployed yet).
migration: install
	rm -f migrations/versions/*.py
	rm -rf /tmp/liasse-migration && LIASSE_DATA_DIR=/tmp/liasse-migration $(BIN)/liasse db migrate -m "initial schema"
