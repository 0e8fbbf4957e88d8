# The two commands a newcomer runs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
SIZE ?= 300
PORT ?= 8501

.PHONY: app-screenshots demo-deps system-deps install demo test lint bench clean help neo4j-fetch neo4j-start neo4j-stop

help:
	@echo "make demo   - install, generate a demo portfolio, load it, serve the app on :$(PORT)"
	@echo "make test   - install and run the whole test suite (ruff and mypy included)"
	@echo "make bench  - run the benchmarks (large; see docs/benchmarks.md)"
	@echo "make neo4j-fetch - fetch the Neo4j Community server jars with Maven (cached in ~/.cache/clawback)"
	@echo "make neo4j-start - start a local Neo4j on free loopback ports (.neo4j/; credentials in .neo4j/env)"
	@echo "make neo4j-stop  - stop the local Neo4j"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages: the bundles' CJK font (the demo writes a bundle), and for the tests also a
# headless browser and its driver and poppler's pdftotext/pdffonts. Installed with apt when
# missing (as root), else named.
DEMO_TOOLS := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
DEMO_PACKAGES := fonts-wqy-zenhei
TEST_TOOLS := $(DEMO_TOOLS) /usr/bin/chromium /usr/bin/chromedriver /usr/bin/pdftotext \
	/usr/bin/pdffonts
TEST_PACKAGES := $(DEMO_PACKAGES) chromium chromium-driver poppler-utils

define apt_ensure
	@missing=""; for f in $(1); do [ -e $$f ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing with apt"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      $(2) >/dev/null; \
	  else \
	    echo "missing:$$missing -- run: sudo apt-get install $(2)"; exit 1; \
	  fi; \
	fi
endef

demo-deps:
	$(call apt_ensure,$(DEMO_TOOLS),$(DEMO_PACKAGES))

system-deps:
	$(call apt_ensure,$(TEST_TOOLS),$(TEST_PACKAGES))

install: $(STAMP)

demo: install demo-deps
	$(VENV)/bin/clawback demo --size $(SIZE) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check clawback tests benchmarks
	$(VENV)/bin/mypy clawback

test: install system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/bench_load.py

app-screenshots: install system-deps
	$(PY) scripts/app_screenshots.py

neo4j-fetch: install
	$(PY) scripts/neo4j_local.py fetch

neo4j-start: install
	$(PY) scripts/neo4j_local.py start

neo4j-stop: install
	$(PY) scripts/neo4j_local.py stop

clean:
	rm -rf $(VENV) clawback-data demo-portfolio .pytest_cache .ruff_cache .mypy_cache
