# Liasse — the two commands of the README are `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: run test install lint typecheck e2e-deps bench clean audit audit-if-reachable messages

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## Compiled translations (.mo) are built from translations/*/LC_MESSAGES/messages.po, not committed.
translations/en/LC_MESSAGES/messages.mo: translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d translations

install: $(STAMP) translations/en/LC_MESSAGES/messages.mo

## Install, migrate, load the demo (once) and serve http://127.0.0.1:5000 (SQLite, inline jobs).
run: install
	$(BIN)/liasse db upgrade
	$(BIN)/liasse demo --if-empty
	LIASSE_EMBEDDED_CLOCK=1 $(BIN)/liasse run --host 127.0.0.1 --port 5000

## Install and run the whole test suite (unit, integration, API fuzzing, browser).
test: install e2e-deps
	$(BIN)/pytest

## Browser-test tools: Debian's Chromium (apt) and axe-core pinned in package-lock.json (npm).
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium unavailable: browser tests will be skipped"
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent || echo "npm unavailable: the accessibility check will be skipped"

## Extract the translatable strings into translations/messages.pot and merge them into each
## catalogue (then fill in the new msgstr; a test fails while one is missing).
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

lint: install
	$(BIN)/ruff check drafting workflows tests benchmarks gunicorn.conf.py
	$(BIN)/ruff format --check drafting workflows tests benchmarks gunicorn.conf.py

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

## Audit the installed (pinned) dependencies for known vulnerabilities: pip-audit, PyPI advisories.
audit: install
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

## The audit, only when its vulnerability service answers within 5 s (CI on an offline machine).
AUDIT_PROBE = https://pypi.org/pypi/pip-audit/2.10.1/json
audit-if-reachable: install
	@if $(BIN)/python -c "import urllib.request as u; u.urlopen('$(AUDIT_PROBE)', timeout=5)" 2>/dev/null; \
	then $(MAKE) audit; \
	else echo "dependency audit skipped: the vulnerability service (pypi.org JSON API) is unreachable"; fi
