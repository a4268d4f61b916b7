"""The 200-model fault scan (issues #7 and #12): healthy models and repositories broken
in every way the Hub, a network or a repository can break, on the loopback Hub.

Shared by tests/test_robust_faults.py (no faulted model passes, each says why in one
line, healthy verdicts are those of a clean run) and benchmarks/bench_faults.py (the
same scan through the real CLI: wall time, peak RSS, requests per model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from loopback_hub import Content, LoopbackHub

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MODELS = 200
# (card license, extra card keys, corpus text for LICENSE or None): a spread of verdicts
HEALTHY = [
    ("cc-by-4.0", "", "cc-by-4.0"),
    ("apache-2.0", "", "apache-2.0-allenai-olmo"),
    ("cc-by-nc-4.0", "", "cc-by-nc-4.0-audiocraft-weights"),
    ("llama3.1", "", "llama-3.1-community"),
    ("openrail", "", "bigscience-openrail-m-2022-08-18"),
    ("other", "license_name: mrl\n", "mistral-ai-research-license-mrl-0.1"),
    ("mit", "", "deepseek-r1-mit"),
    ("cc-by-sa-4.0", "", "cc-by-sa-4.0"),
    ("mit", "", None),  # card only
    (None, "", None),  # no license anywhere
]
SHARED = 2  # the HEALTHY kind whose LICENSE blob a faulted repository serves damaged
BROKEN_YAML = "---\nlicense: mit\nwidget:\n  - text: [\n\t\t'tab indented'\n\t]\n---\n# Card\n"
_LEVELS = "abcdefgh"
BOMB_CARD = (
    "---\nlicense: cc-by-4.0\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in pairwise(_LEVELS))
    + "extra_gated_prompt: *h\n---\n# A 500-byte card\n"
)
# front matter below the prose: the Hub computes no card data, README.md is the card
PROSE_FIRST = "# A model\n\nSome words first.\n\n---\nlicense: cc-by-nc-4.0\n---\n"
TIMEOUT = 2.5  # the per-request deadline (--timeout): generous, CI machines are slow

# fault class -> (models, cause as it must appear in the model's one-line message)
FAULTS = {
    "repo-404": (3, r"repository not found"),
    "revision-404": (3, r"revision not found"),
    "file-404": (2, r"LICENSE: file not found \(HTTP 404\)"),
    "gated-no-token": (4, r"gated repo, .*need accepted access \(no token given"),
    "http-401": (3, r"authentication required \(HTTP 401\)"),
    "429-over-budget": (3, r"rate limited by the Hub \(HTTP 429\); gave up: the server asked"),
    "429-persistent": (2, r"rate limited by the Hub \(HTTP 429\); gave up after 2 attempts"),
    "5xx-api": (3, r"Hub server error \(HTTP 503\); gave up after 2 attempts"),
    "5xx-license": (2, r"LICENSE: Hub server error \(HTTP 500\)"),
    "timeout": (3, rf"timed out after {TIMEOUT:g} s"),
    "truncated": (3, r"LICENSE: .*truncated"),
    "50mb-license": (3, r"LICENSE: 52428800 bytes exceeds the 1 MiB cap"),
    "binary-license": (3, r"LICENSE: binary content, not a license text"),
    "broken-yaml": (3, r"unreadable card \(README\.md: YAML error at line 5"),
    # issue #12
    "reset-api": (2, r"connection reset by the server; gave up after 2 attempts"),
    "reset-license": (2, r"LICENSE: connection reset by the server"),
    "drip-api": (2, rf"timed out after {TIMEOUT:g} s .*deadline"),
    "drip-license": (2, rf"LICENSE: timed out after {TIMEOUT:g} s .*deadline"),
    "huge-answer": (2, r"the Hub's answer is larger than the 16 MiB cap"),
    "readme-lost-no-card-data": (2, r"README\.md: .*the model card could not be read"),
    "alias-bomb-card": (2, r"YAML aliases expand to more than 10,000 nodes"),
    "corrupt-shared-blob": (2, r"LICENSE: content does not match its blob id"),
}
# faults that are findings about the content (the model is judged, and fails closed)
FINDINGS = {"50mb-license", "binary-license"}
# a damaged copy of a blob other repositories share: the repository's own download fails
# (error), unless another repository fetched and verified the blob first - then it is
# judged on those bytes, which are its file's (its license here fails commercial use)
OWN_COPY = {"corrupt-shared-blob"}
# transient faults on healthy models: they must recover and change nothing
TRANSIENT = ["429-once", "500-once-license", "truncated-once", "503-once-api", "reset-once"]


@dataclass
class Scenario:
    healthy: list[str] = field(default_factory=list)
    faulted: dict[str, str] = field(default_factory=dict)  # ref -> fault class
    transient: list[tuple[str, str]] = field(default_factory=list)  # (repo, kind)


def text(name: str) -> str:
    return (CORPUS / "texts" / f"{name}.txt").read_text(encoding="utf-8")


def files(i: int, kind: tuple, unique: str = "", base: str | None = None) -> dict:
    license_id, extra, corpus = kind
    meta = f"license: {license_id}\n{extra}" if license_id else "tags: [demo]\n"
    if base:
        meta += f"base_model: {base}\n"
    weights = "pytorch_model.bin" if i % 5 == 0 else "model.safetensors"
    out: dict = {"README.md": f"---\n{meta}---\n# Model {i}\n", weights: Content(size=64)}
    if corpus:
        # a unique suffix gives a faulted LICENSE its own blob id: no copy can be reused
        out["LICENSE"] = text(corpus) + (f"\n{unique}\n" if unique else "")
    return out


def build(hub: LoopbackHub, n_models: int = MODELS) -> Scenario:
    """Add the repositories (no faults yet: `inject` adds them after the clean run)."""
    sc = Scenario()
    n_faulted = sum(count for count, _ in FAULTS.values())
    for i in range(n_models - n_faulted):
        repo = f"good/m{i:03d}"
        base = f"good/m{i - 1:03d}" if i % 7 == 3 else None  # a little lineage
        unique = f"Copy {i}." if i < len(TRANSIENT) else ""
        hub.add_model(repo, files(i, HEALTHY[i % len(HEALTHY)], unique, base))
        sc.healthy.append(repo)
        if i < len(TRANSIENT):
            sc.transient.append((repo, TRANSIENT[i]))
    n = 0
    for kind, (count, _) in FAULTS.items():
        for _ in range(count):
            n += 1
            sc.faulted[_add_faulted(hub, kind, n)] = kind
    return sc


def _add_faulted(hub: LoopbackHub, kind: str, n: int) -> str:
    repo = f"bad/{kind}-{n:02d}"
    content = files(n, HEALTHY[0], unique=f"Fault copy {n}.")
    if kind == "repo-404":
        return repo  # never added
    if kind == "50mb-license":
        content["LICENSE"] = Content(size=50 << 20)
    elif kind == "binary-license":
        content["LICENSE"] = Content(size=4096, fill=bytes(range(256)))
    elif kind == "broken-yaml":
        content = {"README.md": BROKEN_YAML}
    elif kind == "alias-bomb-card":
        content = {"README.md": BOMB_CARD}
    elif kind == "readme-lost-no-card-data":  # the case: NC card, Apache LICENSE
        content = {"README.md": PROSE_FIRST, "LICENSE": text("apache-2.0-allenai-olmo")}
    elif kind == "corrupt-shared-blob":
        content = files(n, HEALTHY[SHARED])  # the very blob healthy repositories list
    hub.add_model(repo, content, gated="manual" if kind == "gated-no-token" else False)
    return f"{repo}@no-such-branch" if kind == "revision-404" else repo


_FAULT_ARGS: dict[str, tuple[str, dict]] = {
    "http-401": ("api", {"status": 401}),
    "file-404": ("LICENSE", {"status": 404, "code": "EntryNotFound"}),  # listed, then gone
    "429-over-budget": ("api", {"status": 429, "retry_after": "120"}),
    "429-persistent": ("api", {"status": 429, "retry_after": "0"}),
    "5xx-api": ("api", {"status": 503}),
    "5xx-license": ("LICENSE", {"status": 500}),
    "timeout": ("api", {"hang": TIMEOUT + 1}),
    "truncated": ("LICENSE", {"truncate": True}),
    "reset-api": ("api", {"reset": True}),
    "reset-license": ("LICENSE", {"reset": True}),
    "drip-api": ("api", {"drip": 0.5}),  # the whole answer would take ~15 minutes
    "drip-license": ("LICENSE", {"drip": 0.5}),
    "huge-answer": ("api", {"huge": 60 << 20}),
    "readme-lost-no-card-data": ("README.md", {"reset": True}),
    "corrupt-shared-blob": ("LICENSE", {"corrupt": True}),
    # transient
    "429-once": ("api", {"status": 429, "retry_after": "0", "times": 1}),
    "500-once-license": ("LICENSE", {"status": 500, "times": 1}),
    "truncated-once": ("LICENSE", {"truncate": True, "times": 1}),
    "503-once-api": ("api", {"status": 503, "times": 1}),
    "reset-once": ("LICENSE", {"reset": True, "times": 1}),
}


def inject(hub: LoopbackHub, sc: Scenario) -> None:
    for ref, kind in [*sc.faulted.items(), *((r, k) for r, k in sc.transient)]:
        if kind in _FAULT_ARGS:
            where, kw = _FAULT_ARGS[kind]
            hub.fault(ref.split("@")[0], where, **kw)


def manifest(path: Path, refs: list[str]) -> Path:
    path.write_text("use: [commercial]\nmodels:\n" + "".join(f"  - {r}\n" for r in refs))
    return path
