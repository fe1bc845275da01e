#!/usr/bin/env bash
# `make test-spark`: the same sample through the loader, `dbt build` (unit tests, contracts, data tests)
# on DuckDB and on a local Apache Spark (dbt-spark's session method, raw tables as Parquet), then every
# mart compared. SPARK_DIR holds Spark's metastore and warehouse; it starts empty each run.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
work=$PWD/data/test/spark
vars='{business_hours_comparison_schedule: us_office}'
rm -rf "$work" && mkdir -p "$work"
export DBT_PROFILES_DIR=$PWD DBT_DUCKDB_PATH=$work/intercom_sla.duckdb SPARK_DIR=$work SPARK_LOCAL_IP=127.0.0.1

bash scripts/install_java.sh

$bin/python scripts/generate_sample.py --out "$work/messages.csv" --conversation-export "$work/conversations.jsonl"
$bin/python scripts/load.py --quiet --db "$DBT_DUCKDB_PATH" --to-parquet "$work/parquet" \
    "$work/messages.csv" "$work/conversations.jsonl" tests/fixtures/intercom_api
echo "dbt build on DuckDB"
$bin/dbt build --quiet --vars "$vars" --target-path "$work/target-duckdb" --log-path "$work/logs"
echo "dbt build on Spark"
export DBT_TARGET=spark
$bin/dbt run-operation --quiet register_parquet_sources --args "{path: '$work/parquet'}" \
    --target-path "$work/target-spark" --log-path "$work/logs"
# the DuckDB-only unit test pins DuckDB's JSON text; compare_marts.py compares that JSON parsed
time $bin/dbt build --quiet --vars "$vars" --exclude tag:duckdb_text_format \
    --target-path "$work/target-spark" --log-path "$work/logs"
$bin/python scripts/compare_marts.py --duckdb "$DBT_DUCKDB_PATH" --against spark
