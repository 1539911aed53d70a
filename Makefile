# Jinmu: `make run` serves the demo county, `make test` runs lint, types and the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test lint types messages check-messages suite browser fuzz bench bench-big bench-projects clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/jinmu migrate --noinput
	$(BIN)/jinmu demo --if-empty
	$(BIN)/jinmu jobs run
	$(BIN)/jinmu demo --logins
	@echo "Jinmu: http://127.0.0.1:$(PORT)/"
	$(BIN)/jinmu runserver 127.0.0.1:$(PORT) --noreload

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

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

clean:
	rm -rf $(VENV) var
