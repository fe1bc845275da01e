#!/usr/bin/env bash
# `make test-spark`: exports through the loader, `dbt build` (unit tests, contracts, data tests) on
# DuckDB and on a local Apache Spark (dbt-spark's session method, raw tables as Parquet), then every
# mart compared, each step timed. With no arguments the exports are a generated sample plus the REST
# API fixtures; `scripts/test_spark.sh FILE...` runs the same on your exports (or a benchmark size).
# SPARK_TEST_DIR (data/test/spark, an absolute path) holds the DuckDB file, the Parquet tables and
# Spark's metastore and warehouse; it starts empty each run.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
work=${SPARK_TEST_DIR:-$PWD/data/test/spark}
vars='{business_hours_comparison_schedule: us_office}'
rm -rf "$work" && mkdir -p "$work"
export DBT_PROFILES_DIR=$PWD DBT_DUCKDB_PATH=$work/intercom_sla.duckdb SPARK_DIR=$work SPARK_LOCAL_IP=127.0.0.1

timed() {
    local step=$1 started=$SECONDS
    shift
    "$@"
    echo "[$step: $((SECONDS - started)) s]"
}

bash scripts/install_java.sh

exports=("$@")
if [ ${#exports[@]} -eq 0 ]; then
    $bin/python scripts/generate_sample.py --out "$work/messages.csv" --conversation-export "$work/conversations.jsonl"
    exports=("$work/messages.csv" "$work/conversations.jsonl" tests/fixtures/intercom_api)
fi
timed "load and write Parquet" $bin/python scripts/load.py --quiet --db "$DBT_DUCKDB_PATH" --to-parquet "$work/parquet" \
    "${exports[@]}"
timed "dbt build on DuckDB" $bin/dbt build --quiet --vars "$vars" --target-path "$work/target-duckdb" --log-path "$work/logs"
$bin/python scripts/run_timings.py "$work/target-duckdb/run_results.json"

export DBT_TARGET=spark
spark_dbt() {
    $bin/dbt "$@" --target-path "$work/target-spark" --log-path "$work/logs"
}
timed "register the Parquet tables on Spark" spark_dbt run-operation --quiet register_parquet_sources \
    --args "{path: '$work/parquet'}"
# the DuckDB-only unit test pins DuckDB's JSON text; compare_marts.py compares that JSON parsed
timed "dbt build on Spark" spark_dbt build --quiet --vars "$vars" --exclude tag:duckdb_text_format
$bin/python scripts/run_timings.py "$work/target-spark/run_results.json"
timed "compare marts" $bin/python scripts/compare_marts.py --duckdb "$DBT_DUCKDB_PATH" --against spark
