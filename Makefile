# Two commands do everything on a fresh machine with Python 3.11+:
#   make demo   set up .venv and run the demo against an embedded sandbox
#   make test   set up .venv (and the interop server) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The interop suite runs a real OAuth 2.0 server (oidc-provider) with Node.js.
INTEROP := tests/interop/node_modules/.package-lock.json

.PHONY: demo test lint typecheck clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bitcapital-async demo

$(INTEROP): tests/interop/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the interop tests will be skipped (and fail under CI=true)"; \
	fi

test: $(STAMP) $(INTEROP)
	$(BIN)/python -m pytest --cov --cov-report=term

lint: $(STAMP)
	$(BIN)/ruff format --check bitcapital_async tests benchmarks
	$(BIN)/ruff check bitcapital_async tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
