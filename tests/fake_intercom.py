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
Also served, for the third-party connectors scripts/dev/record_connector_fixtures.py runs against it:
- the search's full query language: a filter `{"field", "operator", "value"}` (operators `=`, `!=`, `IN`,
  `NIN`, `>`, `<`, `~`, `!~`, `^`, `$`) or `{"operator": "AND"|"OR", "value": [...]}` nesting them, sorted
  on any field, either order (`strict_search=False`; by default the pull's own query is asserted);
- `GET /conversations` (`per_page`, `starting_after`): every conversation without its parts, the most
  recently updated first;
- `display_as=plaintext` on `GET /conversations/{id}`: message bodies as text (tags stripped, entities
  decoded; Intercom does not document its exact rendering, so that is this fake's reading);
- `GET /tags`, `GET /me`, `GET /admins`: the workspace's tags and admins, for connectors' access checks;
- `api_object()`: a hand-written conversation completed with every key the reference says the API always
  returns (null where the hand-written one says nothing).
Test-only settings: `page_size` caps the page below the 150 a client asks for, so a tiny data set has
several pages; `delay` slows every answer; `fail_next` scripts answers (a 429, a 500) for the next
matching requests; `on_request` runs before a request is answered (to update data during a pull).
"""

from __future__ import annotations

import base64
import copy
import html
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
HTML_TAG = re.compile(r"<[^>]+>")

# The keys Intercom's 2.x reference lists on a conversation, a part and a statistics object, which the API
# sends (as null when it has nothing) even where a hand-written fixture leaves them out.
CONVERSATION_KEYS = {
    "type": "conversation", "id": None, "title": None, "created_at": None, "updated_at": None,
    "waiting_since": None, "snoozed_until": None, "open": None, "state": None, "read": None,
    "priority": None, "admin_assignee_id": None, "team_assignee_id": None, "tags": None,
    "conversation_rating": None, "source": None, "contacts": None, "teammates": None,
    "custom_attributes": None, "first_contact_reply": None, "sla_applied": None, "statistics": None,
    "conversation_parts": None,
}  # fmt: skip
PART_KEYS = {
    "type": "conversation_part", "id": None, "part_type": None, "body": None, "created_at": None,
    "updated_at": None, "notified_at": None, "assigned_to": None, "author": None, "attachments": None,
    "external_id": None, "redacted": None,
}  # fmt: skip
STATISTICS_KEYS = (
    "time_to_assignment", "time_to_admin_reply", "time_to_first_close", "time_to_last_close",
    "median_time_to_reply", "first_contact_reply_at", "first_assignment_at", "first_admin_reply_at",
    "first_close_at", "last_assignment_at", "last_assignment_admin_reply_at", "last_contact_reply_at",
    "last_admin_reply_at", "last_close_at", "last_closed_by_id", "count_reopens", "count_assignments",
    "count_conversation_parts",
)  # fmt: skip
SOURCE_KEYS = ("type", "id", "delivered_as", "subject", "body", "author", "attachments", "url", "redacted")


def api_object(hand_written: dict) -> dict:
    """A hand-written conversation as the API would send it: every key the reference lists, null where the
    fixture says nothing; empty lists for tags, contacts, teammates and parts; a part's updated_at (and
    notified_at) its created_at, and the conversation's updated_at its latest part's, when not given.
    Values the fixture gives are kept exactly."""
    made = {**CONVERSATION_KEYS, **copy.deepcopy(hand_written)}
    parts_list = made["conversation_parts"] or {"type": "conversation_part.list", "conversation_parts": []}
    parts = [{**PART_KEYS, **item} for item in parts_list["conversation_parts"]]
    for item in parts:
        item["updated_at"] = item["updated_at"] if item["updated_at"] is not None else item["created_at"]
        item["notified_at"] = item["notified_at"] if item["notified_at"] is not None else item["created_at"]
    made["conversation_parts"] = {"total_count": len(parts), **parts_list, "conversation_parts": parts}
    if made["updated_at"] is None:
        made["updated_at"] = max([made["created_at"], *(item["created_at"] for item in parts)])
    made["source"] = {key: None for key in SOURCE_KEYS} | {"type": "conversation"} | (made["source"] or {})
    made["tags"] = made["tags"] or {"type": "tag.list", "tags": []}
    made["contacts"] = made["contacts"] or {"type": "contact.list", "contacts": []}
    made["teammates"] = made["teammates"] or {"type": "admin.list", "admins": []}
    statistics = {"type": "conversation_statistics", **dict.fromkeys(STATISTICS_KEYS)}
    made["statistics"] = statistics | (made["statistics"] or {})
    if made["open"] is None and made["state"] is not None:
        made["open"] = made["state"] == "open"
    return made


def plaintext(body: str | None) -> str | None:
    """A message body as `display_as=plaintext` gives it (this fake's reading: tags dropped, entities decoded)."""
    return None if body is None else html.unescape(HTML_TAG.sub("", body))


def matches(item: dict, query: dict) -> bool:
    """Whether a conversation matches a search query in Intercom's query language."""
    if query.get("operator") in ("AND", "OR"):
        results = [matches(item, nested) for nested in query["value"]]
        return all(results) if query["operator"] == "AND" else any(results)
    value, wanted = item.get(query["field"]), query["value"]
    if value is None:
        return False
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(wanted, (int, float, str)):
        wanted = float(wanted) if wanted != "" else float("-inf")
    else:
        value, wanted = (value, wanted) if isinstance(wanted, list) else (str(value), str(wanted))
    operator = query["operator"]
    if operator == "IN":
        return value in wanted
    if operator == "NIN":
        return value not in wanted
    tests = {
        "=": lambda: value == wanted, "!=": lambda: value != wanted, ">": lambda: value > wanted,
        "<": lambda: value < wanted, "~": lambda: str(wanted) in str(value),
        "!~": lambda: str(wanted) not in str(value), "^": lambda: str(value).startswith(str(wanted)),
        "$": lambda: str(value).endswith(str(wanted)),
    }  # fmt: skip
    return tests[operator]()


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
        strict_search: bool = True,
    ) -> None:
        self.token = token
        self.page_size = page_size
        self.max_parts = max_parts
        self.window_budget = window_budget
        self.window_seconds = window_seconds
        self.strict_search = strict_search
        self.admins: list[dict] = [{"type": "admin", "id": "101", "name": "Grace", "email": "grace@example.com"}]
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
        if request.method == "GET" and request.path.rstrip("/") == "/conversations":
            return self.ok(self.list_page(request.args), remaining, reset_at)
        if request.method == "GET" and request.path in ("/tags", "/me", "/admins"):
            return self.ok(self.workspace(request.path), remaining, reset_at)
        match = CONVERSATION_PATH.fullmatch(request.path)
        if request.method == "GET" and match:
            found = self.conversations.get(match["id"])
            if found is None or match["id"] in self.deleted:
                return self.error(404, "not_found", "Resource Not Found", remaining=remaining, reset_at=reset_at)
            return self.ok(self.full_object(found, request.args.get("display_as")), remaining, reset_at)
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
        if self.strict_search:  # the pull's own query
            assert query["field"] == "updated_at" and query["operator"] == ">", query
            assert body.get("sort") == {"field": "updated_at", "order": "ascending"}, body.get("sort")
        sort = body.get("sort") or {"field": "updated_at", "order": "descending"}
        matching = [item for item in self.conversations.values() if matches(item, query)]
        listed = self.paged(matching, sort["field"], sort.get("order") == "descending", pagination)
        return {"type": "conversation.list", **listed}

    def list_page(self, args: dict) -> dict:
        """`GET /conversations`: all conversations, most recently updated first, as the reference lists them."""
        pagination = {"per_page": args.get("per_page", 20), "starting_after": args.get("starting_after")}
        return {
            "type": "conversation.list",
            **self.paged(list(self.conversations.values()), "updated_at", True, pagination),
        }

    def paged(self, matching: list[dict], field: str, descending: bool, pagination: dict) -> dict:
        """One page of conversations without their parts, sorted on `field` (then id), with the cursor to the
        next: the page number and the sort key of the last conversation returned."""
        per_page = min(int(pagination.get("per_page") or 20), 150, self.page_size)

        def key(item: dict) -> tuple:
            return (item.get(field) is not None, item.get(field) or 0, item["id"])

        matching = sorted(matching, key=key, reverse=descending)
        page_number, after = 1, None
        if pagination.get("starting_after"):
            page_number, *after = json.loads(base64.b64decode(pagination["starting_after"]))
            after_key = (True, *after) if len(after) == 2 else tuple(after)
            matching_after = [
                item for item in matching if (key(item) < after_key if descending else key(item) > after_key)
            ]
        else:
            matching_after = matching
        page = matching_after[:per_page]
        pages = {"type": "pages", "page": page_number, "per_page": per_page}
        pages["total_pages"] = max(1, math.ceil(len(matching) / per_page))
        if len(matching_after) > per_page:
            last = page[-1]
            cursor = json.dumps([page_number + 1, *key(last)[1:]] if key(last)[0] else [page_number + 1, *key(last)])
            pages["next"] = {"page": page_number + 1, "starting_after": base64.b64encode(cursor.encode()).decode()}
        listed = [{key: value for key, value in item.items() if key != "conversation_parts"} for item in page]
        return {"pages": pages, "total_count": len(matching), "conversations": listed}

    def full_object(self, stored: dict, display_as: str | None = None) -> dict:
        full = copy.deepcopy(stored)
        if "conversation_parts" in full:  # a hand-written object may leave its parts out
            parts = full["conversation_parts"]["conversation_parts"]
            full["conversation_parts"]["conversation_parts"] = parts[-self.max_parts :]
        if display_as == "plaintext":
            for message in [
                full.get("source") or {},
                *(full.get("conversation_parts") or {}).get("conversation_parts", []),
            ]:
                if "body" in message:
                    message["body"] = plaintext(message["body"])
        return full

    def workspace(self, path: str) -> dict:
        """`GET /tags` (every tag on a conversation), `GET /me` and `GET /admins` (the admins set on the fake)."""
        if path == "/tags":
            tags = {
                tag["id"]: tag
                for item in self.conversations.values()
                for tag in (item.get("tags") or {}).get("tags", [])
            }
            return {"type": "list", "data": [tags[tag_id] for tag_id in sorted(tags)]}
        if path == "/me":
            return {**self.admins[0], "email_verified": True, "app": {"type": "app", "id_code": "fakeapp"}}
        return {"type": "admin.list", "admins": self.admins}

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
