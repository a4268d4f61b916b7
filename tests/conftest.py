"""Shared pytest fixtures (additive: each helper appends its own section)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from paths import CORPUS, CORPUS_ABSENT, HAVE_CORPUS

# Tests talk to the loopback Hub only: no client telemetry to huggingface.co.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

# CI replays a fixed sequence of examples (a flaky gate helps no one); local runs explore.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config):
    config.addinivalue_line("markers", "corpus: reads ../shared/corpus (skipped without it)")


def pytest_sessionstart(session):
    # CI has the corpus: LICSCAN_REQUIRE_CORPUS=1 (set by .ci/run) makes its absence a
    # failure instead of a quiet skip of a third of the suite.
    if os.environ.get("LICSCAN_REQUIRE_CORPUS") == "1" and not HAVE_CORPUS:
        pytest.exit(f"LICSCAN_REQUIRE_CORPUS=1: {CORPUS_ABSENT}", returncode=1)


def pytest_collection_modifyitems(config, items):
    """Without the corpus, every test that reads it skips with one reason: tests marked
    `corpus` and tests using the `corpus` or `lock_project` fixtures."""
    if HAVE_CORPUS:
        return
    skip = pytest.mark.skip(reason=CORPUS_ABSENT)
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if item.get_closest_marker("corpus") or {"corpus", "lock_project"} & set(fixtures):
            item.add_marker(skip, append=False)  # before an empty parameter set's own skip


# --- sources / loopback Hub (H3) ------------------------------------------------------


@pytest.fixture
def isolated_hf(tmp_path, monkeypatch):
    """No token, no offline flag, and a private HF cache + licscan cache per test."""
    from huggingface_hub import constants

    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                "HF_ENDPOINT", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "licscan-cache"))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "hf-home" / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(tmp_path / "hf-home" / "tokens"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # read at import time
    return tmp_path


@pytest.fixture
def loopback_hub(isolated_hf):
    """A started, empty loopback Hub (tests add repositories and faults)."""
    from loopback_hub import LoopbackHub

    with LoopbackHub() as hub:
        yield hub


# --- engine / scan (H4) ----------------------------------------------------------------


@pytest.fixture
def corpus():
    """Read corpus texts and cards at run time (never embedded): corpus('texts/x.txt')
    or corpus.card('prefix') for the card whose file name starts with prefix."""

    class _Corpus:
        root = CORPUS

        def __call__(self, rel: str) -> str:
            return (CORPUS / rel).read_text(encoding="utf-8")

        def text(self, name: str) -> str:
            return self(f"texts/{name}.txt")

        def card(self, prefix: str) -> str:
            (path,) = sorted((CORPUS / "cards").glob(f"{prefix}*.md"))
            return path.read_text(encoding="utf-8")

    return _Corpus()


@pytest.fixture
def make_model(tmp_path):
    """make_model(name, readme=None, files={path: str|bytes}) -> a model folder in tmp."""

    def make(name: str, readme: str | None = None, files: dict | None = None) -> Path:
        folder = tmp_path / "models" / name
        folder.mkdir(parents=True)
        if readme is not None:
            (folder / "README.md").write_text(readme, encoding="utf-8")
        for rel, content in (files or {}).items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    return make


# --- workflows: lockfile, verify, pre-commit (H6) ---------------------------------------------


class LockProject:
    """A project folder with a manifest whose models live on a loopback Hub.

    Repos: acme/open (CC-BY-4.0, passes), acme/nc (CC-BY-NC-4.0, fails commercial use),
    acme/llama-ft (Llama 3.1 fine-tune of acme/open; judged for commercial and research).
    Real license texts come from the corpus at run time."""

    MANIFEST = (
        "use: [commercial]\n"
        "models:\n"
        "  - acme/open\n"
        "  - acme/nc\n"
        "  - id: acme/llama-ft\n"
        "    use: [commercial, research]\n"
    )

    def __init__(self, hub, root: Path) -> None:
        self.hub, self.root = hub, root
        self.dir = root / "project"
        self.dir.mkdir()
        self.manifest = self.dir / "licscan.yaml"
        self.lock_path = self.dir / "licscan.lock"
        texts = CORPUS / "texts"
        self.cc_by = (texts / "cc-by-4.0.txt").read_text(encoding="utf-8")
        self.cc_nc = (texts / "cc-by-nc-4.0-audiocraft-weights.txt").read_text(encoding="utf-8")
        self.llama = (texts / "llama-3.1-community.txt").read_text(encoding="utf-8")
        hub.add_model("acme/open", self.files("cc-by-4.0", self.cc_by))
        hub.add_model("acme/nc", self.files("cc-by-nc-4.0", self.cc_nc))
        hub.add_model(
            "acme/llama-ft", self.files("llama3.1", self.llama, "base_model: acme/open\n")
        )
        self.manifest.write_text(self.MANIFEST, encoding="utf-8")

    @staticmethod
    def files(license_id: str, text: str | None, extra: str = "", body: str = "# M\n") -> dict:
        files = {
            "README.md": f"---\nlicense: {license_id}\n{extra}---\n{body}",
            "model.safetensors": "weights",
        }
        if text is not None:
            files["LICENSE"] = text
        return files

    def repo(self, repo_id: str):
        return self.hub.repos[("model", repo_id)]

    def push(self, repo_id: str, files: dict) -> str:
        """A new commit on main (as a vendor revising its repository)."""
        return self.repo(repo_id).add_revision(files)

    def fetcher(self, **kw):
        from licscan.sources.fetcher import Fetcher

        kw.setdefault("cache_dir", self.root / "licscan-cache")
        kw.setdefault("hf_cache_dir", self.root / "hf-cache")
        kw.setdefault("endpoint", self.hub.url)
        return Fetcher(retry_base_wait=0.01, timeout=5, retries=1, **kw)

    def lock(self, **kw):
        """`licscan lock`, in process: build and write; returns the Lockfile."""
        from scanning import build_lock

        from licscan.lockfile.document import write_lock

        lock = build_lock(self.manifest, fetcher=self.fetcher(), **kw)
        write_lock(lock)
        return lock

    def env(self, **extra: str) -> dict:
        """Environment for a `licscan` subprocess: no token, a private cache."""
        import os

        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
        env.update(HF_HOME=str(self.root / "hf-home"), LICSCAN_CACHE_DIR=str(self.root / "c2"))
        env.update(extra)
        return env


@pytest.fixture
def lock_project(loopback_hub, tmp_path):
    return LockProject(loopback_hub, tmp_path)
