# intercom-sla: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

DEMO_DIR := data/demo
DEMO_DB := $(DEMO_DIR)/intercom_sla.duckdb
TEST_DIR := data/test
TEST_DB := $(TEST_DIR)/intercom_sla.duckdb
LINT_DB := data/lint/intercom_sla.duckdb

.PHONY: help install browser demo report test check lint format test-python test-dbt test-postgres test-spark benchmark docs lookml clean lock

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(VENV)/.installed  ## create .venv, install the pinned requirements and the intercom-sla command

$(VENV)/.spark-installed: $(VENV)/.installed requirements-spark.txt constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt -c constraints.txt
	@touch $@

demo: install  ## generate a sample export, then load, build and report with one intercom-sla command
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)/exports
	$(BIN)/intercom-sla sample --out $(DEMO_DIR)/exports/messages.csv --conversation-export $(DEMO_DIR)/exports/conversations.csv
	$(BIN)/intercom-sla run --db $(DEMO_DB) --out reports --vars '{business_hours_comparison_schedule: us_office}' $(DEMO_DIR)/exports

report: install  ## write the reports and reports/sla_review.html (charts) from the demo database (after `make demo`)
	$(BIN)/intercom-sla report --db $(DEMO_DB) --out reports

browser:  ## install Debian's chromium and chromium-driver for the report's browser test (needs root)
	bash scripts/dev/install_browser.sh

test: install browser lint test-python test-dbt test-postgres test-spark  ## everything CI runs: lint, pytest (browser test included), dbt build on DuckDB, PostgreSQL and Spark

check: install lint test-python test-dbt  ## the daily loop: lint, pytest, dbt build on DuckDB (no PostgreSQL or Spark; the browser test skips without Chromium)

lint: install  ## ruff and sqlfluff
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	@mkdir -p $(dir $(LINT_DB))
	DBT_DUCKDB_PATH=$(LINT_DB) $(BIN)/sqlfluff lint models macros tests/dbt

format: install  ## apply ruff and sqlfluff fixes
	$(BIN)/ruff format scripts tests
	$(BIN)/ruff check --fix scripts tests
	@mkdir -p $(dir $(LINT_DB))
	DBT_DUCKDB_PATH=$(LINT_DB) $(BIN)/sqlfluff fix models macros tests/dbt

test-python: install  ## pytest: loader, scripts and end-to-end checks
	$(BIN)/python -m pytest -q tests

test-postgres: install  ## dbt build on a real PostgreSQL (started by scripts/dev/postgres.sh) and every mart compared with DuckDB's
	bash scripts/dev/test_engine.sh postgres

test-spark: $(VENV)/.spark-installed  ## dbt build on a local Apache Spark (dbt-spark session, Java 17 installed if missing) and every mart compared with DuckDB's
	bash scripts/dev/test_engine.sh spark

test-dbt: install  ## dbt build (unit tests, contracts, data tests) on a freshly generated sample
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	$(BIN)/intercom-sla sample --out $(TEST_DIR)/messages.csv --conversation-export $(TEST_DIR)/conversations.jsonl
	$(BIN)/intercom-sla load --quiet --db $(TEST_DB) $(TEST_DIR)/messages.csv $(TEST_DIR)/conversations.jsonl
	DBT_DUCKDB_PATH=$(TEST_DB) $(DBT) build
	DBT_DUCKDB_PATH=$(TEST_DB) $(DBT) build --select marts --vars '{unanswered_sla_status: pending}'

benchmark: install  ## time the pipeline at 20k/100k/1M/5M conversations beside its baselines -> reports/benchmark.md
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-benchmark.txt -c constraints.txt
	$(BIN)/python scripts/dev/benchmark.py $(BENCHMARK_ARGS)
	$(BIN)/python scripts/dev/pull_benchmark.py --conversations 10000

lookml: install  ## generate LookML views for the marts into lookml/
	$(BIN)/intercom-sla lookml --out lookml

docs: install  ## dbt docs for the demo database (run `make demo` first)
	DBT_DUCKDB_PATH=$(DEMO_DB) $(DBT) docs generate

clean:  ## remove generated data, dbt artefacts and reports (keeps .venv)
	rm -rf data target logs reports/*.csv reports/*.json

lock:  ## re-pin constraints.txt from a clean install of every requirements file
	rm -rf /tmp/intercom-sla-lock && $(PYTHON) -m venv /tmp/intercom-sla-lock
	/tmp/intercom-sla-lock/bin/pip install --quiet -r requirements.txt -r requirements-spark.txt -r requirements-benchmark.txt
	{ echo '# Full pin set for the requirements files (pip freeze of a clean install); regenerate with `make lock`.'; \
	  /tmp/intercom-sla-lock/bin/pip freeze; } > constraints.txt
