"""The Hub, through huggingface_hub: one model_info per model, capped file downloads,
bounded retries, and error messages that name the cause and never the token.

Why not hf_hub_download for README/LICENSE: it sends a HEAD (plus the Hub's 307 to
/api/resolve-cache) before every GET, and it cannot stop reading at a size cap.  We
build the same resolve URL with `hf_hub_url`, send it through huggingface_hub's shared
session with its headers (`build_hf_headers`: user agent, token) and error mapping
(`hf_raise_for_status`), and read at most the cap.  Files a user already downloaded
are still reused: the fetcher reads the HF cache first (`try_to_load_from_cache`).
"""

from __future__ import annotations

import email.utils
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import orjson
from huggingface_hub import DatasetInfo, HfApi, ModelInfo, hf_hub_url
from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import (
    build_hf_headers,
    get_session,
    hf_raise_for_status,
    parse_ratelimit_headers,
)
from huggingface_hub.utils import httpx as httpx2  # the client's HTTP library (httpx2)

from licscan import __version__
from licscan.hubref import normalize_repo_ref
from licscan.sources.card import RELATIONS
from licscan.sources.deadline import Deadline, DeadlineExceeded, run_within
from licscan.sources.files import git_blob_id
from licscan.sources.redact import redact

T = TypeVar("T")
RETRY_STATUS = (408, 429, 500, 502, 503, 504)
API_CAP = 16 << 20  # a model_info answer: ~150 bytes per file; the largest repos < 8 MiB
ERROR_CAP = 64 << 10  # of an error answer's body: its message is in the first lines


class Oversize(Exception):
    """The body is larger than the cap; nothing past the cap was read."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"more than the cap ({size} bytes)" if size else "more than the cap")
        self.size = size


class AnswerTooLarge(Exception):
    """A Hub API answer longer than the cap (reading stopped there)."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"the Hub's answer is larger than the {cap >> 20} MiB cap")


class Truncated(Exception):
    """The body ended before its announced length (the client's consistency check)."""


class Corrupt(Exception):
    """The bytes do not hash to the blob id the Hub listed."""


class GaveUp(Exception):
    """Retries exhausted (or the retry budget would be exceeded)."""

    def __init__(self, last: BaseException, attempts: int, waited: float, why: str = "") -> None:
        super().__init__(str(last))
        self.last, self.attempts, self.waited, self.why = last, attempts, waited, why


class Retry:
    """Bounded retries: at most `attempts` tries and `max_wait` seconds asleep in total.
    A 429 waits what the server asks (Retry-After / RateLimit t=), if the budget allows.

    Why not huggingface_hub's own `http_backoff`: it has no total wait budget per call
    (licscan gives up with "the server asked to wait N s, over the budget": 30 s a scan,
    15 min a census), does not retry a body that arrives truncated or does not hash to
    its blob id (found after the response), cannot count retries for the fetch stats nor
    stop at licscan's deadline across attempts, reads no HTTP-date `Retry-After`, and logs
    a warning per retry (stderr).  The census listing does use it (sources/listing.py);
    the `RateLimit` header is read with its `parse_ratelimit_headers`."""

    def __init__(self, attempts: int = 4, max_wait: float = 30.0, base_wait: float = 0.5) -> None:
        self.attempts, self.max_wait, self.base_wait = attempts, max_wait, base_wait

    def run(
        self,
        fn: Callable[[], T],
        on_retry: Callable[[], None] | None = None,
        deadline: Deadline | None = None,
    ) -> T:
        """fn(), retried; `deadline` (the time the attempts may take) excludes the sleeps."""
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return fn()
            except Exception as exc:
                delay = self.delay(exc, attempt)
                if delay is None:
                    raise
                if attempt == self.attempts:
                    raise GaveUp(exc, attempt, waited) from exc
                if waited + delay > self.max_wait:
                    why = (
                        f"the server asked to wait {delay:g} s, over the {self.max_wait:g} s budget"
                    )
                    raise GaveUp(exc, attempt, waited, why) from exc
                if deadline is not None:
                    if deadline.expired():
                        raise GaveUp(exc, attempt, waited, "the deadline has passed") from exc
                    deadline.extend(delay)  # waiting is bounded by the budget above
                if on_retry:
                    on_retry()
                time.sleep(delay)
                waited += delay
        raise AssertionError("unreachable")

    def delay(self, exc: BaseException, attempt: int) -> float | None:
        """Seconds to wait before retrying `exc`, or None when it is not transient."""
        backoff = min(8.0, self.base_wait * 2 ** (attempt - 1))
        if isinstance(exc, (httpx2.TimeoutException, httpx2.TransportError, Truncated, Corrupt)):
            return backoff
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        if not isinstance(exc, HfHubHTTPError) or status not in RETRY_STATUS:
            return None
        asked = server_wait(response.headers)  # 429, or a 503 that says when to come back
        return backoff if asked is None else asked


def server_wait(headers: Any) -> float | None:
    """Seconds from `RateLimit: "api";r=0;t=N` (none left: wait for the reset) or
    `Retry-After` (seconds or HTTP date)."""
    limit = parse_ratelimit_headers(headers)
    if limit is not None and limit.remaining == 0:
        return float(limit.reset_in_seconds)
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HubAPI:
    """The few Hub calls licscan makes, with retries; thread-safe.

    timeout: the deadline of one call, its retries included (licscan/sources/deadline.py;
    the sleeps between attempts are bounded by the Retry budget instead); read_timeout:
    the longest silence one attempt waits through before it is retried (huggingface_hub's
    HF_HUB_DOWNLOAD_TIMEOUT), never past the deadline.
    API answers are read as they stream in and refused past API_CAP bytes."""

    def __init__(
        self,
        endpoint: str,
        token: str | None,
        timeout: float,
        retry: Retry,
        count: Callable[[str, int], None],
        read_timeout: float | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.read_timeout = min(read_timeout or timeout, timeout)
        self.retry = retry
        self._token = token  # None: huggingface_hub's own lookup (HF_TOKEN, token file)
        self._api = HfApi(endpoint=self.endpoint, token=token, library_name="licscan",
                          library_version=__version__)  # fmt: skip
        self._count = count

    def _request(self, fn: Callable[[Deadline], T]) -> T:
        """fn(deadline), retried, all within the deadline (DeadlineExceeded past it)."""
        on_retry = lambda: self._count("retries", 1)  # noqa: E731
        return run_within(self.timeout, lambda d: self.retry.run(lambda: fn(d), on_retry, d))

    # --- metadata -----------------------------------------------------------------
    def model_meta(self, repo_id: str, revision: str | None) -> dict[str, Any]:
        """One request: GET /api/models/{id}[/revision/{rev}]?blobs=true -> cacheable dict
        (what HfApi.model_info(files_metadata=True) asks, read under a size cap)."""
        url = f"{self.endpoint}/api/models/{repo_id}"
        if revision is not None:
            url += f"/revision/{quote(revision, safe='')}"

        def call(deadline: Deadline) -> bytes:
            self._count("api", 1)
            return self._get(url, API_CAP, deadline, params={"blobs": True}, api=True)

        data = _json_object(self._request(call))
        try:
            return repo_meta(ModelInfo(**data))
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a model description: {type(exc).__name__}") from None

    def dataset_licenses(self, dataset_id: str) -> list[str]:
        url = f"{self.endpoint}/api/datasets/{dataset_id}"

        def call(deadline: Deadline) -> bytes:
            self._count("api", 1)
            params = {"expand": ["cardData", "tags"]}
            return self._get(url, API_CAP, deadline, params=params, api=True)

        info = DatasetInfo(**_json_object(self._request(call)))
        data = info.card_data.to_dict() if info.card_data is not None else {}
        value = data.get("license")
        licenses = [value] if isinstance(value, str) else [str(v) for v in value or []]
        if not licenses:
            tags = info.tags or []
            licenses = [t.split(":", 1)[1] for t in tags if t.startswith("license:")]
        return licenses

    # --- files ----------------------------------------------------------------------
    def download(
        self,
        repo_id: str,
        path: str,
        commit: str,
        *,
        cap: int,
        size: int | None = None,
        blob_id: str | None = None,
        lfs_sha256: str | None = None,
    ) -> bytes:
        """GET one file at a commit, reading at most `cap` bytes; verified against its
        size and blob id (or LFS sha256).  Raises Oversize, HfHubHTTPError, GaveUp..."""
        url = hf_hub_url(repo_id, path, revision=commit, endpoint=self.endpoint)

        def call(deadline: Deadline) -> bytes:
            self._count("files", 1)
            data = self._get(url, cap, deadline, size=size)
            _verify(data, blob_id, lfs_sha256)
            return data

        data = self._request(call)
        self._count("bytes", len(data))
        return data

    def _get(
        self,
        url: str,
        cap: int,
        deadline: Deadline,
        *,
        params: dict | None = None,
        size: int | None = None,
        api: bool = False,
    ) -> bytes:
        """One GET through huggingface_hub's shared client (its headers, redirects and
        error mapping), read chunk by chunk: at most `cap` bytes, never past `deadline`."""
        headers = build_hf_headers(token=self._token, library_name="licscan",
                                   library_version=__version__)  # fmt: skip
        timeout = max(0.01, min(self.read_timeout, deadline.remaining()))
        with get_session().stream(
            "GET", url, params=params, headers=headers, timeout=timeout
        ) as response:
            if response.status_code >= 400:
                _raise_for_status(response, deadline)
            announced = _content_length(response)
            if announced is not None and announced > cap:
                raise AnswerTooLarge(cap) if api else Oversize(announced)
            body = bytearray()
            for chunk in response.iter_bytes():
                deadline.check()
                body += chunk
                if len(body) > cap:
                    raise AnswerTooLarge(cap) if api else Oversize(size or announced)
        expected = size if size is not None else announced
        if expected is not None and len(body) != expected:
            raise Truncated(f"truncated body: got {len(body)} of {expected} bytes")
        return bytes(body)

    # --- messages -------------------------------------------------------------------
    def describe(self, exc: BaseException, has_token: bool) -> str:
        """A short cause for a failed call, with no token in it."""
        return redact(_describe(exc, has_token, self.timeout, self.endpoint), self._secrets())

    def _secrets(self) -> tuple[str, ...]:
        token = self._token
        if token is None:
            from huggingface_hub import get_token

            token = get_token()
        return (token,) if token else ()


def _raise_for_status(response: Any, deadline: Deadline) -> None:
    """huggingface_hub's error mapping, reading at most ERROR_CAP bytes of the body."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > ERROR_CAP:
            break
        deadline.check()
    skip = ("content-encoding", "content-length", "transfer-encoding")  # body is decoded
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in skip]
    capped = httpx2.Response(response.status_code, headers=headers,
                             content=bytes(body[:ERROR_CAP]), request=response.request)  # fmt: skip
    hf_raise_for_status(capped)
    raise HfHubHTTPError(f"HTTP {response.status_code}", response=capped)  # (unreachable)


def _json_object(data: bytes) -> dict[str, Any]:
    value = orjson.loads(data)  # orjson.JSONDecodeError is a ValueError
    if not isinstance(value, dict):
        raise ValueError(f"a JSON {type(value).__name__}, not an object")
    return value


def _content_length(response: Any) -> int | None:
    if response.headers.get("Content-Encoding", "identity") not in ("identity", ""):
        return None  # a compressed length says nothing about the decoded size
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _verify(data: bytes, blob_id: str | None, lfs_sha256: str | None) -> None:
    if lfs_sha256:
        if hashlib.sha256(data).hexdigest() != lfs_sha256:
            raise Corrupt("content does not match its LFS sha256")
    elif blob_id and git_blob_id(data) != blob_id:
        raise Corrupt(f"content does not match its blob id {blob_id[:12]}")


def _describe(exc: BaseException, has_token: bool, timeout: float, endpoint: str) -> str:
    if isinstance(exc, GaveUp):
        base = _describe(exc.last, has_token, timeout, endpoint)
        if exc.why:
            return f"{base}; gave up: {exc.why}"
        return f"{base}; gave up after {exc.attempts} attempts ({exc.waited:.1f} s of waiting)"
    if isinstance(exc, DeadlineExceeded):
        return (
            f"timed out after {exc.seconds:g} s talking to {endpoint} (no complete answer "
            "within the deadline; --timeout)"
        )
    if isinstance(exc, AnswerTooLarge):
        return str(exc)
    if isinstance(exc, Oversize):
        return f"{exc.size} bytes, over the cap" if exc.size else "larger than the cap"
    if isinstance(exc, (Truncated, Corrupt)):
        return str(exc)
    if isinstance(exc, GatedRepoError):
        who = "this token has not been granted access" if has_token else "no token given"
        return f"gated repo, access not granted ({who})"
    if isinstance(exc, RevisionNotFoundError):
        return "revision not found"
    if isinstance(exc, DisabledRepoError):
        return "repository disabled on the Hub"
    if isinstance(exc, RemoteEntryNotFoundError):
        return "file not found (HTTP 404)"
    if isinstance(exc, RepositoryNotFoundError):
        if has_token:
            return "repository not found, or private and not accessible with this token"
        return "repository not found (or private: set HF_TOKEN)"
    if isinstance(exc, HfHubHTTPError):
        return _http_cause(exc, has_token)
    if isinstance(exc, OfflineModeIsEnabled):
        return "HF_HUB_OFFLINE is set: no network access"
    if isinstance(exc, httpx2.TimeoutException):
        return f"timed out after {timeout:g} s talking to {endpoint}"
    if isinstance(exc, httpx2.ConnectError):
        return f"cannot connect to {endpoint}"
    if isinstance(exc, httpx2.RemoteProtocolError):
        return "connection closed early (truncated response)"
    if isinstance(exc, httpx2.NetworkError):
        if _caused_by(exc, ConnectionResetError):
            return "connection reset by the server"
        return f"network error ({type(exc).__name__}: {_first_line(exc)})"
    if isinstance(exc, ValueError):
        return f"unreadable answer from the Hub ({_first_line(exc)})"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    """Whether `kind` is among the causes of `exc` (httpx wraps the socket's OSError)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _http_cause(exc: HfHubHTTPError, has_token: bool) -> str:
    status = getattr(exc.response, "status_code", None)
    if status == 401:
        if has_token:
            return "authentication failed (HTTP 401): the token is invalid or expired"
        return "authentication required (HTTP 401): set HF_TOKEN"
    if status == 403:
        return "access denied (HTTP 403)"
    if status == 429:
        return "rate limited by the Hub (HTTP 429)"
    if status is not None and status >= 500:
        return f"Hub server error (HTTP {status})"
    message = (exc.server_message or "").strip()
    return f"HTTP {status}" + (f": {_first_line(message)}" if message else "")


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


# --- model_info -> the metadata licscan keeps (and caches) ---------------------------


def repo_meta(info: Any, *, listing: bool = False) -> dict[str, Any]:
    """The parts of a ModelInfo that licscan uses, as plain JSON (what the cache keeps).

    listing: the ModelInfo of a listing page, which gives file names only: a file's size
    and blob id stay None unless the page carried them (never taken from its LFS pointer),
    the file list is None when the page had none, and the count of derivatives is kept."""
    card = info.card_data.to_dict() if info.card_data is not None else None
    siblings: list[dict[str, Any]] | None = None
    if info.siblings is not None or not listing:
        siblings = [
            {
                "path": s.rfilename,
                "size": s.size
                if s.size is not None or listing
                else (s.lfs.size if s.lfs else None),
                "blob_id": s.blob_id,
                "lfs_sha256": s.lfs.sha256 if s.lfs else None,
            }
            for s in info.siblings or []
        ]
    out = {
        "id": info.id,
        "sha": info.sha,
        "gated": info.gated if info.gated in ("auto", "manual") else False,
        "private": bool(info.private),
        "disabled": bool(info.disabled),
        "card_data": card,
        "tags": list(info.tags or []),
        "base_models": hub_base_models(info.base_models, info.tags or []),
        "siblings": siblings,
        "pipeline_tag": info.pipeline_tag,
        "library_name": info.library_name,
    }
    if listing:
        out["children"] = info.children_model_count
    return out


def hub_base_models(base_models: Any, tags: list[str]) -> list[str]:
    """Hub-computed lineage: `baseModels` (list of ids, or {relation, models: [{id}]})
    and the `base_model:[relation:]org/name` tags."""
    found: list[str] = []
    if isinstance(base_models, dict):
        base_models = base_models.get("models") or []
    for item in base_models or []:
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, str):
            found.append(value)
    for tag in tags:
        kind, _, rest = tag.partition(":")
        if kind != "base_model" or not rest:
            continue
        relation, _, model = rest.partition(":")
        found.append(model if relation in RELATIONS and model else rest)
    refs = [normalize_repo_ref(v) for v in found]
    return list(dict.fromkeys(r for r in refs if r))
