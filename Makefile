# The two commands a newcomer runs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
SIZE ?= 300
PORT ?= 8501

.PHONY: install demo test lint bench clean help

help:
	@echo "make demo   - install, generate a demo portfolio, load it, serve the app on :$(PORT)"
	@echo "make test   - install and run the whole test suite (ruff and mypy included)"
	@echo "make bench  - run the benchmarks (large; see docs/benchmarks.md)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/clawback demo --size $(SIZE) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check clawback tests benchmarks
	$(VENV)/bin/mypy clawback

test: install lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/bench_load.py

clean:
	rm -rf $(VENV) clawback-data demo-portfolio .pytest_cache .ruff_cache .mypy_cache
