"""Record what two real Intercom connectors from PyPI write, by running them against the fake Intercom in
tests/fake_intercom.py serving the hand-written conversations of tests/fixtures/intercom_api/page_1.json.

Neither connector lets its API address be configured (both hard-code https://api.intercom.io), so each is
started through a few lines of Python that change only that address before handing over to the
connector's own entry point:
- tap-intercom 2.2.5: `IntercomClient.__init__` sets `self.base_url = 'https://api.intercom.io'`; the wrapper
  wraps that __init__ to set the fake's URL afterwards, then calls `tap_intercom.main()`.
- airbyte-source-intercom 0.8.3: the declarative manifest (source_intercom/manifest.yaml) has one
  `url_base: "https://api.intercom.io/"`; the wrapper subclasses `SourceIntercom` so the manifest is read
  with that string replaced by the fake's URL, then calls the CDK's `launch` as `source-intercom` does.
Nothing else in either connector is changed.

Install each connector in its own virtual environment (not the project's), e.g.

    python3.11 -m venv /tmp/venv-tap && /tmp/venv-tap/bin/pip install tap-intercom==2.2.5
    python3.11 -m venv /tmp/venv-target && /tmp/venv-target/bin/pip install target-jsonl==0.1.4
    python3.11 -m venv /tmp/venv-airbyte && /tmp/venv-airbyte/bin/pip install airbyte-source-intercom==0.8.3
    .venv/bin/python scripts/dev/record_connector_fixtures.py \\
        --tap-python /tmp/venv-tap/bin/python --target-jsonl /tmp/venv-target/bin/target-jsonl \\
        --airbyte-python /tmp/venv-airbyte/bin/python

What varies between runs (everything else is fixed): the Airbyte records' `emitted_at` (the CDK stamps the
time it read each record; it becomes `_airbyte_emitted_at`), and the bookmarks both connectors put in their
state (the tap's `last_sync_started_at`-style times are not written to the fixtures). `_airbyte_ab_id` is
a random UUID in a real destination; here it is a UUID5 of the stream and line number, so reruns match.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fake_intercom import FakeIntercom, api_object  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

API_PAGE = ROOT / "tests" / "fixtures" / "intercom_api" / "page_1.json"
OUT = ROOT / "tests" / "fixtures" / "connectors"
TOKEN = "fixture-token"
START_DATE = "2026-01-01T00:00:00Z"  # before every conversation in page_1.json (March 2026)
STREAMS = ("conversations", "conversation_parts")
AB_ID_NAMESPACE = uuid.UUID("6f1c1a52-6a43-4b8e-9a0e-4f1d2c7e5b10")

TAP_WRAPPER = """
import os, sys
import tap_intercom.client as client
original_init = client.IntercomClient.__init__
def init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self.base_url = os.environ["FAKE_INTERCOM_URL"]  # in place of https://api.intercom.io
client.IntercomClient.__init__ = init
import tap_intercom
sys.argv[0] = "tap-intercom"
tap_intercom.main()
"""

AIRBYTE_WRAPPER = """
import os, pkgutil, sys
from airbyte_cdk.entrypoint import launch
from source_intercom import SourceIntercom
class Redirected(SourceIntercom):
    def _read_and_parse_yaml_file(self, path_to_yaml_file):
        text = pkgutil.get_data("source_intercom", path_to_yaml_file).decode()
        original = 'url_base: "https://api.intercom.io/"'
        assert text.count(original) == 1, "the manifest's url_base is not where this wrapper expects it"
        return self._parse(text.replace(original, 'url_base: "' + os.environ["FAKE_INTERCOM_URL"] + '/"'))
Redirected.__module__ = SourceIntercom.__module__  # the CDK finds spec.json in the class's package
launch(Redirected(), sys.argv[1:])
"""


@contextmanager
def fake_intercom(page_size: int) -> Iterator[FakeIntercom]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        fake = FakeIntercom(server, TOKEN, page_size=page_size, window_budget=10_000, strict_search=False)
        fake.add(*(api_object(item) for item in json.loads(API_PAGE.read_text())["conversations"]))
        yield fake
    finally:
        server.stop()


def run(command: list[str], url: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "FAKE_INTERCOM_URL": url}
    done = subprocess.run(command, input=stdin, capture_output=True, env=env, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace")[-3000:] + done.stdout.decode(errors="replace")[-3000:])
        raise SystemExit(f"{command[0]} {' '.join(command[3:])} exited {done.returncode}")
    return done.stdout


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def record_tap(tap_python: str, target_jsonl: str, url: str, work: Path, out: Path) -> None:
    config = work / "tap_config.json"
    config.write_text(json.dumps({"access_token": TOKEN, "start_date": START_DATE, "user_agent": "fixtures"}))
    tap = [tap_python, "-c", TAP_WRAPPER, "--config", str(config)]
    catalog = json.loads(run([*tap, "--discover"], url))
    catalog["streams"] = [stream for stream in catalog["streams"] if stream["tap_stream_id"] in STREAMS]
    for stream in catalog["streams"]:  # select the stream (its fields stay at their default, all synced)
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
    (work / "tap_catalog.json").write_text(json.dumps(catalog, indent=1))
    messages = run([*tap, "--catalog", str(work / "tap_catalog.json")], url)
    (work / "tap_messages.jsonl").write_bytes(messages)
    target_config = work / "target_config.json"
    destination = work / "target_jsonl"
    destination.mkdir(exist_ok=True)
    for old in destination.glob("*.jsonl"):
        old.unlink()
    target_config.write_text(json.dumps({"destination_path": str(destination), "do_timestamp_file": False}))
    run([target_jsonl, "--config", str(target_config)], url, stdin=messages)
    for stream in STREAMS:
        written = destination / f"{stream}.jsonl"
        (out / "tap_intercom").mkdir(parents=True, exist_ok=True)
        (out / "tap_intercom" / f"{stream}.jsonl").write_bytes(written.read_bytes() if written.exists() else b"")


def record_airbyte(airbyte_python: str, url: str, work: Path, out: Path) -> None:
    config = work / "airbyte_config.json"
    config.write_text(json.dumps({"access_token": TOKEN, "start_date": START_DATE}))
    source = [airbyte_python, "-c", AIRBYTE_WRAPPER]
    for command in (["spec"], ["check", "--config", str(config)], ["discover", "--config", str(config)]):
        output = run([*source, *command], url)
        (work / f"airbyte_{command[0]}.jsonl").write_bytes(output)
    check = messages_of(work / "airbyte_check.jsonl", "CONNECTION_STATUS")
    assert check and check[0]["connectionStatus"]["status"] == "SUCCEEDED", check
    catalog = messages_of(work / "airbyte_discover.jsonl", "CATALOG")[0]["catalog"]
    configured = {"streams": []}
    for stream in catalog["streams"]:
        if stream["name"] in STREAMS:
            incremental = "incremental" in stream["supported_sync_modes"]
            configured["streams"].append(
                {
                    "stream": stream,
                    "sync_mode": "incremental" if incremental else "full_refresh",
                    "cursor_field": stream.get("default_cursor_field", []) if incremental else [],
                    "destination_sync_mode": "append",
                }
            )
    (work / "airbyte_catalog.json").write_text(json.dumps(configured, indent=1))
    output = run([*source, "read", "--config", str(config), "--catalog", str(work / "airbyte_catalog.json")], url)
    (work / "airbyte_read.jsonl").write_bytes(output)
    records = [message["record"] for message in messages_of(work / "airbyte_read.jsonl", "RECORD")]
    for stream in STREAMS:
        data = [record["data"] for record in records if record["stream"] == stream]
        write_jsonl(out / "airbyte_source_intercom" / f"{stream}.jsonl", data)
        wrapped = [
            {
                "_airbyte_ab_id": str(uuid.uuid5(AB_ID_NAMESPACE, f"{stream}:{line}")),
                "_airbyte_emitted_at": record["emitted_at"],
                "_airbyte_data": record["data"],
            }
            for line, record in enumerate((r for r in records if r["stream"] == stream), start=1)
        ]
        write_jsonl(out / "airbyte_source_intercom" / "destination" / f"{stream}.jsonl", wrapped)


def messages_of(path: Path, kind: str) -> list[dict]:
    messages = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            message = json.loads(line)
            if message.get("type") == kind:
                messages.append(message)
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: .venv/bin/python scripts/dev/record_connector_fixtures.py --tap-python "
        "/tmp/venv-tap/bin/python --target-jsonl /tmp/venv-target/bin/target-jsonl "
        "--airbyte-python /tmp/venv-airbyte/bin/python",
    )
    parser.add_argument("--tap-python", help="python of a venv with tap-intercom==2.2.5 (skipped if not given)")
    parser.add_argument("--target-jsonl", help="target-jsonl executable (needed with --tap-python)")
    parser.add_argument("--airbyte-python", help="python of a venv with airbyte-source-intercom==0.8.3")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the fixtures go (default {OUT})")
    parser.add_argument("--work", type=Path, default=Path("/tmp/connector-fixtures-work"),
                        help="where catalogs, configs and the connectors' raw messages are kept")  # fmt: skip
    parser.add_argument("--page-size", type=int, default=2, help="the fake's page size, so paging is exercised")
    args = parser.parse_args()
    if args.tap_python and not args.target_jsonl:
        parser.error("--tap-python needs --target-jsonl")
    args.work.mkdir(parents=True, exist_ok=True)
    searches: list[dict] = []
    with fake_intercom(args.page_size) as fake:
        answer_search = fake.search

        def search(body: dict) -> dict:  # keep each query a connector sends, for the README
            searches.append(body)
            return answer_search(body)

        fake.search = search  # type: ignore[method-assign]
        if args.tap_python:
            record_tap(args.tap_python, args.target_jsonl, fake.url, args.work, args.out)
        if args.airbyte_python:
            record_airbyte(args.airbyte_python, fake.url, args.work, args.out)
        calls = [f"{method} {path} {status}" for _, method, path, status in fake.requests]
    (args.work / "requests.txt").write_text("\n".join(calls) + "\n")
    (args.work / "search_bodies.jsonl").write_text("".join(json.dumps(body) + "\n" for body in searches))
    print(f"fixtures in {args.out}; raw messages, the {len(calls)} requests and search bodies in {args.work}")


if __name__ == "__main__":
    main()
