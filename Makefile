# Jinmu: `make run` serves the demo county, `make test` runs lint, types and the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2
LOCK := requirements/dev.lock
LOCK_FLAGS := --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes \
	--no-header --annotation-style line

.PHONY: lock wheelhouse run test lint types messages check-messages suite browser fuzz bench bench-big bench-projects bench-http bench-profile clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock file with hashes, so a machine gets exactly what CI tested;
# the project itself is installed on top without resolving anything (--no-deps).
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve both lock files after a change to pyproject.toml's dependencies.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements/dev.lock

# An offline bundle for an intranet: every wheel of requirements/base.lock (hash-checked) and
# Jinmu's own wheel; README's production section says how to install from it.
wheelhouse: $(STAMP)
	rm -rf wheelhouse && mkdir -p wheelhouse
	$(BIN)/pip download --quiet --require-hashes --only-binary=:all: -r requirements/base.lock -d wheelhouse
	$(BIN)/pip wheel --quiet --no-deps -w wheelhouse .
	cp requirements/base.lock wheelhouse/requirements.lock
	@echo "wheelhouse/: $$(ls wheelhouse/*.whl | wc -l) wheels"

run: $(STAMP)
	$(BIN)/jinmu migrate --noinput
	$(BIN)/jinmu demo --if-empty
	$(BIN)/jinmu jobs run
	$(BIN)/jinmu demo --logins
	@echo "Jinmu: http://127.0.0.1:$(PORT)/"
	@# The worker runs background tasks and the periodic jobs; it stops with the server.
	$(BIN)/jinmu run_huey --quiet & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/jinmu runserver 127.0.0.1:$(PORT) --noreload

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_sizes.py

types: $(STAMP)
	$(BIN)/mypy src/jinmu

check-messages: $(STAMP)
	$(BIN)/python scripts/check_messages.py

messages: $(STAMP)
	$(BIN)/python scripts/check_messages.py --update

suite: $(STAMP)
	DJANGO_SETTINGS_MODULE=jinmu.settings $(BIN)/jinmu makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser and not bench and not fuzz" -q

test: lint types check-messages suite

browser: $(STAMP)
	$(BIN)/pytest tests/browser -m browser -q -p no:xdist

# Schemathesis over every API operation (bounded examples; 0 server errors allowed).
fuzz: $(STAMP)
	$(BIN)/pytest tests/fuzz -m fuzz -q -p no:xdist

bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes 3000 30000

bench-big: $(STAMP)
	$(BIN)/python bench/run.py --sizes 3000 300000

bench-projects: $(STAMP)
	$(BIN)/python bench/projects.py --sizes 0 50000

# Over the wire (issue 11): gunicorn as in README's production section and a bare Django page,
# loaded alternately by wrk (Debian package) at 8 and 50 connections; data sets are generated
# once into bench/data/wire/ (PostgreSQL: jinmu_bench_* databases). Needs Redis and, for the
# PostgreSQL set, PostgreSQL on 127.0.0.1. E.g. `make bench-http BENCH_HTTP_DATA=demo-sqlite`.
# The figures of bench-http and bench-profile are kept (by label) in bench/results/, tracked:
# commit them with RESULTS.md, which is rewritten from them (`--report` rewrites it only).
BENCH_HTTP_DATA ?= demo-sqlite large-sqlite demo-pg
BENCH_HTTP_LABEL ?= current
bench-http: $(STAMP)
	$(BIN)/python bench/wire.py --data $(BENCH_HTTP_DATA) --label "$(BENCH_HTTP_LABEL)"

# Where the time goes per page: cProfile through the test client on one data set of bench-http.
bench-profile: $(STAMP)
	$(BIN)/python bench/profile_pages.py --data $(firstword $(BENCH_HTTP_DATA)) --label "$(BENCH_HTTP_LABEL)"

clean:
	rm -rf $(VENV) var wheelhouse
