#!/usr/bin/env bash
# Start or stop the project's own PostgreSQL server for `make test-postgres`: Debian's postgresql
# package (installed with apt when missing and run as root), else, for a user without root, the
# PostgreSQL build of PyPI's pgserver package; one throw-away cluster on 127.0.0.1.
#   scripts/dev/postgres.sh start | stop | status
# Settings: POSTGRES_PORT (54329), INTERCOM_SLA_PG_DIR (cluster folder, /tmp/intercom-sla-postgres-<uid>),
# POSTGRES_DB (intercom_sla). Authentication is `trust` on the loopback address only.
set -euo pipefail

action=${1:-start}
port=${POSTGRES_PORT:-54329}
# one cluster per user: /tmp is shared, and another user's cluster cannot be reused
cluster=${INTERCOM_SLA_PG_DIR:-/tmp/intercom-sla-postgres-$(id -u)}
database=${POSTGRES_DB:-intercom_sla}

server_bin() {
    find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

# PyPI's pgserver ships PostgreSQL binaries: the server for a machine without Debian's and without root
pip_server_bin() {
    .venv/bin/python -c "import pathlib, pgserver; print(pathlib.Path(pgserver.__file__).parent / 'pginstall' / 'bin')"
}

if [ -n "$(server_bin)" ]; then
    bin=$(server_bin)
elif [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's postgresql package..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(server_bin)
else
    echo "no Debian postgresql and not root: using the PostgreSQL build of PyPI's pgserver"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-postgres.txt -c constraints.txt
    bin=$(pip_server_bin)
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$action" in
start)
    if [ ! -f "$cluster/PG_VERSION" ]; then
        mkdir -p "$cluster"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$cluster"
        as_owner "$bin/initdb" --pgdata "$cluster" --username postgres --auth trust --encoding UTF8 \
            --locale C.UTF-8 >/dev/null
    fi
    if as_owner "$bin/pg_ctl" --pgdata "$cluster" status >/dev/null 2>&1; then
        echo "postgres already running on 127.0.0.1:$port"
    else
        # a test server: no fsync, sockets in the cluster folder, loopback only
        as_owner "$bin/pg_ctl" --pgdata "$cluster" --log "$cluster/server.log" --wait start \
            -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c TimeZone=UTC" >/dev/null
        echo "postgres started on 127.0.0.1:$port (cluster $cluster)"
    fi
    # a fresh database every start: tables an earlier run built with other columns would otherwise
    # reach this run's unit tests, which read a model's column types from its existing table
    as_owner "$bin/dropdb" -h 127.0.0.1 -p "$port" -U postgres --if-exists "$database"
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
    ;;
stop)
    if [ -f "$cluster/PG_VERSION" ] && as_owner "$bin/pg_ctl" --pgdata "$cluster" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" --pgdata "$cluster" --mode fast --wait stop >/dev/null
        echo "postgres stopped"
    fi
    ;;
status)
    as_owner "$bin/pg_ctl" --pgdata "$cluster" status
    ;;
*)
    echo "usage: $0 start | stop | status" >&2
    exit 2
    ;;
esac
