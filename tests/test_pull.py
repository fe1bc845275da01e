"""`intercom-sla pull` against a fake Intercom (tests/fake_intercom.py): every search page, rate limits and
server errors ridden out, conversations updated during the pull or deleted, objects with more parts than
they return flagged incomplete, a pull killed with -9 resumed to the same tables, later pulls fetching only
what changed, and the access token nowhere but in the Authorization header."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, load, query, run_dbt
from fake_intercom import FakeIntercom, add_part, conversation, part
from intercom_sla.errors import UserError
from intercom_sla.pull.client import ATTEMPTS, INTERCOM_VERSION, IntercomClient, Listed
from intercom_sla.pull.rate_limit import RatePacer
from intercom_sla.pull.runner import PullSummary, intercom_client, pull_conversations
from intercom_sla.pull.state import ListingCursor
from intercom_sla.status import describe
from pytest_httpserver import HTTPServer
from tenacity import wait_fixed
from test_incremental import BUILD, differences

COMMAND = Path(sys.executable).parent / "intercom-sla"
TOKEN = "tok_9f3Kq2ZsecretPULLtoken"
START = 1772460000  # 2026-03-02 14:00 UTC
HOUR = 3600
CONVERSATIONS = 7


def workday() -> list[dict]:
    """Seven conversations an hour apart: a customer asks, an admin answers ten minutes later, and every
    other one is closed; the last few updated within the overlap of the latest."""
    made = []
    for number in range(1, CONVERSATIONS + 1):
        opened = START + number * HOUR
        parts = [part(f"p{number}-1", opened + 600, "admin"), part(f"p{number}-2", opened + 900, "user")]
        if number % 2:
            parts.append(part(f"p{number}-3", opened + 1200, "admin", "close", None))
        made.append(conversation(f"c{number}", opened, parts, "closed" if number % 2 else "open"))
    return made


@pytest.fixture
def intercom() -> Iterator[FakeIntercom]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakeIntercom(server, TOKEN, page_size=3)
        fake.add(*workday())
        yield fake
    finally:
        server.stop()


def pull_from(intercom: FakeIntercom, db: Path, since: datetime | None = None) -> PullSummary:
    with intercom_client(intercom.url, TOKEN) as client:
        return pull_conversations(db, client, since, "1GB")


def intercom_sla(*args: str | Path, cwd: Path, token: str | None = TOKEN) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "INTERCOM_ACCESS_TOKEN"}
    if token is not None:
        env["INTERCOM_ACCESS_TOKEN"] = token
    return subprocess.Popen(
        [str(COMMAND), *map(str, args)], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def loaded_rows(db: Path, table: str) -> list[tuple]:
    """A raw table without the columns that say which load wrote a row (its id, time, source and number)."""
    provenance = "_load_id, _loaded_at, _source_file, _source_line"
    return query(db, f"select * exclude ({provenance}) from raw.{table} order by all")


def raw_content(db: Path) -> dict[str, list[tuple]]:
    return {
        "messages": loaded_rows(db, "messages"),
        "conversations": loaded_rows(db, "conversations"),
        "rejects": query(db, "select _source_line, reason from raw.load_rejects order by all"),
        "cursor": query(db, "select api_url, updated_through from raw.pull_state"),
        "deleted": query(db, "select conversation_id from raw.pull_deleted order by all"),
    }


def test_a_first_pull_reads_every_search_page_and_loads_every_conversation(intercom: FakeIntercom, db: Path) -> None:
    summary = pull_from(intercom, db)
    # seven conversations, three a page: three searches, one GET each
    assert intercom.count("POST", "/conversations/search") == 3
    assert intercom.count("GET", "/conversations/c.*") == CONVERSATIONS
    assert intercom.versions_asked == {INTERCOM_VERSION}
    assert (summary.found, summary.fetched, summary.already_stored, summary.deleted) == (CONVERSATIONS, 7, 0, 0)
    parts = sum(len(item["conversation_parts"]["conversation_parts"]) for item in intercom.conversations.values())
    assert query(db, "select count(*) from raw.conversations") == [(CONVERSATIONS,)]
    assert query(db, "select count(*) from raw.messages") == [(CONVERSATIONS + parts,)]
    # the loader's own accounting: every record read is loaded (N = L + S + D + R), one raw.load_files row
    # per page, all named after the one pull and numbered across its pages
    counts = summary.counts
    assert counts.read == counts.loaded == CONVERSATIONS + parts + CONVERSATIONS
    files = query(db, "select distinct _source_file from raw.load_files")
    assert len(files) == 1 and files[0][0].startswith(f"{intercom.url}/conversations (pulled ")
    assert query(db, "select count(*), sum(records_read) from raw.load_files") == [(3, counts.read)]
    assert query(db, "select min(_source_line), max(_source_line) from raw.conversations") == [(1, CONVERSATIONS)]
    latest = max(item["updated_at"] for item in intercom.conversations.values())
    assert raw_content(db)["cursor"] == [(intercom.url, datetime.fromtimestamp(latest, UTC))]


def test_a_later_pull_fetches_only_the_conversations_updated_since(intercom: FakeIntercom, db: Path) -> None:
    pull_from(intercom, db)
    assert pull_from(intercom, db).fetched == 0
    later = START + 20 * HOUR
    add_part(intercom.conversations["c2"], part("p2-new", later, "user"))
    add_part(intercom.conversations["c7"], part("p7-new", later + 60, "admin"))
    intercom.add(conversation("c8", later + 120, [part("p8-1", later + 180, "admin")]))
    intercom.requests.clear()

    summary = pull_from(intercom, db)

    # one search page (the overlap lists c6 and c7's old version too; versions already stored are skipped)
    assert intercom.count("POST", "/conversations/search") == 1
    assert sorted(path for _, method, path, _ in intercom.requests if method == "GET") == [
        "/conversations/c2",
        "/conversations/c7",
        "/conversations/c8",
    ]
    assert summary.fetched == 3
    new_parts = query(db, "select message_id from raw.messages where message_id like '%new' order by 1")
    assert new_parts == [("p2-new",), ("p7-new",)]
    assert query(db, "select count(*) from raw.conversations") == [(CONVERSATIONS + 1,)]


def test_a_429_waits_for_the_reset_it_names_then_retries(intercom: FakeIntercom, db: Path) -> None:
    intercom.fail_next("POST", "/conversations/search", 429)
    summary = pull_from(intercom, db)
    searches = [(at, status) for at, method, _, status in intercom.requests if method == "POST"]
    assert searches[0][1] == 429 and searches[1][1] == 200
    reset_at = int(searches[0][0]) + 1  # the fake's windows are one second
    assert searches[1][0] >= reset_at
    assert summary.seconds_waited > 0
    assert query(db, "select count(*) from raw.conversations") == [(CONVERSATIONS,)]


def test_the_pull_paces_itself_from_the_rate_limit_headers(intercom: FakeIntercom, db: Path) -> None:
    # ten requests against eight a window: the pull waits for a reset instead of running into 429s
    intercom.window_budget = 8
    summary = pull_from(intercom, db)
    assert [status for *_, status in intercom.requests].count(429) == 0
    assert summary.seconds_waited > 0
    assert query(db, "select count(*) from raw.conversations") == [(CONVERSATIONS,)]


def test_the_pacer_waits_for_the_reset_once_for_threads_waiting_together() -> None:
    now, slept = [1000.0], []
    pacer = RatePacer(requests_in_flight=2, clock=lambda: now[0], sleep=slept.append)
    pacer.observe({"x-ratelimit-remaining": "4", "x-ratelimit-reset": "1005"})
    pacer.take_turn()
    pacer.take_turn()  # 4 and 3 left: no wait
    assert slept == []
    pacer.take_turn()
    pacer.take_turn()  # 2 left, as many as may be in flight: both wait for the reset, counted once
    assert len(slept) == 2 and all(5 <= delay <= 5.25 for delay in slept)
    assert 5 <= pacer.seconds_waited <= 5.25
    now[0] = 1005.3  # after the reset the budget is unknown until a response reports the new window
    pacer.take_turn()
    assert len(slept) == 2
    # a 429 waits until the reset it names, never less than the backoff
    assert 1.7 <= pacer.wait_after_429(1007, backoff=0.1) <= 1.95
    assert pacer.wait_after_429(1005, backoff=0.5) == 0.5


def test_the_cursor_moves_per_page_only_while_the_listing_keeps_its_order() -> None:
    cursor = ListingCursor(listed_through=100)
    assert cursor.after_page([Listed("a", 110), Listed("b", 120)], last=False) == 120
    assert cursor.after_page([Listed("c", 120), Listed("d", 130)], last=False) == 130  # a tie across pages
    # out of order: a later page could still list an earlier update, so the cursor waits for the end
    assert cursor.after_page([Listed("e", 150), Listed("f", 140)], last=False) is None
    assert cursor.after_page([Listed("g", 145)], last=False) is None
    assert cursor.after_page([], last=True) == 150


def test_a_server_error_is_retried(intercom: FakeIntercom, db: Path) -> None:
    intercom.fail_next("GET", "/conversations/c3", 500)
    pull_from(intercom, db)
    assert [status for _, method, path, status in intercom.requests if path == "/conversations/c3"] == [500, 200]
    assert query(db, "select count(*) from raw.messages where conversation_id = 'c3'") == [(4,)]


def test_a_conversation_updated_during_the_pull_ends_at_its_latest_version(intercom: FakeIntercom, db: Path) -> None:
    reply_at = START + 30 * HOUR

    def customer_writes_again(method: str, path: str) -> None:
        # while the second page is fetched, c1 (loaded with the first page) gets a new part
        if path == "/conversations/c4" and "p1-late" not in json.dumps(intercom.conversations["c1"]):
            add_part(intercom.conversations["c1"], part("p1-late", reply_at, "user"))

    intercom.on_request = customer_writes_again
    summary = pull_from(intercom, db)

    assert intercom.count("GET", "/conversations/c1") == 2  # listed again with its new updated_at
    assert summary.found == CONVERSATIONS + 1 and summary.fetched == CONVERSATIONS + 1
    assert query(db, "select count(*) from raw.messages where message_id = 'p1-late'") == [(1,)]
    assert query(db, "select _version_at from raw.conversations where conversation_id = 'c1'") == [
        (datetime.fromtimestamp(reply_at, UTC),)
    ]
    assert raw_content(db)["cursor"][0][1] == datetime.fromtimestamp(reply_at, UTC)
    intercom.requests.clear()
    assert pull_from(intercom, db).fetched == 0


def test_a_conversation_gone_after_the_search_listed_it_is_recorded_as_deleted(
    intercom: FakeIntercom, db: Path
) -> None:
    intercom.deleted.add("c4")
    before = datetime.now(UTC)
    summary = pull_from(intercom, db)
    assert (summary.fetched, summary.deleted) == (CONVERSATIONS - 1, 1)
    assert query(db, "select count(*) from raw.conversations where conversation_id = 'c4'") == [(0,)]
    (deleted,) = query(db, "select conversation_id, api_url, found_deleted_at from raw.pull_deleted")
    assert deleted[:2] == ("c4", intercom.url) and deleted[2] >= before
    # still listed by a lagging index and still gone: recorded once
    pull_from(intercom, db, since=datetime(2026, 1, 1, tzinfo=UTC))
    assert query(db, "select count(*) from raw.pull_deleted") == [(1,)]
    with duckdb.connect(str(db), read_only=True) as con:
        status = describe(con, db)
    assert f"pulled from {intercom.url}: every update through" in status
    assert "1 conversation(s) found deleted in Intercom" in status


def test_a_conversation_with_more_parts_than_its_object_returns_is_incomplete(intercom: FakeIntercom, db: Path) -> None:
    # Intercom returns a conversation's 500 latest parts and counts all of them in total_count; here 3 of 5,
    # and statistics without count_conversation_parts: the loader relies on total_count alone
    long_one = conversation(
        "c9", START, [part(f"p9-{n}", START + n * 60, "user" if n % 2 else "admin") for n in range(5)]
    )
    del long_one["statistics"]["count_conversation_parts"]
    intercom.add(long_one)
    intercom.max_parts = 3
    summary = pull_from(intercom, db)
    assert summary.counts.incomplete == 1
    extra = query(
        db,
        "select _extra_columns ->> 'intercom_parts_total_count', _extra_columns ->> 'intercom_parts_in_export'"
        " from raw.conversations where conversation_id = 'c9'",
    )
    assert extra == [("5", "3")]
    assert query(db, "select count(*) from raw.messages where conversation_id = 'c9' and message_id like 'p9-%'") == [
        (3,)
    ]


def test_a_refused_token_is_one_line_and_exit_2(intercom: FakeIntercom, tmp_path: Path) -> None:
    refused = intercom_sla("pull", "--db", tmp_path / "sla.duckdb", "--api-url", intercom.url, cwd=tmp_path, token="x")
    stdout, stderr = refused.communicate(timeout=60)
    assert refused.returncode == 2, stderr
    assert stderr.startswith("error: Intercom refused the access token (401 Unauthorized)")
    assert len(stderr.strip().splitlines()) == 1 and stdout == ""
    missing = intercom_sla("pull", "--db", tmp_path / "sla.duckdb", "--api-url", intercom.url, cwd=tmp_path, token=None)
    _, stderr = missing.communicate(timeout=60)
    assert missing.returncode == 2 and "INTERCOM_ACCESS_TOKEN is not set" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_pull_killed_mid_way_resumes_to_the_same_tables(intercom: FakeIntercom, tmp_path: Path) -> None:
    intercom.add(
        *(conversation(f"k{n}", START + n * 60, [part(f"k{n}-1", START + n * 60 + 30, "admin")]) for n in range(20))
    )
    intercom.delay = 0.05
    killed_db, whole_db = tmp_path / "killed.duckdb", tmp_path / "whole.duckdb"
    total = len(intercom.conversations)

    running = intercom_sla("pull", "--db", killed_db, "--api-url", intercom.url, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while intercom.count("GET", "/conversations/.*") < total // 2 and running.poll() is None:
        assert time.monotonic() < deadline, "the pull never got half way"
        time.sleep(0.01)
    running.send_signal(signal.SIGKILL)
    running.communicate(timeout=60)
    assert running.returncode == -signal.SIGKILL
    kept = query(killed_db, "select count(*) from raw.conversations")[0][0]
    assert 0 < kept < total, "the kill should land mid-pull, after some pages were committed"

    intercom.requests.clear()
    rerun = intercom_sla("pull", "--db", killed_db, "--api-url", intercom.url, cwd=tmp_path)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    # only what the killed pull had not committed is fetched again
    assert intercom.count("GET", "/conversations/.*") == total - kept

    intercom.delay = 0.0
    pull_from(intercom, whole_db)
    assert raw_content(killed_db) == raw_content(whole_db)


def test_the_token_appears_in_no_output_table_file_or_exception(intercom: FakeIntercom, tmp_path: Path) -> None:
    intercom.fail_next("POST", "/conversations/search", 429)
    intercom.fail_next("GET", "/conversations/c2", 500)
    intercom.deleted.add("c5")
    db = tmp_path / "sla.duckdb"
    pulled = intercom_sla("pull", "--db", db, "--api-url", intercom.url, cwd=tmp_path)
    outputs = list(pulled.communicate(timeout=120))
    assert pulled.returncode == 0, outputs[1]
    refused = intercom_sla("pull", "--db", db, "--api-url", intercom.url, cwd=tmp_path, token=TOKEN + "-revoked")
    outputs += refused.communicate(timeout=60)
    assert refused.returncode == 2

    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        dumped = [str(con.execute(f'select * from "{schema}"."{table}"').fetchall()) for schema, table in tables]
    assert {"pull_state", "pull_deleted", "conversations", "messages"} <= {table for _, table in tables}
    written = [path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()]

    # exception texts, with their tracebacks: retries exhausted on 503s, then a port nothing listens on
    errors = []
    intercom.fail_next("GET", "/conversations/c1", 503, times=ATTEMPTS)
    for url, expected in ((intercom.url, "503"), ("http://127.0.0.1:9", "ConnectError")):
        client = IntercomClient(url, TOKEN, RatePacer(1), connections=1, backoff=wait_fixed(0))
        with client, pytest.raises(UserError) as raised:
            client.conversation("c1")
        errors.append("".join(traceback.format_exception(raised.value)) + repr(raised.value))
        assert expected in errors[-1]
    tries = [status for _, _, path, status in intercom.requests if path == "/conversations/c1" and status == 503]
    assert len(tries) == ATTEMPTS  # every try was made before giving up

    for text in [*outputs, *dumped, *errors]:
        assert TOKEN not in text
    for content in written:
        assert TOKEN.encode() not in content


def test_run_says_what_it_needs_to_pull(intercom: FakeIntercom, tmp_path: Path) -> None:
    run = intercom_sla("run", "--db", tmp_path / "sla.duckdb", cwd=tmp_path, token=None)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 2 and len(stderr.strip().splitlines()) == 1
    assert "INTERCOM_ACCESS_TOKEN" in stderr
    files_only = intercom_sla("run", "--db", tmp_path / "sla.duckdb", "--region", "eu", FIXTURES, cwd=tmp_path)
    _, stderr = files_only.communicate(timeout=60)
    assert files_only.returncode == 2 and "add --pull" in stderr
    # with a token and no files, run pulls first (and stops there when Intercom refuses the token)
    pulling = intercom_sla("run", "--db", tmp_path / "sla.duckdb", "--api-url", intercom.url, cwd=tmp_path, token="x")
    _, stderr = pulling.communicate(timeout=60)
    assert pulling.returncode == 2 and "error: Intercom refused the access token" in stderr
    assert intercom.count("POST", "/conversations/search") == 1


def fixture_objects() -> list[dict]:
    """The hand-written API fixtures' conversations, the latest version of each, each with an updated_at
    (the search needs one, as every real object has)."""
    folder = FIXTURES / "intercom_api"
    documents = [json.loads((folder / "page_1.json").read_text(encoding="utf-8"))]
    documents += [json.loads(line) for line in (folder / "page_2.jsonl").read_text(encoding="utf-8").splitlines()]
    latest = {}
    for document in documents:
        for item in document.get("conversations", [document]):
            item["updated_at"] = item.get("updated_at") or item["created_at"]
            if item["id"] not in latest or item["updated_at"] >= latest[item["id"]]["updated_at"]:
                latest[item["id"]] = item
    return list(latest.values())


def test_pulled_conversations_build_the_same_facts_as_the_same_objects_loaded_from_a_file(
    intercom: FakeIntercom, tmp_path: Path
) -> None:
    intercom.conversations.clear()
    intercom.add(*fixture_objects())
    pulled, from_file = tmp_path / "pulled.duckdb", tmp_path / "from_file.duckdb"
    pull_from(intercom, pulled)
    objects = tmp_path / "objects.jsonl"
    objects.write_text("".join(json.dumps(item) + "\n" for item in intercom.conversations.values()), encoding="utf-8")
    assert load(from_file, objects).returncode == 0
    for table in ("messages", "conversations"):
        assert loaded_rows(pulled, table) == loaded_rows(from_file, table)

    for db in (pulled, from_file):
        built = run_dbt(*BUILD, db=db, work=tmp_path / db.stem)
        assert built.returncode == 0, built.stdout[-3000:]
    assert query(pulled, "select count(*) from main.fct_conversations") == [(len(intercom.conversations),)]
    compared = ("fct_conversations", "fct_customer_waits")
    assert [difference for table in compared for difference in differences(from_file, pulled, table)] == []
