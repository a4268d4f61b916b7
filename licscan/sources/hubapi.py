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
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status
from huggingface_hub.utils import httpx as httpx2  # the client's HTTP library (httpx2)

from licscan import __version__
from licscan.sources.card import RELATIONS, normalize_repo_ref
from licscan.sources.files import git_blob_id

T = TypeVar("T")
RETRY_STATUS = (408, 429, 500, 502, 503, 504)
_TOKEN_RE = re.compile(r"\bhf_[A-Za-z0-9]{8,}|(?i:bearer)\s+[^\s'\"]+")


class Oversize(Exception):
    """The body is larger than the cap; nothing past the cap was read."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"more than the cap ({size} bytes)" if size else "more than the cap")
        self.size = size


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
    A 429 waits what the server asks (Retry-After / RateLimit t=), if the budget allows."""

    def __init__(self, attempts: int = 4, max_wait: float = 30.0, base_wait: float = 0.5) -> None:
        self.attempts, self.max_wait, self.base_wait = attempts, max_wait, base_wait

    def run(self, fn: Callable[[], T], on_retry: Callable[[], None] | None = None) -> T:
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
    """Seconds from `RateLimit: "api";r=0;t=N` or `Retry-After` (seconds or HTTP date)."""
    ratelimit = headers.get("RateLimit") or ""
    if re.search(r"\br=0\b", ratelimit) and (m := re.search(r"\bt=(\d+)", ratelimit)):
        return float(m.group(1))
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


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove tokens from a message: the known secrets, `hf_...` and `Bearer ...`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _TOKEN_RE.sub("***", text)


class HubAPI:
    """The few Hub calls licscan makes, with retries; thread-safe."""

    def __init__(
        self,
        endpoint: str,
        token: str | None,
        timeout: float,
        retry: Retry,
        count: Callable[[str, int], None],
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.retry = retry
        self._token = token  # None: huggingface_hub's own lookup (HF_TOKEN, token file)
        self._api = HfApi(endpoint=self.endpoint, token=token, library_name="licscan",
                          library_version=__version__)  # fmt: skip
        self._count = count
        self._local = threading.local()

    # --- metadata -----------------------------------------------------------------
    def model_meta(self, repo_id: str, revision: str | None) -> dict[str, Any]:
        """One request: GET /api/models/{id}[/revision/{rev}]?blobs=true -> cacheable dict."""

        def call():
            self._count("api", 1)
            return self._api.model_info(
                repo_id, revision=revision, files_metadata=True, timeout=self.timeout
            )

        info = self.retry.run(call, on_retry=lambda: self._count("retries", 1))
        return meta_from_info(info)

    def dataset_licenses(self, dataset_id: str) -> list[str]:
        def call():
            self._count("api", 1)
            return self._api.dataset_info(
                dataset_id, expand=["cardData", "tags"], timeout=self.timeout
            )

        info = self.retry.run(call, on_retry=lambda: self._count("retries", 1))
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

        def call() -> bytes:
            self._count("files", 1)
            data = self._get_capped(url, cap, size)
            _verify(data, blob_id, lfs_sha256)
            return data

        data = self.retry.run(call, on_retry=lambda: self._count("retries", 1))
        self._count("bytes", len(data))
        return data

    def _get_capped(self, url: str, cap: int, size: int | None) -> bytes:
        headers = build_hf_headers(token=self._token, library_name="licscan",
                                   library_version=__version__)  # fmt: skip
        with get_session().stream("GET", url, headers=headers, timeout=self.timeout) as response:
            if response.status_code >= 400:
                response.read()
                hf_raise_for_status(response)
            announced = _content_length(response)
            if announced is not None and announced > cap:
                raise Oversize(announced)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > cap:
                    raise Oversize(size or announced)
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
    if isinstance(exc, ValueError):
        return f"unreadable answer from the Hub ({_first_line(exc)})"
    return f"{type(exc).__name__}: {_first_line(exc)}"


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


def meta_from_info(info: Any) -> dict[str, Any]:
    """The parts of a ModelInfo that licscan uses, as plain JSON."""
    card = info.card_data.to_dict() if info.card_data is not None else None
    siblings = []
    for s in info.siblings or []:
        siblings.append(
            {
                "path": s.rfilename,
                "size": s.size if s.size is not None else (s.lfs.size if s.lfs else None),
                "blob_id": s.blob_id,
                "lfs_sha256": s.lfs.sha256 if s.lfs else None,
            }
        )
    return {
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
