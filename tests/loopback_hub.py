"""A loopback Hugging Face Hub for tests and benchmarks.

A threaded stdlib HTTP server on 127.0.0.1 that serves fixture repositories faithfully
enough for the real `huggingface_hub` 2.x client (see ../shared/docs/notes/hf-hub.md §4):

- `GET /api/{models,datasets}/{id}[/revision/{rev}]` (model_info / dataset_info JSON;
  `blobs=true` adds blobId/size/lfs to siblings; `expand=` returns only `_id`, `id` and
  the listed keys), `/tree/{rev}[/{path}]` and `POST /paths-info/{rev}`, `GET
  /api/{models,datasets}` listings (`author`, `search`, `filter` (all must match),
  `expand` / `full` / `cardData`, `limit`; `childrenModelCount` from the other repos'
  base models); listings page with `Link: <...>; rel="next"`.
- `HEAD`/`GET /{id}/resolve/{rev}/{file}`: 307 to `/api/resolve-cache/...` (as the real
  Hub does for small files) answering with `X-Repo-Commit`, `ETag` and Content-Length;
  LFS files get 302 to a CDN route on another origin (`localhost` instead of 127.0.0.1)
  with `X-Linked-Etag`/`X-Linked-Size`.  `Range` is honoured.
- Every error carries `X-Error-Code` (+ `X-Error-Message`): RepoNotFound (401 without a
  token, 404 with one), GatedRepo (401 without a token, 403 with one not granted),
  RevisionNotFound, EntryNotFound (with X-Repo-Commit), InvalidCredentials.
- Renamed repos answer 307 to the new name; disabled repos answer 403 "disabled".
- Faults per repo and path: latency, N x 429 with Retry-After / RateLimit, 5xx,
  hangs past the client's timeout, truncated bodies; huge or binary generated files;
  connection resets, bodies dripped a byte at a time, a corrupt copy of a file (its
  listed blob id unchanged), API answers padded to any size.  `bytes_sent` counts what
  each request's body really put on the wire (a client that stops reading is seen).
- `requests` counts every request by "METHOD path" (query dropped) for assertions.

Repositories come from a folder (`<root>/<org>/<name>/` files + optional `repo.yaml`,
datasets under `<root>/datasets/<org>/<name>/`) or are added in memory with
`add_model` / `add_dataset` (benchmarks synthesise thousands this way).
"""

from __future__ import annotations

import collections
import fnmatch
import hashlib
import http.server
import json
import re
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import yaml

CHUNK = 64 * 1024
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_FRONT = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
RELATIONS = ("adapter", "finetune", "merge", "quantized")


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Content:
    """A file's bytes, stored or generated on the fly (a 50 MB LICENSE costs no memory)."""

    def __init__(
        self,
        data: bytes | str | None = None,
        *,
        size: int | None = None,
        fill: bytes = b"x",
        lfs: bool = False,
    ) -> None:
        self.data = data.encode() if isinstance(data, str) else data
        self.size = len(self.data) if self.data is not None else int(size or 0)
        self.fill = fill or b"x"
        self.lfs = lfs
        self._blob_id: str | None = None
        self._sha256: str | None = None

    def chunks(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        end = self.size if end is None else min(end, self.size)
        if self.data is not None:
            for i in range(start, end, CHUNK):
                yield self.data[i : min(i + CHUNK, end)]
            return
        block = (self.fill * (CHUNK // len(self.fill) + 1))[:CHUNK]
        pos = start
        while pos < end:
            offset = pos % len(self.fill)
            piece = (block[offset:] + block[:offset])[: min(CHUNK, end - pos)]
            yield piece
            pos += len(piece)

    def read(self) -> bytes:
        return b"".join(self.chunks())

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            h = hashlib.sha256()
            for c in self.chunks():
                h.update(c)
            self._sha256 = h.hexdigest()
        return self._sha256

    @property
    def pointer(self) -> bytes:
        return (
            f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\n"
            f"size {self.size}\n"
        ).encode()

    @property
    def blob_id(self) -> str:
        if self._blob_id is None:
            if self.lfs:
                self._blob_id = git_blob_id(self.pointer)
            else:
                h = hashlib.sha1(b"blob %d\0" % self.size)
                for c in self.chunks():
                    h.update(c)
                self._blob_id = h.hexdigest()
        return self._blob_id

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.blob_id


def as_content(value: bytes | str | Content) -> Content:
    return value if isinstance(value, Content) else Content(value)


@dataclass
class Repo:
    repo_id: str
    repo_type: str = "model"
    gated: bool | str = False
    private: bool = False
    disabled: bool = False
    granted: set[str] = field(default_factory=set)  # tokens with access (gated/private)
    renamed_from: list[str] = field(default_factory=list)
    card_data: dict | None = None  # overrides the README front matter
    revisions: dict[str, dict[str, Content]] = field(default_factory=dict)  # commit -> files
    refs: dict[str, str] = field(default_factory=dict)  # branch/tag -> commit

    def add_revision(
        self,
        files: dict[str, bytes | str | Content],
        ref: str | None = "main",
        sha: str | None = None,
    ) -> str:
        contents = {path: as_content(v) for path, v in files.items()}
        if sha is None:
            h = hashlib.sha1(f"{self.repo_id}\0{ref}\0{len(self.revisions)}".encode())
            for path in sorted(contents):
                h.update(f"{path}\0{contents[path].blob_id}\0".encode())
            sha = h.hexdigest()
        self.revisions[sha] = contents
        if ref:
            self.refs[ref] = sha
        return sha

    def resolve(self, rev: str) -> str | None:
        if rev in self.refs:
            return self.refs[rev]
        return rev if rev in self.revisions else None

    @property
    def sha(self) -> str:
        return self.refs["main"]


@dataclass
class Fault:
    """Misbehaviour for matching requests.  `where`: "api" (JSON endpoints), "resolve"
    (any file), a glob on the file path, or "*".  `times`: how many matching requests
    misbehave (None: all)."""

    repo: str = "*"
    where: str = "*"
    status: int | None = None
    times: int | None = None
    retry_after: str | None = None
    ratelimit: str | None = None
    latency: float = 0.0
    hang: float = 0.0
    truncate: bool = False
    message: str | None = None  # X-Error-Message to send (default: "injected HTTP N")
    hits: int = 0
    code: str | None = None  # X-Error-Code to send (default: from the status)
    after: int = 0  # matching requests let through before misbehaving (page 2 of a listing)
    seen: int = 0
    reset: bool = False  # reset the connection (TCP RST) instead of answering
    drip: float = 0.0  # send the body one byte every `drip` seconds
    corrupt: bool = False  # serve the file with one byte changed (same length)
    huge: int = 0  # pad a JSON answer to this many bytes

    def matches(self, repo_id: str | None, kind: str, path: str | None) -> bool:
        if self.repo != "*" and self.repo != repo_id:
            return False
        if self.where == "*":
            return True
        if self.where == "listing":  # GET /api/models (and /api/datasets) pages only
            return kind == "listing"
        if self.where == "api":
            return kind in ("api", "listing")
        if self.where == "resolve":
            return kind == "file"
        return kind == "file" and path is not None and fnmatch.fnmatch(path, self.where)

    def take(self) -> bool:
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        self.hits += 1
        return True


class _Reset(Exception):
    """Drop the connection with a TCP reset."""


class _Reply(Exception):
    def __init__(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _error(status: int, code: str, message: str, **headers: str) -> _Reply:
    body = json.dumps({"error": message}).encode()
    hdrs = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"}
    hdrs.update(headers)
    return _Reply(status, body, hdrs)


def _json(data: Any, **headers: str) -> _Reply:
    return _Reply(200, json.dumps(data).encode(), {"Content-Type": "application/json", **headers})


class LoopbackHub:
    """The server.  Use as a context manager; `url` is the HF_ENDPOINT to give clients."""

    def __init__(self, root: str | Path | None = None, page_size: int = 1000) -> None:
        self.repos: dict[tuple[str, str], Repo] = {}
        self.aliases: dict[tuple[str, str], str] = {}
        self.faults: list[Fault] = []
        self.invalid_tokens: set[str] = set()
        self.page_size = page_size
        self.latency = 0.0  # seconds added to every request
        self.requests: collections.Counter[str] = collections.Counter()
        self.bytes_sent: collections.Counter[str] = collections.Counter()  # body bytes
        self.log: list[tuple[str, str, int]] = []
        self.seen_headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._listings: dict[tuple, list[dict]] = {}  # query (cursor aside) -> items
        self._server: socketserver.ThreadingMixIn | None = None
        self._thread: threading.Thread | None = None
        if root is not None:
            self.load_folder(root)

    # --- building --------------------------------------------------------------------
    def add_model(self, repo_id: str, files: dict[str, bytes | str | Content], **kw: Any) -> Repo:
        return self._add(repo_id, "model", files, **kw)

    def add_dataset(self, repo_id: str, files: dict[str, bytes | str | Content], **kw: Any) -> Repo:
        return self._add(repo_id, "dataset", files, **kw)

    def _add(self, repo_id: str, repo_type: str, files: dict, **kw: Any) -> Repo:
        sha = kw.pop("sha", None)
        repo = Repo(repo_id, repo_type, **kw)
        repo.add_revision(files, "main", sha)
        self.repos[(repo_type, repo_id)] = repo
        self._listings.clear()
        for old in repo.renamed_from:
            self.aliases[(repo_type, old)] = repo_id
        return repo

    def fault(self, repo: str = "*", where: str = "*", **kw: Any) -> Fault:
        f = Fault(repo, where, **kw)
        with self._lock:
            self.faults.append(f)
        return f

    def load_folder(self, root: str | Path) -> None:
        root = Path(root)
        for repo_type, base in (("model", root), ("dataset", root / "datasets")):
            if not base.is_dir():
                continue
            for org in sorted(p for p in base.iterdir() if p.is_dir()):
                if repo_type == "model" and org.name == "datasets":
                    continue
                for folder in sorted(p for p in org.iterdir() if p.is_dir()):
                    self._load_repo(f"{org.name}/{folder.name}", repo_type, folder)

    def _load_repo(self, repo_id: str, repo_type: str, folder: Path) -> None:
        spec = {}
        if (folder / "repo.yaml").is_file():
            spec = yaml.safe_load((folder / "repo.yaml").read_text()) or {}
        lfs = spec.get("lfs", [])
        files: dict[str, Content] = {}
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel != "repo.yaml":
                is_lfs = any(fnmatch.fnmatch(rel, p) for p in lfs)
                files[rel] = Content(path.read_bytes(), lfs=is_lfs)
        for rel, gen in (spec.get("generated") or {}).items():
            fill = bytes(range(256)) if gen.get("binary") else str(gen.get("fill", "x")).encode()
            files[rel] = Content(size=int(gen["size"]), fill=fill, lfs=bool(gen.get("lfs")))
        repo = self._add(
            repo_id,
            repo_type,
            files,
            gated=spec.get("gated", False),
            private=bool(spec.get("private", False)),
            granted=set(spec.get("granted_tokens", [])),
            renamed_from=list(spec.get("renamed_from", [])),
            card_data=spec.get("card_data"),
            sha=spec.get("sha"),
        )
        for ref, change in (spec.get("revisions") or {}).items():
            revised = dict(files)
            for rel in change.get("delete", []):
                revised.pop(rel, None)
            for rel, text in (change.get("files") or {}).items():
                revised[rel] = Content(text)
            repo.add_revision(revised, ref, change.get("sha"))

    # --- running ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "hub not started"
        return f"http://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]  # type: ignore[union-attr]

    def start(self) -> LoopbackHub:
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- accounting -------------------------------------------------------------------
    def count(self, prefix: str = "", method: str | None = None) -> int:
        """Requests whose "METHOD path" starts with METHOD + prefix (any method if None)."""
        with self._lock:
            return sum(
                n
                for key, n in self.requests.items()
                if key.split(" ", 1)[1].startswith(prefix)
                and (method is None or key.startswith(method + " "))
            )

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.bytes_sent.clear()
            self.log.clear()
            self.seen_headers.clear()

    def _record(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests[f"{method} {path}"] += 1
            self.seen_headers.append(headers)

    def _faults_for(self, repo_id: str | None, kind: str, path: str | None) -> list[Fault]:
        with self._lock:
            return [f for f in self.faults if f.matches(repo_id, kind, path)]

    # --- lookups -----------------------------------------------------------------------
    def find(self, repo_type: str, segments: list[str]) -> tuple[Repo | None, str | None, int]:
        """(repo, alias target, segments used) for a path that starts with a repo id."""
        for n in (2, 1):
            if len(segments) < n:
                continue
            rid = "/".join(segments[:n])
            if (repo_type, rid) in self.repos:
                return self.repos[(repo_type, rid)], None, n
            if (repo_type, rid) in self.aliases:
                return None, self.aliases[(repo_type, rid)], n
        return None, None, min(2, len(segments))


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class _Handler(http.server.BaseHTTPRequestHandler):
    hub: LoopbackHub
    protocol_version = "HTTP/1.1"
    server_version = "loopback-hub/1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    # --- dispatch ----------------------------------------------------------------------
    def _handle(self, method: str) -> None:
        hub = self.hub
        url = urlsplit(self.path)
        body = b""
        if method == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        hub._record(method, url.path, {k.lower(): v for k, v in self.headers.items()})
        self.method, self.query = method, parse_qs(url.query, keep_blank_values=True)
        self.form = parse_qs(body.decode(), keep_blank_values=True) if body else {}
        self.token = _bearer(self.headers.get("Authorization"))
        self.body_faults: dict[str, Any] = {}  # what _apply_faults asks of the body
        self.key = f"{method} {url.path}"
        if hub.latency:
            time.sleep(hub.latency)
        try:
            if self.token and self.token in hub.invalid_tokens:
                raise _error(
                    401, "InvalidCredentials", "Invalid credentials in Authorization header"
                )
            reply, content = self._route(url.path, url.query)
        except _Reset:
            self._reset()
            return
        except _Reply as r:
            reply, content = r, None
        except Exception as exc:  # a server bug shows as a 500 with the reason
            reply, content = _error(500, "InternalError", f"loopback hub error: {exc!r}"), None
        self._send(reply, content)

    def _reset(self) -> None:
        """Close with SO_LINGER 0: the client sees a reset, not an orderly end."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def _route(self, path: str, query: str) -> tuple[_Reply, tuple | None]:
        segs = [unquote(s) for s in path.split("/")[1:]]
        if segs[:1] == ["cdn"] and len(segs) == 2:
            return self._cdn(segs[1])
        if segs[:1] == ["api"] and len(segs) >= 2:
            if segs[1] in ("models", "datasets") and len(segs) == 2:
                self._apply_faults(None, "listing", None)
                return self._listing(segs[1][:-1]), None
            if segs[1] == "resolve-cache" and len(segs) >= 4:
                return self._resolve_cache(segs[2][:-1], segs[3:])
            if segs[1] in ("models", "datasets"):
                return self._api_repo(segs[1][:-1], segs[2:], path, query), None
        if "resolve" in segs:
            repo_type = "dataset" if segs[0] == "datasets" else "model"
            start = 1 if segs[0] in ("datasets", "models") else 0
            i = segs.index("resolve", start)
            return self._resolve(repo_type, segs[start:i], segs[i + 1 :], path, query)
        raise _error(404, "NotFound", f"no route for {path}")

    def _repo(self, repo_type: str, segs: list[str], path: str, query: str) -> tuple[Repo, int]:
        repo, alias, used = self.hub.find(repo_type, segs)
        if alias is not None:
            old = "/".join(quote(s, safe="") for s in segs[:used])
            new = "/".join(quote(s, safe="") for s in alias.split("/"))
            location = path.replace(old, new, 1) + (f"?{query}" if query else "")
            raise _Reply(307, b"Temporary Redirect.", {"Location": location})
        if repo is None:
            status = 404 if self.token else 401
            raise _error(status, "RepoNotFound", "Repository not found")
        if repo.private and self.token not in repo.granted:
            raise _error(404 if self.token else 401, "RepoNotFound", "Repository not found")
        if repo.disabled:
            raise _Reply(403, b"", {"X-Error-Message": "Access to this resource is disabled.",
                                    "X-Error-Code": "DisabledRepo"})  # fmt: skip
        return repo, used

    def _apply_faults(self, repo_id: str | None, kind: str, file: str | None, body: bool = False):
        for f in self.hub._faults_for(repo_id, kind, file):
            if f.truncate and not body:
                continue
            if not f.take():
                continue
            if f.latency:
                time.sleep(f.latency)
            if f.hang:
                time.sleep(f.hang)
            if f.reset:
                raise _Reset()
            for name in ("drip", "corrupt", "huge"):
                if getattr(f, name):
                    self.body_faults[name] = getattr(f, name)
            if f.truncate:
                return "truncate"
            if f.status:
                headers = {}
                if f.retry_after is not None:
                    headers["Retry-After"] = str(f.retry_after)
                if f.ratelimit is not None:
                    headers["RateLimit"] = f.ratelimit
                code = f.code or {429: "RateLimited"}.get(
                    f.status, "ServerError" if f.status >= 500 else "Error"
                )
                raise _error(f.status, code, f.message or f"injected HTTP {f.status}", **headers)
        return None

    # --- JSON API ---------------------------------------------------------------------
    def _api_repo(self, repo_type: str, segs: list[str], path: str, query: str) -> _Reply:
        repo, used = self._repo(repo_type, segs, path, query)
        self._apply_faults(repo.repo_id, "api", None)
        rest = segs[used:]
        if not rest:
            return _json(self._info(repo, repo.sha))
        action, args = rest[0], rest[1:]
        if not args:
            raise _error(404, "NotFound", f"no route for {path}")
        sha = repo.resolve(args[0])
        if sha is None:
            raise _error(404, "RevisionNotFound", f"Invalid rev id: {args[0]}")
        if action == "revision":
            return _json(self._info(repo, sha))
        if action == "tree":
            return self._tree(repo, sha, "/".join(args[1:]), path)
        if action == "paths-info" and self.method == "POST":
            wanted = self.form.get("paths", [])
            entries = _entries(repo.revisions[sha], "", recursive=True)
            return _json([e for e in entries if e["path"] in wanted])
        raise _error(404, "NotFound", f"no route for {path}")

    def _info(self, repo: Repo, sha: str) -> dict[str, Any]:
        if ("blobs" in self.query or "securityStatus" in self.query) and "expand" in self.query:
            raise _error(400, "BadRequest", "expand cannot be combined with blobs")
        files = repo.revisions[sha]
        card = repo.card_data if repo.card_data is not None else _front_matter(files)
        org = repo.repo_id.split("/")[0] if "/" in repo.repo_id else None
        blobs = _truthy(self.query.get("blobs"))
        full: dict[str, Any] = {
            "_id": hashlib.md5(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": org,
            "sha": sha,
            "lastModified": "2025-01-01T00:00:00.000Z",
            "createdAt": "2024-01-01T00:00:00.000Z",
            "private": repo.private,
            "gated": repo.gated,
            "disabled": repo.disabled,
            "downloads": 0,
            "likes": 0,
            "tags": self._tags(repo, card),
            "siblings": [_sibling(p, c, blobs) for p, c in sorted(files.items())],
            "usedStorage": sum(c.size for c in files.values()),
        }
        if repo.repo_type == "model":
            full["modelId"] = repo.repo_id
            full["pipeline_tag"] = (card or {}).get("pipeline_tag")
            full["library_name"] = (card or {}).get("library_name")
        if card is not None:
            full["cardData"] = card
        expand = self.query.get("expand")
        if not expand:
            return full
        full["baseModels"] = self._base_models(card)
        return {"_id": full["_id"], "id": full["id"], **{k: full[k] for k in expand if k in full}}

    def _bases(self, card: dict | None) -> tuple[str, list[str]]:
        card = card or {}
        bases = card.get("base_model") or []
        bases = [bases] if isinstance(bases, str) else [b for b in bases if isinstance(b, str)]
        canonical = [self.hub.aliases.get(("model", b), b) for b in bases]
        relation = card.get("base_model_relation")
        return (relation if relation in RELATIONS else "finetune"), list(dict.fromkeys(canonical))

    def _base_models(self, card: dict | None) -> dict | None:
        relation, bases = self._bases(card)
        return {"relation": relation, "models": [{"id": b} for b in bases]} if bases else None

    def _tags(self, repo: Repo, card: dict | None) -> list[str]:
        card = card or {}
        tags = [t for t in card.get("tags") or [] if isinstance(t, str)]
        lic = card.get("license")
        for value in [lic] if isinstance(lic, str) else lic or []:
            tags.append(f"license:{value}")
        relation, bases = self._bases(card)
        for base in bases:
            tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        datasets = card.get("datasets") or []
        for d in [datasets] if isinstance(datasets, str) else datasets:
            tags.append(f"dataset:{d}")
        return list(dict.fromkeys([*tags, "region:us"]))

    def _tree(self, repo: Repo, sha: str, prefix: str, path: str) -> _Reply:
        recursive = _truthy(self.query.get("recursive"))
        entries = _entries(repo.revisions[sha], prefix, recursive)
        return self._paged(entries, path)

    def _listing(self, repo_type: str) -> _Reply:
        q = self.query
        key = (repo_type, tuple(sorted((k, tuple(v)) for k, v in q.items() if k != "cursor")))
        with self.hub._lock:
            items = self.hub._listings.get(key)
        if items is None:  # built once per query: a client pages through a fixed list
            items = self._list_items(repo_type, q)
            with self.hub._lock:
                self.hub._listings[key] = items
        return self._paged(items, self.path.split("?")[0])

    def _list_items(self, repo_type: str, q: dict[str, list[str]]) -> list[dict]:
        repos = [r for (t, _), r in sorted(self.hub.repos.items()) if t == repo_type]
        if q.get("author"):
            repos = [r for r in repos if r.repo_id.startswith(q["author"][0] + "/")]
        if q.get("search"):
            repos = [r for r in repos if q["search"][0].lower() in r.repo_id.lower()]
        expand = q.get("expand", [])
        full = _truthy(q.get("full"))
        children = self._children(repos) if "childrenModelCount" in expand else {}
        items = []
        for repo in repos:
            card = (
                repo.card_data
                if repo.card_data is not None
                else _front_matter(repo.revisions[repo.sha])
            )
            tags = self._tags(repo, card)
            if q.get("filter") and not all(f in tags for f in q["filter"]):
                continue
            item = {"_id": repo.repo_id, "id": repo.repo_id, "author": repo.repo_id.split("/")[0],
                    "private": repo.private, "gated": repo.gated, "disabled": repo.disabled,
                    "tags": tags, "sha": repo.sha, "likes": 0, "downloads": 0,
                    "createdAt": "2024-01-01T00:00:00.000Z",
                    "lastModified": "2025-01-01T00:00:00.000Z",
                    "pipeline_tag": (card or {}).get("pipeline_tag"),
                    "library_name": (card or {}).get("library_name"),
                    "childrenModelCount": children.get(repo.repo_id, 0)}  # fmt: skip
            if _truthy(q.get("cardData")) or full or "cardData" in expand:
                item["cardData"] = card
            if full or "siblings" in expand:  # file names only, as the Hub's listing gives
                item["siblings"] = [{"rfilename": p} for p in sorted(repo.revisions[repo.sha])]
            if expand:
                item = {"_id": item["_id"], "id": item["id"],
                        **{k: item[k] for k in expand if k in item}}  # fmt: skip
            items.append(item)
        if q.get("limit"):
            items = items[: int(q["limit"][0])]
        return items

    def _children(self, repos: list[Repo]) -> dict[str, int]:
        """childrenModelCount: how many repos name each one as a direct base."""
        counts: dict[str, int] = collections.Counter()
        for repo in self.hub.repos.values():
            if repo.repo_type == "model":
                card = (
                    repo.card_data
                    if repo.card_data is not None
                    else _front_matter(repo.revisions[repo.sha])
                )
                counts.update(self._bases(card)[1])
        return counts

    def _paged(self, items: list, path: str) -> _Reply:
        cursor = int((self.query.get("cursor") or ["0"])[0])
        page = items[cursor : cursor + self.hub.page_size]
        headers = {}
        if cursor + self.hub.page_size < len(items):
            params = {k: v for k, v in self.query.items() if k != "cursor"}
            params["cursor"] = [str(cursor + self.hub.page_size)]
            nxt = f"{self.hub.url}{path}?{urlencode(params, doseq=True)}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        return _json(page, **headers)

    # --- files --------------------------------------------------------------------------
    def _check_gate(self, repo: Repo) -> None:
        if repo.gated and self.token not in repo.granted:
            message = (
                f"Access to model {repo.repo_id} is restricted. You must have access to it "
                "and be authenticated to access it. Please log in."
            )
            raise _error(403 if self.token else 401, "GatedRepo", message)

    def _resolve(self, repo_type, repo_segs, rest, path, query) -> tuple[_Reply, tuple | None]:
        repo, _ = self._repo(repo_type, repo_segs, path, query)
        if len(rest) < 2:
            raise _error(404, "NotFound", "no file given")
        rev, file = rest[0], "/".join(rest[1:])
        self._apply_faults(repo.repo_id, "file", file)
        self._check_gate(repo)
        sha = repo.resolve(rev)
        if sha is None:
            raise _error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        content = repo.revisions[sha].get(file)
        if content is None:
            raise _error(404, "EntryNotFound", "Entry not found", **{"X-Repo-Commit": sha})
        if content.lfs:
            location = f"http://localhost:{self.hub.port}/cdn/{content.sha256}"
            raise _Reply(302, b"", {"Location": location, "X-Repo-Commit": sha,
                                    "X-Linked-Etag": f'"{content.sha256}"',
                                    "X-Linked-Size": str(content.size)})  # fmt: skip
        kind = "models" if repo_type == "model" else "datasets"
        ids = "/".join(quote(s, safe="") for s in repo.repo_id.split("/"))
        target = "/".join(quote(s, safe="") for s in file.split("/"))
        etag = f'"{content.blob_id}"'
        location = f"/api/resolve-cache/{kind}/{ids}/{sha}/{target}?" + urlencode(
            {path: "", "etag": etag}
        )
        raise _Reply(307, b"", {"Location": location, "X-Repo-Commit": sha,
                                "ETag": f'"{content.blob_id}"'})  # fmt: skip

    def _resolve_cache(self, repo_type: str, segs: list[str]) -> tuple[_Reply, tuple | None]:
        repo, _, used = self.hub.find(repo_type, segs)
        if repo is None:
            raise _error(404, "RepoNotFound", "Repository not found")
        rest = segs[used:]
        if len(rest) < 2 or not _SHA_RE.match(rest[0]):
            raise _error(400, "BadRequest", "resolve-cache needs a commit sha")
        sha, file = rest[0], "/".join(rest[1:])
        self._check_gate(repo)
        content = repo.revisions.get(sha, {}).get(file)
        if content is None:
            raise _error(404, "EntryNotFound", "Entry not found", **{"X-Repo-Commit": sha})
        truncate = self._apply_faults(repo.repo_id, "file", file, body=True)
        headers = {"X-Repo-Commit": sha, "ETag": f'"{content.blob_id}"'}
        return self._content_reply(content, headers, truncate == "truncate")

    def _cdn(self, sha256: str) -> tuple[_Reply, tuple | None]:
        for repo in self.hub.repos.values():
            for files in repo.revisions.values():
                for file, content in files.items():
                    if content.lfs and content.sha256 == sha256:
                        truncate = self._apply_faults(repo.repo_id, "file", file, body=True)
                        return self._content_reply(
                            content, {"ETag": f'"{sha256}"'}, truncate == "truncate"
                        )
        raise _error(404, "NotFound", "no such object")

    def _content_reply(self, content: Content, headers: dict, truncate: bool):
        headers = {**headers, "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        start, end, status = 0, content.size, 200
        m = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range") or "")
        if m:
            start = int(m.group(1))
            end = min(int(m.group(2)) + 1, content.size) if m.group(2) else content.size
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{content.size}"
        return _Reply(status, b"", headers), (content, start, end, truncate)

    # --- output -------------------------------------------------------------------------
    def _send(self, reply: _Reply, content: tuple | None) -> None:
        try:
            self.send_response(reply.status)
            headers = {"X-Request-Id": f"Root={time.time_ns():x}", **reply.headers}
            body: Any = [reply.body] if content is None else None
            length = len(reply.body) if content is None else content[2] - content[1]
            if body is not None and reply.status == 200 and self.body_faults.get("huge"):
                length, body = _padded(reply.body, int(self.body_faults["huge"]))
            headers["Content-Length"] = str(length)
            if reply.status >= 400 or (content is None and reply.status in (301, 302, 307)):
                headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.method == "HEAD":
                return
            if body is not None:
                self._write(body)
                return
            blob, start, end, truncate = content
            stop = start + (end - start) // 2 if truncate else end
            chunks = blob.chunks(start, stop)
            if self.body_faults.get("corrupt"):
                chunks = _corrupted(chunks)
            self._write(chunks)
            if truncate:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _write(self, chunks) -> None:
        """Body chunks to the wire (a byte at a time under a drip fault), counted."""
        drip = float(self.body_faults.get("drip") or 0)
        for chunk in chunks:
            pieces = [chunk[i : i + 1] for i in range(len(chunk))] if drip else [chunk]
            for piece in pieces:
                self.wfile.write(piece)
                if drip:
                    self.wfile.flush()
                    time.sleep(drip)
                with self.hub._lock:
                    self.hub.bytes_sent[self.key] += len(piece)


def _padded(body: bytes, size: int) -> tuple[int, Iterator[bytes]]:
    """A JSON object answer grown to `size` bytes by a "padding" string, generated as
    it is sent: (length, chunks)."""
    head = body.rstrip()[:-1] + b', "padding": "'
    fill = max(0, size - len(head) - 2)

    def chunks() -> Iterator[bytes]:
        yield head
        for start in range(0, fill, CHUNK):
            yield b"x" * min(CHUNK, fill - start)
        yield b'"}'

    return len(head) + fill + 2, chunks()


def _corrupted(chunks: Iterator[bytes]) -> Iterator[bytes]:
    first = True
    for chunk in chunks:
        if first and chunk:
            chunk = bytes([chunk[0] ^ 0x20]) + chunk[1:]
            first = False
        yield chunk


def _bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip()
    return None


def _truthy(values: list[str] | None) -> bool:
    return bool(values) and values[-1].lower() in ("1", "true", "")


def _front_matter(files: dict[str, Content]) -> dict | None:
    """cardData as the Hub computes it: the README's top block, None when invalid.
    Parsed once per README (a Content's bytes never change); callers must not mutate it."""
    readme = files.get("README.md")
    if readme is None or readme.size > 4 << 20:
        return None
    if not hasattr(readme, "_front"):
        readme._front = _parse_front(readme)  # type: ignore[attr-defined]
    return readme._front  # type: ignore[attr-defined]


def _parse_front(readme: Content) -> dict | None:
    text = readme.read().decode("utf-8-sig", errors="replace")
    m = _FRONT.search(text)
    if not m:
        return None
    try:
        node = yaml.compose(m.group(2), Loader=yaml.SafeLoader)
        if node is not None and _expands(node) > 100_000:
            return None  # an alias bomb: no card data (serialising it would expand it)
        data = yaml.safe_load(m.group(2))
    except (yaml.YAMLError, RecursionError):
        return None
    return json.loads(json.dumps(data, default=str)) if isinstance(data, dict) else None


def _expands(node: yaml.Node, memo: dict[int, int] | None = None) -> int:
    """How many nodes a YAML node graph holds once its aliases are expanded."""
    memo = {} if memo is None else memo
    if id(node) not in memo:
        memo[id(node)] = 0  # (a node reached again while counting: a cycle, counted once)
        kids = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else (
                [n for pair in node.value for n in pair]
                if isinstance(node, yaml.MappingNode)
                else []
            )
        )
        memo[id(node)] = 1 + sum(_expands(k, memo) for k in kids)
    return memo[id(node)]


def _sibling(path: str, content: Content, blobs: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"rfilename": path}
    if blobs:
        item["blobId"] = content.blob_id
        item["size"] = content.size
        if content.lfs:
            item["lfs"] = {"size": content.size, "sha256": content.sha256,
                           "pointerSize": len(content.pointer)}  # fmt: skip
    return item


def _entries(files: dict[str, Content], prefix: str, recursive: bool) -> list[dict]:
    prefix = prefix.strip("/")
    out, dirs = [], set()
    for path in sorted(files):
        if prefix and not path.startswith(prefix + "/"):
            continue
        rel = path[len(prefix) + 1 :] if prefix else path
        if not recursive and "/" in rel:
            d = (prefix + "/" if prefix else "") + rel.split("/")[0]
            if d not in dirs:
                dirs.add(d)
                oid = hashlib.sha1(d.encode()).hexdigest()
                out.append({"type": "directory", "oid": oid, "path": d})
            continue
        content = files[path]
        entry = {"type": "file", "oid": content.blob_id, "size": content.size, "path": path}
        if content.lfs:
            entry["lfs"] = {"oid": content.sha256, "size": content.size,
                            "pointerSize": len(content.pointer)}  # fmt: skip
        out.append(entry)
    return out


# --- synthetic data for benchmarks ------------------------------------------------------


def synthetic_license(i: int) -> str:
    """A distinct, made-up license text (our own words; no real license is copied)."""
    clauses = [
        f"Synthetic Model License number {i}.",
        "The licensor grants you a worldwide, royalty-free permission to use the model.",
        f"Clause {i}: keep this notice with every copy you distribute.",
        "The model is provided as is, without warranty of any kind.",
    ]
    return "\n\n".join(clauses * (3 + i % 5)) + "\n"


def populate_synthetic(
    hub: LoopbackHub, n_models: int, n_licenses: int = 20, org: str = "synth"
) -> list[str]:
    """n_models fine-tunes sharing n_licenses LICENSE texts; returns their repo ids."""
    texts = [Content(synthetic_license(i)) for i in range(n_licenses)]
    ids = []
    for i in range(n_models):
        repo_id = f"{org}/model-{i:05d}"
        base = f"{org}/model-{i // 10 * 10:05d}" if i % 10 else None
        card = {"license": "other", "license_name": f"synthetic-{i % n_licenses}",
                "license_link": "LICENSE", "tags": ["synthetic"]}  # fmt: skip
        if base:
            card["base_model"] = base
        readme = f"---\n{yaml.safe_dump(card, sort_keys=False)}---\n\n# Model {i}\n"
        files = {"README.md": readme, "LICENSE": texts[i % n_licenses],
                 "config.json": json.dumps({"model_type": "synthetic", "index": i}),
                 "model.safetensors": Content(size=1024, lfs=True)}  # fmt: skip
        hub.add_model(repo_id, files)
        ids.append(repo_id)
    return ids
