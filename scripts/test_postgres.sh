#!/usr/bin/env bash
# `make test-postgres`: the same sample through the loader, `dbt build` (unit tests, contracts, data
# tests) on DuckDB and on a real PostgreSQL started by scripts/postgres.sh, then every mart compared.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
work=data/test/postgres
vars='{business_hours_comparison_schedule: us_office}'
rm -rf "$work" && mkdir -p "$work"
export DBT_PROFILES_DIR=$PWD DBT_DUCKDB_PATH=$work/intercom_sla.duckdb

bash scripts/postgres.sh start
trap 'bash scripts/postgres.sh stop' EXIT

$bin/python scripts/generate_sample.py --out "$work/messages.csv" --conversation-export "$work/conversations.jsonl"
$bin/python scripts/load.py --quiet --db "$DBT_DUCKDB_PATH" "$work/messages.csv" "$work/conversations.jsonl" \
    tests/fixtures/intercom_api
echo "dbt build on DuckDB"
$bin/dbt build --quiet --vars "$vars" --target-path "$work/target-duckdb" --log-path "$work/logs"
$bin/python scripts/run_timings.py "$work/target-duckdb/run_results.json"
$bin/python scripts/copy_to_postgres.py --db "$DBT_DUCKDB_PATH"
echo "dbt build on PostgreSQL"
# the DuckDB-only unit test pins DuckDB's JSON text; compare_marts.py compares that JSON parsed
DBT_TARGET=postgres $bin/dbt build --quiet --vars "$vars" --exclude tag:duckdb_text_format \
    --target-path "$work/target-postgres" --log-path "$work/logs"
$bin/python scripts/run_timings.py "$work/target-postgres/run_results.json"
$bin/python scripts/compare_marts.py --duckdb "$DBT_DUCKDB_PATH" --against postgres
