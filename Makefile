# compute-limits: the two quick-start commands are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
WAREHOUSE ?= warehouse.duckdb

.PHONY: setup demo test bench clean

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

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .prefect .cache $(WAREHOUSE)
