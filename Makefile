# The index of commands. `make run` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Emailed links point at the server `make run` starts.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
STAMP := $(VENV)/.installed
# Test processes (pytest-xdist); the machine has 2 cores. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format bench browser ci clean

install: $(STAMP)

# Reinstall only when the dependency list changes; otherwise `make install` is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/roundtable migrate --no-input
	$(BIN)/roundtable createcachetable
	$(BIN)/roundtable demo
	$(BIN)/roundtable serve --port $(PORT)

# Browser tests drive Debian's chromium; install it when the machine lacks it.
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests (apt-get)"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser lint
	$(BIN)/roundtable makemigrations --check --dry-run >/dev/null
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for m in benchmarks/[a-z]*.py; do \
	  name=$$(basename $$m .py); echo "== $$name"; $(BIN)/python -m benchmarks.$$name || exit 1; done

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var
