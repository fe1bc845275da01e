"""Intercom's REST API as a pull reads it: the conversations updated after a time (the search, sorted by
updated_at, page by page) and each one's full object. Every request takes its turn from the rate-limit
pacer and is retried by tenacity on a 429 (after the reset it names), a 5xx or a dropped connection
(exponential backoff with jitter). The access token goes only into the Authorization header: no message
or exception of this module carries a header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from intercom_sla.errors import UserError

from .rate_limit import RatePacer, whole_number

API_URLS = {"us": "https://api.intercom.io", "eu": "https://api.eu.intercom.io", "au": "https://api.au.intercom.io"}
# Pinned so that a change of the workspace's default API version cannot change the objects the loader reads.
INTERCOM_VERSION = "2.11"
SEARCH_PAGE_SIZE = 150  # the largest page Intercom's search returns
ATTEMPTS = 8
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
BACKOFF = wait_random_exponential(multiplier=0.5, max=30)


class Transient(Exception):
    """An answer worth asking again: a 429 or a 5xx."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(status_text(response))
        self.status_code = response.status_code
        self.reset_at = whole_number(response.headers.get("x-ratelimit-reset"))


@dataclass(frozen=True)
class Listed:
    """A conversation as the search lists it: which one, and the version it has now."""

    id: str
    updated_at: int  # unix seconds


@dataclass(frozen=True)
class SearchPage:
    conversations: list[Listed]
    total_count: int
    next_page: str | None  # the `starting_after` of the next page; None on the last


class IntercomClient:
    def __init__(
        self,
        api_url: str,
        token: str,
        pacer: RatePacer,
        connections: int,
        backoff: Callable[[RetryCallState], float] = BACKOFF,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.pacer = pacer
        self._backoff = backoff
        self._http = httpx.Client(
            base_url=self.api_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "Intercom-Version": INTERCOM_VERSION,
            },
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=connections),
        )

    def __enter__(self) -> IntercomClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def search_updated_after(self, after: int, starting_after: str | None) -> SearchPage:
        """One page of the conversations updated after `after` (unix seconds), oldest update first."""
        pagination = {"per_page": SEARCH_PAGE_SIZE} | ({"starting_after": starting_after} if starting_after else {})
        body = {
            "query": {"field": "updated_at", "operator": ">", "value": after},
            "sort": {"field": "updated_at", "order": "ascending"},
            "pagination": pagination,
        }
        page = answer_json(self._request("POST", "/conversations/search", json=body))
        try:
            listed = [Listed(str(item["id"]), int(item["updated_at"])) for item in page.get("conversations") or []]
        except (KeyError, TypeError, ValueError):
            raise UserError("Intercom's search answered conversations without an id or updated_at") from None
        next_page = ((page.get("pages") or {}).get("next") or {}).get("starting_after")
        return SearchPage(listed, int(page.get("total_count") or len(listed)), next_page)

    def conversation(self, conversation_id: str) -> dict | None:
        """The conversation's full object with its parts; None when Intercom no longer has it (404)."""
        response = self._request("GET", f"/conversations/{quote(conversation_id, safe='')}", gone_ok=True)
        return None if response.status_code == 404 else answer_json(response)

    def _request(self, method: str, path: str, gone_ok: bool = False, **arguments: object) -> httpx.Response:
        retrying = Retrying(
            retry=retry_if_exception_type((Transient, httpx.TransportError)),
            wait=self._wait,
            stop=stop_after_attempt(ATTEMPTS),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self.pacer.take_turn()
                    response = self._http.request(method, path, **arguments)
                    self.pacer.observe(response.headers)
                    if response.status_code == 429 or response.status_code >= 500:
                        raise Transient(response)
        except (Transient, httpx.TransportError) as error:
            raise UserError(
                f"Intercom did not answer {method} {path} after {ATTEMPTS} tries ({type(error).__name__}: {error})"
            ) from None
        if response.status_code in (401, 403):
            raise UserError(
                f"Intercom refused the access token ({status_text(response)}): check "
                "INTERCOM_ACCESS_TOKEN, and that its app may read conversations in this region's workspace"
            )
        if response.is_error and not (gone_ok and response.status_code == 404):
            raise UserError(f"Intercom refused {method} {path}: {status_text(response)} ({intercom_error(response)})")
        return response

    def _wait(self, state: RetryCallState) -> float:
        backoff = self._backoff(state)
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Transient) and error.status_code == 429:
            return self.pacer.wait_after_429(error.reset_at, backoff)
        return backoff


def answer_json(response: httpx.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        request = response.request
        raise UserError(f"Intercom's answer to {request.method} {request.url.path} is not a JSON object")
    return answer


def intercom_error(response: httpx.Response) -> str:
    """Intercom's own words for a refusal (`errors[0]` of its error.list), else the status text."""
    try:
        first = response.json()["errors"][0]
        return f"{first.get('code')}: {first.get('message')}"
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return "no error list"


def status_text(response: httpx.Response) -> str:
    """`401 Unauthorized`: the standard phrase, whatever a server or proxy spells."""
    return f"{response.status_code} {httpx.codes.get_reason_phrase(response.status_code)}"
