#!/usr/bin/env python3
"""Time the whole pipeline at several sizes beside two baselines, in one run, and write reports/benchmark.md.

For each size (conversations in a generated message export, cached under data/benchmark/) it runs,
each as its own process on a fresh DuckDB file, timing wall clock and peak memory (max RSS):
  load        intercom-sla load
  load (API)  intercom-sla load on the same conversations rendered as Intercom REST API objects, JSON Lines
  start-up    dbt run selecting nothing, after a warm-up run (parse + connect: dbt's fixed cost per
              command, reported on its own)
  models      dbt build without tests (seed and models, one dbt command)
  tests       dbt test (unit, contract and data tests)
  export      intercom-sla report --format csv,json
and the baselines:
  floor       one hand-written DuckDB query computing the first-response fact from the CSV directly
  pandas      the seed approach: pandas, one boolean filter per conversation in a Python loop
              (quadratic; only run up to --pandas-max conversations)

Ratios: pipeline = load + models + export, minus dbt's start-up, over the floor; and the whole
pipeline including start-up against pandas.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from intercom_sla.database import configured_memory_limit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DBT = str(Path(sys.executable).parent / "dbt")
COMMAND = str(Path(sys.executable).parent / "intercom-sla")
# one hand-written DuckDB script doing the pipeline's whole job (issue 18's fused floor)
FUSED_FLOOR = ROOT / "scripts" / "dev" / "fused_floor.py"
# the reply ledger (SPEC §7): its folder of per-conversation models, its fact and the marts on it; not
# `+` below its first models, since fct_conversations (ordered after int_customer_waits_owned) and
# every conversation mart are below them too
REPLY_LEDGER = ("path:models/intermediate/customer_waits", "fct_customer_waits+")

# The generated export's conversations as Intercom REST API conversation objects (SPEC §1 C), one per
# line: the first message is the `source`, every later one a part with its author, type and body.
API_EXPORT_SQL = """
copy (
    with records as (
        select
            *,
            coalesce(
                try_cast(trim(created_at) as timestamptz), to_timestamp(try_cast(trim(created_at) as double))
            ) as created
        from read_csv($csv, all_varchar = true, header = true, ignore_errors = true)
    ),
    ordered as (
        select *, row_number() over (partition by conversation_id order by created, message_id) as position
        from records
        where created is not null and sender_type is not null
    )
    select
        'conversation' as type,
        conversation_id as id,
        epoch(min(created))::bigint as created_at,
        arg_min(priority, position) as priority,
        {
            'type': 'conversation', 'id': 'source-' || conversation_id,
            'author': {'type': arg_min(trim(sender_type), position), 'id': 'author-1'},
            'body': arg_min(body, position)
        } as source,
        {
            'type': 'conversation_part.list',
            'conversation_parts': list({
                'type': 'conversation_part', 'id': message_id, 'part_type': coalesce(part_type, 'comment'),
                'created_at': epoch(created)::bigint, 'body': body,
                'author': {'type': trim(sender_type), 'id': coalesce(assignee_id, 'author-1')}
            } order by position) filter (where position > 1)
        } as conversation_parts
    from ordered
    group by conversation_id
) to '{out}' (format json)
"""

# The same conversations as Airbyte / Singer streams (SPEC §1 D), from the API rendering: the
# conversations stream holds the objects without their parts, the parts stream one part per record
# with its conversation_id.
AIRBYTE_STREAMS_SQL = (
    """copy (select type, id, created_at, priority, source from read_json($api, format = 'newline_delimited'))
    to '{conversations}' (format json)""",
    """copy (
        select conversation_id, unnest(part)
        from (
            select id as conversation_id, unnest(conversation_parts.conversation_parts) as part
            from read_json($api, format = 'newline_delimited')
        )
    ) to '{parts}' (format json)""",
)

FLOOR_SQL = """
create table first_response as
with messages as (
    select
        conversation_id,
        lower(trim(sender_type)) as sender,
        coalesce(nullif(lower(trim(part_type)), ''), 'comment') as part_type,
        case
            when regexp_full_match(trim(created_at), '-?[0-9]{1,11}(\\.[0-9]+)?')
                then to_timestamp(cast(trim(created_at) as double))
            else try_cast(trim(created_at) as timestamptz)
        end as created_at,
        nullif(trim(priority), '') as priority
    from read_csv($path, all_varchar = true, header = true, ignore_errors = true)
),
started as (
    select *, min(case when sender in ('user', 'lead', 'contact') and part_type = 'comment' then created_at end)
        over (partition by conversation_id) as started_at
    from messages
)
select
    conversation_id,
    min(started_at) as started_at,
    min(case when sender in ('admin', 'teammate') and part_type = 'comment' and created_at > started_at
        then created_at end) as first_response_at,
    (epoch(first_response_at) - epoch(min(started_at))) / 60 as response_minutes,
    coalesce(upper(arg_min(priority, created_at)), 'NORMAL') as priority,
    case upper(coalesce(arg_min(priority, created_at), 'normal')) when 'P1' then 15 when 'P2' then 60 else 240 end
        as threshold,
    coalesce(response_minutes > threshold, true) as breached
from started
group by conversation_id
having min(started_at) is not null
"""

PANDAS_BASELINE = """
import sys
import pandas as pd

df = pd.read_csv(sys.argv[1], dtype=str, encoding="utf-8-sig", on_bad_lines="skip")
df["ts"] = pd.to_datetime(df["created_at"], utc=True, errors="coerce", format="mixed")
epoch = df["created_at"].str.fullmatch(r"\\d{9,11}").fillna(False)
df.loc[epoch, "ts"] = pd.to_datetime(df.loc[epoch, "created_at"].astype("int64"), unit="s", utc=True)
df["sender"] = df["sender_type"].str.strip().str.lower()
df["part"] = df["part_type"].fillna("comment").str.strip().str.lower().replace("", "comment")
thresholds = {"P1": 15, "P2": 60}
rows = []
for conversation_id in df["conversation_id"].dropna().unique():
    conv = df[df["conversation_id"] == conversation_id].sort_values("ts")
    customer = conv[conv["sender"].isin(["user", "lead", "contact"]) & (conv["part"] == "comment")]
    if customer.empty:
        continue
    start = customer["ts"].iloc[0]
    replies = conv[conv["sender"].isin(["admin", "teammate"]) & (conv["part"] == "comment") & (conv["ts"] > start)]
    priority = conv["priority"].dropna()
    label = priority.iloc[0].strip().upper() if not priority.empty else "NORMAL"
    minutes = (replies["ts"].iloc[0] - start).total_seconds() / 60 if not replies.empty else None
    rows.append((conversation_id, minutes, minutes is None or minutes > thresholds.get(label, 240)))
pd.DataFrame(rows, columns=["conversation_id", "response_minutes", "breached"]).to_csv(sys.argv[2], index=False)
"""


@dataclass
class Step:
    seconds: float
    peak_mib: float
    stdout: str = ""


@dataclass
class SizeResult:
    conversations: int
    rows: int = 0
    csv_mb: float = 0.0
    steps: dict[str, Step] = field(default_factory=dict)


def run_measured(command: list[str], env: dict | None = None) -> Step:
    """Run a command to completion; wall time and the peak RSS of that process (its children excluded)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.read()[-2000:]}")
        return Step(elapsed, usage.ru_maxrss / 1024, stdout.read())


def export_for(size: int, cache: Path) -> Path:
    """The sample export at `size`, cached under the generator's own hash, so a changed generator
    (a new column, a new quirk) never benchmarks a stale file."""
    generator = hashlib.sha256((ROOT / "scripts" / "intercom_sla" / "sample.py").read_bytes()).hexdigest()
    path = cache / f"messages_{size}_{generator[:10]}.csv"
    if not path.exists():
        print(f"  generating {size:,} conversations -> {path}", flush=True)
        partial = path.with_suffix(".partial")
        command = [COMMAND, "sample", "--out", str(partial), "--conversations", str(size)]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        partial.rename(path)
    return path


def api_export_for(export: Path) -> Path:
    """The same conversations as Intercom API JSON Lines, rendered once beside the CSV."""
    path = export.with_suffix(".api.jsonl")
    if not path.exists():
        print(f"  rendering {export.name} as Intercom API objects -> {path}", flush=True)
        partial = path.with_suffix(".partial")
        with duckdb.connect() as con:
            con.execute("set TimeZone = 'UTC'")
            con.execute(API_EXPORT_SQL.replace("{out}", str(partial).replace("'", "''")), {"csv": str(export)})
        partial.rename(path)
    return path


def airbyte_streams_for(api_export: Path) -> Path:
    """The API rendering as Airbyte's two streams in one folder, rendered once beside it."""
    folder = api_export.with_suffix(".airbyte")
    if not folder.exists():
        print(f"  rendering {api_export.name} as Airbyte streams -> {folder}", flush=True)
        partial = folder.with_suffix(".partial")
        partial.mkdir(exist_ok=True)
        targets = {"conversations": partial / "conversations.jsonl", "parts": partial / "conversation_parts.jsonl"}
        with duckdb.connect() as con:
            con.execute("set TimeZone = 'UTC'")
            for statement in AIRBYTE_STREAMS_SQL:
                quoted = {name: str(path).replace("'", "''") for name, path in targets.items()}
                con.execute(statement.format(**quoted), {"api": str(api_export)})
        partial.rename(folder)
    return folder


def measure_size(size: int, cache: Path, work: Path, pandas_max: int) -> SizeResult:
    export = export_for(size, cache)
    result = SizeResult(size, csv_mb=export.stat().st_size / 1e6)
    db = work / f"bench_{size}.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(db),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    steps = result.steps
    print(f"  {size:,} conversations: load", flush=True)
    steps["load"] = run_measured([COMMAND, "load", "--quiet", "--db", str(db), str(export)], env)
    result.rows = int(steps["load"].stdout.split()[1].rstrip(","))
    api_db = work / f"bench_api_{size}.duckdb"
    api_db.unlink(missing_ok=True)
    api_export = api_export_for(export)
    print(f"  {size:,} conversations: load as Intercom API JSON Lines", flush=True)
    steps["load (API)"] = run_measured([COMMAND, "load", "--quiet", "--db", str(api_db), str(api_export)])
    api_db.unlink(missing_ok=True)
    streams = airbyte_streams_for(api_export)
    print(f"  {size:,} conversations: load as Airbyte streams", flush=True)
    steps["load (Airbyte)"] = run_measured([COMMAND, "load", "--quiet", "--db", str(api_db), str(streams)])
    api_db.unlink(missing_ok=True)
    select_nothing = [DBT, "run", "--select", "tag:benchmark_selects_nothing"]
    run_measured(select_nothing, env)  # the first command after a change of profile or vars parses fully
    steps["dbt start-up"] = run_measured(select_nothing, env)
    print(f"  {size:,} conversations: dbt models", flush=True)
    no_tests = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    steps["dbt models"] = run_measured([DBT, "build", *no_tests], env)
    print(f"  {size:,} conversations: dbt tests", flush=True)
    steps["dbt tests"] = run_measured([DBT, "test"], env)
    steps["export"] = run_measured(
        [COMMAND, "report", "--db", str(db), "--out", str(work / "reports"), "--format", "csv,json"]
    )
    print(f"  {size:,} conversations: dbt models with and without the reply ledger", flush=True)
    # both rebuild from scratch on the same database, so the difference is the ledger's own cost
    steps["dbt models, rebuilt"] = run_measured([DBT, "build", *no_tests, "--full-refresh"], env)
    steps["dbt models, rebuilt without the reply ledger"] = run_measured(
        [DBT, "build", *no_tests, "--full-refresh", "--exclude", *REPLY_LEDGER], env
    )
    print(f"  {size:,} conversations: dbt models with office hours", flush=True)
    office_hours = ["--vars", "{business_hours_comparison_schedule: us_office}"]
    run_measured([*select_nothing, *office_hours], env)  # parse once for the new vars, as above
    # --full-refresh: the incremental models would otherwise skip every conversation already built
    steps["dbt models, office hours"] = run_measured([DBT, "build", *no_tests, "--full-refresh", *office_hours], env)
    measure_appended_week(export, work, env, steps, no_tests)
    print(f"  {size:,} conversations: baselines", flush=True)
    floor_db = work / f"floor_{size}.duckdb"
    floor_db.unlink(missing_ok=True)
    floor = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); con.execute('set TimeZone = ''UTC''');"
        f" con.execute({FLOOR_SQL!r}, {{'path': sys.argv[2]}})"
    )
    steps["floor query"] = run_measured([PYTHON, "-c", floor, str(floor_db), str(export)])
    floor_db.unlink(missing_ok=True)
    steps["fused floor"] = run_measured([PYTHON, str(FUSED_FLOOR), str(floor_db), str(export)])
    floor_db.unlink(missing_ok=True)
    db.unlink(missing_ok=True)
    if size <= pandas_max:
        steps["pandas loop"] = run_measured([PYTHON, "-c", PANDAS_BASELINE, str(export), str(work / "pandas.csv")])
    return result


def split_off_last_week(export: Path, work: Path) -> tuple[Path, Path]:
    """The export as a quarter's first 12 weeks and its 13th, two CSV files under `work`."""
    header, *lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = len(lines) * 12 // 13
    quarter, week = work / "first_12_weeks.csv", work / "week_13.csv"
    quarter.write_text(header + "".join(lines[:cut]), encoding="utf-8")
    week.write_text(header + "".join(lines[cut:]), encoding="utf-8")
    return quarter, week


def measure_appended_week(export: Path, work: Path, env: dict, steps: dict[str, Step], no_tests: list[str]) -> None:
    """A quarter built, then its 13th week loaded and built incrementally (the weekly routine)."""
    quarter, week = split_off_last_week(export, work)
    db = Path(env["DBT_DUCKDB_PATH"])
    db.unlink(missing_ok=True)
    print("  appending a week: building the first 12 weeks", flush=True)
    run_measured([COMMAND, "load", "--quiet", "--db", str(db), str(quarter)], env)
    run_measured([DBT, "build", *no_tests], env)
    steps["load week 13"] = run_measured([COMMAND, "load", "--quiet", "--db", str(db), str(week)], env)
    steps["dbt models, week 13 appended"] = run_measured([DBT, "build", *no_tests], env)
    # the same build again with nothing loaded: what any incremental run of this DAG costs at least
    steps["dbt models, rerun with nothing new"] = run_measured([DBT, "build", *no_tests], env)
    quarter.unlink()
    week.unlink()


@dataclass
class DefaultRun:
    quarter: Step | None
    week: Step | None
    failure: str = ""


def measure_default_memory(export: Path, work: Path, runs: int) -> list[DefaultRun]:
    """`intercom-sla run` with the settings a user starts with (no memory limit, no threads in the
    environment): the quarter on a fresh database, then week 13 on it, `runs` times in a row. A run that
    fails is recorded as failed rather than ending the benchmark."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "INTERCOM_SLA_"))}
    quarter, week = split_off_last_week(export, work)
    db, reports = work / "default_memory.duckdb", work / "default_memory_reports"
    results = []
    for number in range(1, runs + 1):
        print(f"  default settings, run {number} of {runs}", flush=True)
        for stale in (db, db.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        steps: dict[Path, Step] = {}
        failure = ""
        try:
            for part in (quarter, week):
                steps[part] = run_measured([COMMAND, "run", "--db", str(db), "--out", str(reports), str(part)], env)
        except RuntimeError as error:
            failure = str(error).splitlines()[-1]
        results.append(DefaultRun(steps.get(quarter), steps.get(week), failure))
    db.unlink(missing_ok=True)
    quarter.unlink()
    week.unlink()
    return results


def default_memory_markdown(conversations: int, runs: list[DefaultRun]) -> list[str]:
    if not runs:
        return []

    def cells(step: Step | None) -> str:
        return "failed | -" if step is None else f"{step.seconds:.1f} | {step.peak_mib:.0f}"

    lines = [
        "",
        f"Memory with default settings: `intercom-sla run` on the {conversations:,}-conversation export's",
        "first 12 weeks on a fresh database, then on its 13th week (load, `dbt build` with every test, reports),",
        "with no DuckDB memory limit or thread count in the environment; each run in a row on a new database.",
        "",
        "| run | quarter s | quarter peak MiB | week 13 s | week 13 peak MiB | peak under 4 GiB |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for number, run in enumerate(runs, start=1):
        peaks = [step.peak_mib for step in (run.quarter, run.week) if step is not None]
        verdict = f"failed: {run.failure}" if run.failure else ("yes" if max(peaks) < 4096 else "no")
        lines.append(f"| {number} | {cells(run.quarter)} | {cells(run.week)} | {verdict} |")
    return lines


def measure_small_files(export: Path, work: Path, files: int = 5000, records_per_file: int = 2) -> dict[str, Step]:
    """The same records loaded from one file and from `files` small files (a folder of per-day exports)."""
    folder, single = work / "small_files", work / "small_files_as_one.csv"
    with export.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        records = [next(reader) for _ in range(files * records_per_file)]
    folder.mkdir(exist_ok=True)
    for number in range(files):
        with (folder / f"messages_{number:05d}.csv").open("w", encoding="utf-8", newline="") as part:
            csv.writer(part).writerows([header, *records[number * records_per_file : (number + 1) * records_per_file]])
    with single.open("w", encoding="utf-8", newline="") as whole:
        csv.writer(whole).writerows([header, *records])
    steps = {}
    for name, path in ((f"{files * records_per_file:,} records in one file", single), (f"in {files:,} files", folder)):
        db = work / "small_files.duckdb"
        db.unlink(missing_ok=True)
        steps[name] = run_measured([COMMAND, "load", "--quiet", "--db", str(db), str(path)])
        db.unlink(missing_ok=True)
    shutil.rmtree(folder)
    single.unlink()
    return steps


def small_files_markdown(steps: dict[str, Step]) -> list[str]:
    (one_name, one), (many_name, many) = steps.items()
    return [
        "",
        "Many small files (issue 30): the first records of the smallest export, loaded from one file and from",
        "a folder of two-record files. Every file still gets its row in raw.load_files and its records their",
        "lines; consecutive files of one layout are read in one CSV read.",
        "",
        "| load | s | peak MiB |",
        "|---|---:|---:|",
        f"| {one_name} | {one.seconds:.2f} | {one.peak_mib:.0f} |",
        f"| {many_name} | {many.seconds:.2f} | {many.peak_mib:.0f} |",
        f"| many files vs one | {ratio(many.seconds, one.seconds)} | {ratio(many.peak_mib, one.peak_mib)} |",
    ]


def growth_exponent(smaller: SizeResult, larger: SizeResult, step: str) -> float | None:
    """k in time ~ conversations^k between two sizes: 1 grows linearly, above 1 faster than the data."""
    if step not in smaller.steps or step not in larger.steps or smaller.steps[step].seconds <= 0:
        return None
    growth = larger.steps[step].seconds / smaller.steps[step].seconds
    return math.log(growth) / math.log(larger.conversations / smaller.conversations)


def growth_markdown(results: list[SizeResult], step_names: list[str]) -> list[str]:
    """For each step, how its time grows between consecutive sizes, so that a super-linear step shows."""
    pairs = list(itertools.pairwise(sorted(results, key=lambda result: result.conversations)))
    if not pairs:
        return []
    lines = [
        "",
        "Growth: k in seconds ~ conversations^k between consecutive sizes (1 is linear; fixed costs such as",
        "dbt's start-up pull k below 1 at the small sizes, so the largest pair is the one to read).",
        "",
        "| step | " + " | ".join(f"{a.conversations:,} -> {b.conversations:,}" for a, b in pairs) + " |",
        "|---|" + "---:|" * len(pairs),
    ]
    for step in step_names:
        exponents = [growth_exponent(a, b, step) for a, b in pairs]
        if any(exponent is not None for exponent in exponents):
            cells = ["-" if exponent is None else f"{exponent:.2f}" for exponent in exponents]
            lines.append(f"| {step} | " + " | ".join(cells) + " |")
    return lines


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x" if denominator else "n/a"


def markdown(results: list[SizeResult], small_files: dict[str, Step], default_runs: list[DefaultRun]) -> str:
    step_names = [
        "load",
        "load (API)",
        "load (Airbyte)",
        "dbt start-up",
        "dbt models",
        "dbt tests",
        "export",
        "dbt models, rebuilt",
        "dbt models, rebuilt without the reply ledger",
        "dbt models, office hours",
        "load week 13",
        "dbt models, week 13 appended",
        "dbt models, rerun with nothing new",
        "floor query",
        "fused floor",
        "pandas loop",
    ]
    lines = [
        "# intercom-sla benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python {platform.python_version()}"
        f" ({platform.machine()}). Made by `make benchmark` (scripts/dev/benchmark.py); every step is its own process",
        "on a fresh DuckDB file. Seconds are wall clock; memory is that process's peak RSS in MiB",
        f"(DuckDB's memory limit: {configured_memory_limit()}).",
        "",
        "| conversations | rows | CSV MB | " + " | ".join(f"{name} s" for name in step_names) + " |",
        "|---:|---:|---:|" + "---:|" * len(step_names),
    ]
    for result in results:
        cells = [f"{result.steps[name].seconds:.2f}" if name in result.steps else "-" for name in step_names]
        lines.append(
            f"| {result.conversations:,} | {result.rows:,} | {result.csv_mb:.0f} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        "| conversations | pipeline s (load + models + export) | of which dbt start-up s"
        " | pipeline minus start-up vs floor | pipeline minus start-up vs fused floor"
        " | whole pipeline incl. start-up vs pandas | models + tests s | office-hours models vs calendar models"
        " | week 13 appended vs full models | rerun with nothing new vs full models"
        " | API load vs CSV load | Airbyte load vs CSV load"
        " | models vs models without the reply ledger"
        " | peak MiB (load / API load / Airbyte load / models / tests / export / floor) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        steps = result.steps
        startup = steps["dbt start-up"].seconds
        rebuilt = steps["dbt models, rebuilt"]
        pipeline = steps["load"].seconds + steps["dbt models"].seconds + steps["export"].seconds
        net = pipeline - startup
        versus_pandas = ratio(steps["pandas loop"].seconds, pipeline) + " faster" if "pandas loop" in steps else "-"
        peaks = " / ".join(
            f"{steps[name].peak_mib:.0f}"
            for name in ("load", "load (API)", "load (Airbyte)", "dbt models", "dbt tests", "export", "floor query")
        )
        lines.append(
            f"| {result.conversations:,} | {pipeline:.2f} | {startup:.2f} | {ratio(net, steps['floor query'].seconds)}"
            f" | {ratio(net, steps['fused floor'].seconds)}"
            f" | {versus_pandas} | {steps['dbt models'].seconds + steps['dbt tests'].seconds:.2f}"
            f" | {ratio(steps['dbt models, office hours'].seconds, steps['dbt models'].seconds)}"
            f" | {ratio(steps['dbt models, week 13 appended'].seconds, steps['dbt models'].seconds)}"
            f" | {ratio(steps['dbt models, rerun with nothing new'].seconds, steps['dbt models'].seconds)}"
            f" | {ratio(steps['load (API)'].seconds, steps['load'].seconds)}"
            f" | {ratio(steps['load (Airbyte)'].seconds, steps['load'].seconds)}"
            f" | {ratio(rebuilt.seconds, steps['dbt models, rebuilt without the reply ledger'].seconds)} | {peaks} |"
        )
    lines += [
        "",
        "The floor computes only the first-response fact, straight from the CSV, keeping nothing else.",
        "The fused floor (scripts/dev/fused_floor.sql) is one hand-written DuckDB script doing the pipeline's",
        "job without dbt, validation or tests: it keeps the raw rows with their keys, drops duplicates,",
        "computes first response, the state replay and resolution, the customer waits, and the",
        "breach-rate, resolution and next-reply marts. Beyond the first-response floor's work, the pipeline",
        "keeps every record with its line, rejects and deduplicates, builds resolution",
        "and breach-rate marts, and writes four reports. dbt start-up is parse + connect, paid once per dbt",
        'command; rows are the records the loader read. "dbt models, office hours" rebuilds every model with',
        "the us_office schedule applied to every conversation (business minutes to first response, to",
        'resolution and across open spans), against "dbt models" in calendar time only. "week 13 appended"',
        "builds the first 12/13 of the export, loads the rest and times the incremental `dbt build`;",
        '"rerun with nothing new" runs that build once more with nothing loaded, the least an incremental',
        "run of this DAG costs (every node still runs; the marts and per-conversation tables are rebuilt).",
        '"load (API)" loads the same conversations rendered as Intercom REST API objects (JSON Lines: the',
        "source and every part with its author, type and body); it also writes a conversation row per",
        'conversation, which the message CSV does not have. "load (Airbyte)" loads them again as Airbyte\'s',
        "`conversations` and `conversation_parts` streams (JSON Lines, one folder).",
        '"dbt models, rebuilt" and "rebuilt without the reply ledger" both rebuild from scratch',
        "(`--full-refresh`) on the same database, the second excluding fct_customer_waits, its two",
        "per-conversation models and its marts (SPEC §7): their ratio is the ledger's cost.",
        *growth_markdown(results, step_names),
        *small_files_markdown(small_files),
        *default_memory_markdown(max(result.conversations for result in results), default_runs),
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time load, dbt build and report export at several sizes beside a single-query floor and "
        "the pandas per-conversation loop; write reports/benchmark.md.",
    )
    parser.add_argument(
        "--sizes",
        default="20000,100000,1000000,5000000",
        help="comma-separated conversation counts (default 20000,100000,1000000,5000000)",
    )
    parser.add_argument(
        "--pandas-max", type=int, default=20000, help="largest size to run the quadratic pandas baseline at"
    )
    parser.add_argument(
        "--default-runs",
        type=int,
        default=3,
        help="consecutive intercom-sla runs with default settings at the largest size, for its peak memory",
    )
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "benchmark", help="where exports are cached")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "benchmark.md", help="markdown report to write")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.cache.mkdir(parents=True, exist_ok=True)
    work = args.cache / "work"
    work.mkdir(exist_ok=True)
    print("  many small files", flush=True)
    small_files = measure_small_files(export_for(min(sizes), args.cache), work)
    results: list[SizeResult] = []
    default_runs: list[DefaultRun] = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        results.append(measure_size(size, args.cache, work, args.pandas_max))
        args.out.write_text(markdown(results, small_files, default_runs), encoding="utf-8")
    default_runs = measure_default_memory(export_for(max(sizes), args.cache), work, args.default_runs)
    args.out.write_text(markdown(results, small_files, default_runs), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
