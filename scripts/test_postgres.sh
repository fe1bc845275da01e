#!/usr/bin/env bash
# `make test-postgres`: exports through the loader, `dbt build` (unit tests, contracts, data tests) on
# DuckDB and on a real PostgreSQL started by scripts/postgres.sh, then every mart compared, each step
# timed. With no arguments the exports are a generated sample plus the REST API fixtures;
# `scripts/test_postgres.sh FILE...` runs the same on your exports (or a benchmark size). Then the
# connectors' own tables (SPEC §1 D, tests/connector_fixtures.py) are read where they are, with
# `intercom_source: fivetran` and `airbyte`, on both engines, and their marts compared too.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
work=data/test/postgres
vars='{business_hours_comparison_schedule: us_office}'
rm -rf "$work" && mkdir -p "$work"
export DBT_PROFILES_DIR=$PWD DBT_DUCKDB_PATH=$work/intercom_sla.duckdb

timed() {
    local step=$1 started=$SECONDS
    shift
    "$@"
    echo "[$step: $((SECONDS - started)) s]"
}

bash scripts/postgres.sh start
trap 'bash scripts/postgres.sh stop' EXIT

exports=("$@")
if [ ${#exports[@]} -eq 0 ]; then
    $bin/python scripts/generate_sample.py --out "$work/messages.csv" --conversation-export "$work/conversations.jsonl"
    exports=("$work/messages.csv" "$work/conversations.jsonl" tests/fixtures/intercom_api)
fi
timed "load" $bin/python scripts/load.py --quiet --db "$DBT_DUCKDB_PATH" "${exports[@]}"
timed "dbt build on DuckDB" $bin/dbt build --quiet --vars "$vars" --target-path "$work/target-duckdb" --log-path "$work/logs"
$bin/python scripts/run_timings.py "$work/target-duckdb/run_results.json"
timed "copy the raw tables to PostgreSQL" $bin/python scripts/copy_to_postgres.py --db "$DBT_DUCKDB_PATH"
# --full-refresh: the server's cluster outlives a run, and the raw tables were just replaced by another
# DuckDB file's, so the incremental models must not keep conversations of an earlier run's copy.
# The DuckDB-only unit test pins DuckDB's JSON text; compare_marts.py compares that JSON parsed.
timed "dbt build on PostgreSQL" env DBT_TARGET=postgres $bin/dbt build --quiet --full-refresh --vars "$vars" \
    --exclude tag:duckdb_text_format --target-path "$work/target-postgres" --log-path "$work/logs"
$bin/python scripts/run_timings.py "$work/target-postgres/run_results.json"
timed "compare marts" $bin/python scripts/compare_marts.py --duckdb "$DBT_DUCKDB_PATH" --against postgres

connectors=$work/connectors.duckdb
$bin/python tests/connector_fixtures.py --db "$connectors"
for connector in fivetran airbyte; do
    schema=intercom_$connector
    connector_vars="{intercom_source: $connector, intercom_schema: $schema}"
    timed "dbt build on DuckDB from $connector's tables" env DBT_DUCKDB_PATH="$connectors" $bin/dbt build --quiet \
        --vars "$connector_vars" --target-path "$work/target-$connector-duckdb" --log-path "$work/logs"
    $bin/python scripts/copy_to_postgres.py --db "$connectors" --schema "$schema" --every-table
    timed "dbt build on PostgreSQL from $connector's tables" env DBT_TARGET=postgres $bin/dbt build --quiet \
        --full-refresh --vars "$connector_vars" --target-path "$work/target-$connector-postgres" --log-path "$work/logs"
    timed "compare marts ($connector)" $bin/python scripts/compare_marts.py --duckdb "$connectors" --against postgres
done
