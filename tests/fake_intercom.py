"""A fake Intercom on 127.0.0.1, written from Intercom's public REST API reference (version 2.11), for the
pull's tests: no network.

What it serves, as Intercom does:
- `POST /conversations/search` with `{"query": {"field": "updated_at", "operator": ">", "value": N},
  "sort": {"field": "updated_at", "order": "ascending"}, "pagination": {"per_page": P, "starting_after": C}}`:
  a `conversation.list` of conversation objects without their parts, `total_count`, and
  `pages.next.starting_after` while more remain. The cursor points after the last conversation returned
  (its updated_at and id), and each page is read from the data as it is then, so a conversation updated
  during a pull is listed again later.
- `GET /conversations/{id}`: the object with its most recent parts (Intercom returns at most 500;
  `max_parts` lowers that here) and `conversation_parts.total_count` counting all of them; 404 `not_found`
  for a conversation deleted after the search listed it.
- `Authorization: Bearer <token>` checked on every request (401 `unauthorized` otherwise); the
  rate-limit headers `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (unix seconds) on
  every answer, over windows of `window_seconds` (Intercom's are 10 s; 1 s keeps the tests fast), and 429
  `rate_limit_exceeded` past the window's budget.
Test-only settings: `page_size` caps the page below the 150 a client asks for, so a tiny data set has
several pages; `delay` slows every answer; `fail_next` scripts answers (a 429, a 500) for the next
matching requests; `on_request` runs before a request is answered (to update data during a pull).
"""

from __future__ import annotations

import base64
import copy
import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CONVERSATION_PATH = re.compile(r"/conversations/(?P<id>[^/]+)")


def part(part_id: str, created_at: int, author_type: str, part_type: str = "comment", body: str | None = "<p>Hi</p>"):
    """A conversation part in the API's shape."""
    return {
        "type": "conversation_part",
        "id": part_id,
        "part_type": part_type,
        "body": body,
        "created_at": created_at,
        "updated_at": created_at,
        "notified_at": created_at,
        "assigned_to": None,
        "author": {"type": author_type, "id": f"{author_type}-1", "name": "", "email": ""},
        "attachments": [],
        "external_id": None,
        "redacted": False,
    }


def conversation(conversation_id: str, created_at: int, parts: list[dict], state: str = "open") -> dict:
    """A conversation object as `GET /conversations/{id}` returns it; updated_at is its last part's time."""
    updated_at = max([created_at, *(item["created_at"] for item in parts)])
    return {
        "type": "conversation",
        "id": conversation_id,
        "title": None,
        "created_at": created_at,
        "updated_at": updated_at,
        "waiting_since": None,
        "snoozed_until": None,
        "source": {
            "type": "conversation",
            "id": f"src-{conversation_id}",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>Hello, I need help</p>",
            "author": {"type": "user", "id": "user-1", "name": "Ada", "email": "ada@example.com"},
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "user-1", "external_id": None}]},
        "teammates": {"type": "admin.list", "admins": []},
        "admin_assignee_id": None,
        "team_assignee_id": None,
        "open": state == "open",
        "state": state,
        "read": True,
        "tags": {"type": "tag.list", "tags": []},
        "priority": "not_priority",
        "sla_applied": None,
        "statistics": {
            "type": "conversation_statistics",
            "first_contact_reply_at": created_at,
            "count_reopens": 0,
            "count_assignments": 0,
            "count_conversation_parts": len(parts),
        },
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": parts,
            "total_count": len(parts),
        },
    }


def add_part(stored: dict, new_part: dict) -> None:
    """A new part, as Intercom records it: the conversation's updated_at moves to it."""
    stored["conversation_parts"]["conversation_parts"].append(new_part)
    stored["conversation_parts"]["total_count"] += 1
    stored["statistics"]["count_conversation_parts"] += 1
    stored["updated_at"] = max(stored["updated_at"], new_part["created_at"])


@dataclass
class Fault:
    method: str
    path: str
    status: int
    times: int


class FakeIntercom:
    def __init__(
        self,
        server: HTTPServer,
        token: str,
        page_size: int = 150,
        max_parts: int = 500,
        window_budget: int = 1000,
        window_seconds: int = 1,
    ) -> None:
        self.token = token
        self.page_size = page_size
        self.max_parts = max_parts
        self.window_budget = window_budget
        self.window_seconds = window_seconds
        self.delay = 0.0
        self.conversations: dict[str, dict] = {}
        self.deleted: set[str] = set()  # listed by the search (its index lags), gone from GET
        self.requests: list[tuple[float, str, str, int]] = []  # (time, method, path, status)
        self.versions_asked: set[str] = set()
        self.on_request: Callable[[str, str], None] | None = None
        self._faults: list[Fault] = []
        self._window: tuple[int, int] = (0, 0)  # (window start, requests in it)
        self._lock = threading.RLock()
        self.url = server.url_for("").rstrip("/")
        server.expect_request(re.compile(r"/.*")).respond_with_handler(self.answer)

    def add(self, *objects: dict) -> None:
        with self._lock:
            for item in objects:
                self.conversations[item["id"]] = item

    def fail_next(self, method: str, path: str, status: int, times: int = 1) -> None:
        with self._lock:
            self._faults.append(Fault(method, path, status, times))

    def count(self, method: str, path_pattern: str = ".*") -> int:
        with self._lock:
            return sum(1 for _, m, path, _ in self.requests if m == method and re.fullmatch(path_pattern, path))

    def answer(self, request: Request) -> Response:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            if self.on_request:
                self.on_request(request.method, request.path)
            response = self.route(request)
            self.requests.append((time.time(), request.method, request.path, response.status_code))
            return response

    def route(self, request: Request) -> Response:
        self.versions_asked.add(request.headers.get("Intercom-Version", ""))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.error(401, "unauthorized", "Access Token Invalid")
        remaining, reset_at = self.take_from_window()
        if remaining < 0:
            return self.error(429, "rate_limit_exceeded", "Exceeded rate limit", remaining=0, reset_at=reset_at)
        fault = self.scripted_fault(request)
        if fault == 429:
            return self.error(429, "rate_limit_exceeded", "Exceeded rate limit", remaining=0, reset_at=reset_at)
        if fault:
            return self.error(fault, "server_error", "Server Error", remaining=remaining, reset_at=reset_at)
        if request.method == "POST" and request.path == "/conversations/search":
            return self.ok(self.search(request.get_json()), remaining, reset_at)
        match = CONVERSATION_PATH.fullmatch(request.path)
        if request.method == "GET" and match:
            found = self.conversations.get(match["id"])
            if found is None or match["id"] in self.deleted:
                return self.error(404, "not_found", "Resource Not Found", remaining=remaining, reset_at=reset_at)
            return self.ok(self.full_object(found), remaining, reset_at)
        return self.error(404, "not_found", "Resource Not Found", remaining=remaining, reset_at=reset_at)

    def take_from_window(self) -> tuple[int, int]:
        start = math.floor(time.time() / self.window_seconds) * self.window_seconds
        used = self._window[1] + 1 if self._window[0] == start else 1
        self._window = (start, used)
        return self.window_budget - used, start + self.window_seconds

    def scripted_fault(self, request: Request) -> int | None:
        for fault in self._faults:
            if fault.method == request.method and re.fullmatch(fault.path, request.path) and fault.times > 0:
                fault.times -= 1
                return fault.status
        return None

    def search(self, body: dict) -> dict:
        query, pagination = body["query"], body.get("pagination") or {}
        assert query["field"] == "updated_at" and query["operator"] == ">", query
        assert body.get("sort") == {"field": "updated_at", "order": "ascending"}, body.get("sort")
        per_page = min(int(pagination.get("per_page", 20)), 150, self.page_size)
        matching = sorted(
            (item for item in self.conversations.values() if item["updated_at"] > int(query["value"])),
            key=lambda item: (item["updated_at"], item["id"]),
        )
        page_number, after = 1, None
        if pagination.get("starting_after"):
            page_number, *after = json.loads(base64.b64decode(pagination["starting_after"]))
            matching_after = [item for item in matching if (item["updated_at"], item["id"]) > tuple(after)]
        else:
            matching_after = matching
        page = matching_after[:per_page]
        pages = {"type": "pages", "page": page_number, "per_page": per_page}
        pages["total_pages"] = max(1, math.ceil(len(matching) / per_page))
        if len(matching_after) > per_page:
            last = page[-1]
            cursor = json.dumps([page_number + 1, last["updated_at"], last["id"]])
            pages["next"] = {"page": page_number + 1, "starting_after": base64.b64encode(cursor.encode()).decode()}
        listed = [{key: value for key, value in item.items() if key != "conversation_parts"} for item in page]
        return {"type": "conversation.list", "pages": pages, "total_count": len(matching), "conversations": listed}

    def full_object(self, stored: dict) -> dict:
        full = copy.deepcopy(stored)
        if "conversation_parts" in full:  # a hand-written object may leave its parts out
            parts = full["conversation_parts"]["conversation_parts"]
            full["conversation_parts"]["conversation_parts"] = parts[-self.max_parts :]
        return full

    def ok(self, payload: dict, remaining: int, reset_at: int) -> Response:
        return Response(
            json.dumps(payload), 200, self.rate_headers(remaining, reset_at), content_type="application/json"
        )

    def error(self, status: int, code: str, message: str, remaining: int = 0, reset_at: int = 0) -> Response:
        payload = {"type": "error.list", "request_id": "fake-request", "errors": [{"code": code, "message": message}]}
        headers = self.rate_headers(remaining, reset_at) if reset_at else {}
        return Response(json.dumps(payload), status, headers, content_type="application/json")

    def rate_headers(self, remaining: int, reset_at: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.window_budget * 60 // self.window_seconds),
            "X-RateLimit-Remaining": str(max(0, remaining)),
            "X-RateLimit-Reset": str(reset_at),
        }
