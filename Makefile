# compute-limits: the two quick-start commands are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
WAREHOUSE ?= warehouse.duckdb

.PHONY: setup browser demo test bench clean

# A virtual environment with the project and its test tools (idempotent; redone when pyproject changes).
$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# Main job on the real corpus: import the published data, run the nightly flow on the 123 PDFs, query.
demo: setup
	$(BIN)/compute-limits import-reference $(SHARED)/reference/thompson2022 --warehouse $(WAREHOUSE)
	$(BIN)/compute-limits nightly --source dir:$(SHARED)/corpus/pdfs --warehouse $(WAREHOUSE)
	$(BIN)/compute-limits sql "select kind, count(*) as findings from findings group by 1 order by 2 desc" --warehouse $(WAREHOUSE)

# Debian's Chromium for the review page's browser test (Playwright drives it; no browser download).
# Installed when missing and we are root with apt (CI); otherwise that one test skips, saying why.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium is missing and apt is not usable here: the review page's browser test will be skipped"; \
	  fi; \
	fi

test: setup browser
	$(BIN)/python -m pytest

# Benchmarks print their figures (speed and memory targets are checked here, not in tests).
bench: setup
	$(BIN)/python bench/extraction_speed
	$(BIN)/python bench/extraction_accuracy
	$(BIN)/python bench/refit
	$(BIN)/python bench/ingest_throughput
	$(BIN)/python bench/soak

clean:
	rm -rf $(VENV) .prefect .cache $(WAREHOUSE)
