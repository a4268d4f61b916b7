"""Invented model repositories licscan never saw (tests/fixtures/unseen_repos), served by the
loopback Hub or written out as local folders, and scored against expected.yaml.

Each repository is `<org>/<name>/` with its files and an optional repo.yaml (as for
tests/fixtures/hub: `gated`, `granted_tokens`, `generated` weights, `revisions`).  A file may
hold `{{scancode:KEY}}` for a standard license's text, filled in from the pinned ScanCode
package at run time, so no standard license text is copied into this repository.
"""

from __future__ import annotations

import fnmatch
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import paths
import yaml
from unseen_texts import _BASE, scancode_text

FIXTURES = paths.FIXTURES / "unseen_repos"
GRANTED_TOKEN = "hf_unseenReposGrantedToken000000001"
ORDER = {"pass": 0, "warn": 1, "fail": 2}
CATEGORIES = ["osi-open", "open-weight", "source-available", "unknown"]


def fill(data: bytes) -> bytes:
    """A fixture file's bytes with every `{{scancode:KEY}}` replaced by that license text."""
    if b"{{scancode:" not in data:
        return data
    text = data.decode("utf-8")
    return _BASE.sub(lambda m: scancode_text(m.group(1)), text).encode("utf-8")


def repo_folders(root: Path = FIXTURES) -> dict[tuple[str, str], Path]:
    """(repo type, org/name) -> folder, for models and datasets."""
    found = {}
    for repo_type, base in (("model", root), ("dataset", root / "datasets")):
        for org in sorted(p for p in base.iterdir() if p.is_dir()):
            if repo_type == "model" and org.name == "datasets":
                continue
            for folder in sorted(p for p in org.iterdir() if p.is_dir()):
                found[(repo_type, f"{org.name}/{folder.name}")] = folder
    return found


def _spec(folder: Path) -> dict:
    path = folder / "repo.yaml"
    return (yaml.safe_load(path.read_text("utf-8")) or {}) if path.is_file() else {}


def repo_files(folder: Path) -> dict[str, bytes | dict]:
    """The files of a repository's main revision: bytes, or the `generated` spec of a weight."""
    files: dict[str, bytes | dict] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != "repo.yaml":
            files[rel] = fill(path.read_bytes())
    files.update((_spec(folder).get("generated") or {}).items())
    return files


def load_hub(hub, root: Path = FIXTURES) -> None:
    """Every fixture repository (and its older revisions) on a started LoopbackHub."""
    from loopback_hub import Content

    for (repo_type, repo_id), folder in repo_folders(root).items():
        spec = _spec(folder)
        lfs = spec.get("lfs", [])
        files = {}
        for rel, value in repo_files(folder).items():
            if isinstance(value, dict):
                fill_bytes = bytes(range(256)) if value.get("binary") else b"x"
                if "fill" in value:
                    fill_bytes = str(value["fill"]).encode()
                files[rel] = Content(
                    size=int(value["size"]), fill=fill_bytes, lfs=bool(value.get("lfs"))
                )
            else:
                files[rel] = Content(value, lfs=any(fnmatch.fnmatch(rel, p) for p in lfs))
        add = hub.add_model if repo_type == "model" else hub.add_dataset
        repo = add(repo_id, files, gated=spec.get("gated", False),
                   granted=set(spec.get("granted_tokens", [])))  # fmt: skip
        for ref, change in (spec.get("revisions") or {}).items():
            revised = dict(files)
            for rel in change.get("delete", []):
                revised.pop(rel, None)
            for rel, text in (change.get("files") or {}).items():
                revised[rel] = Content(fill(text.encode("utf-8")))
            repo.add_revision(revised, ref)
        repo.refs["main"] = repo.add_revision(files, "main")  # main is the newest commit


def materialise(dest: Path, root: Path = FIXTURES) -> dict[str, Path]:
    """Write each model repository's main revision as a local folder under dest (weights as
    small stand-in files); returns org/name -> folder."""
    out = {}
    for (repo_type, repo_id), folder in repo_folders(root).items():
        if repo_type != "model":
            continue
        target = dest / repo_id
        if target.exists():
            shutil.rmtree(target)
        for rel, value in repo_files(folder).items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(value, dict):
                path.write_bytes(
                    (str(value.get("fill", "x")).encode() * int(value["size"]))[
                        : int(value["size"])
                    ]
                )
            else:
                path.write_bytes(value)
        out[repo_id] = target
    return out


def _flat(items: list) -> list:
    """A flag list with YAML aliases of shared lists spliced in."""
    return [x for item in items for x in (_flat(item) if isinstance(item, list) else [item])]


def expectations(root: Path = FIXTURES) -> dict[str, dict]:
    repos = yaml.safe_load((root / "expected.yaml").read_text("utf-8"))["repos"]
    for expect in repos.values():
        for key in ("flags", "allowed"):
            expect[key] = _flat(expect.get(key) or [])
    return repos


def expected_for(expect: dict, mode: str) -> dict:
    """One repository's expectation for a way of scanning ("hub" or "local")."""
    return {**expect, **(expect.get(mode) or {})}


@dataclass
class Judged:
    """How one scanned model compares with its expectation."""

    ref: str
    category_ok: bool
    verdict_ok: bool
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    values_missed: list[str] = field(default_factory=list)
    bases_missed: list[str] = field(default_factory=list)
    fail_open: list[str] = field(default_factory=list)
    got: str = ""

    @property
    def right(self) -> bool:
        return (
            self.category_ok
            and self.verdict_ok
            and not (self.missed or self.false or self.values_missed or self.bases_missed)
        )


def judge(ref: str, expect: dict, model: dict) -> Judged:
    """Compare one model object of `licscan scan --format json` with its expectation."""
    wanted_cats = (
        expect["category"] if isinstance(expect["category"], list) else [expect["category"]]
    )
    verdict, category = model["verdict"], model.get("category")
    flags = {f["id"]: f for f in model.get("flags", [])}
    required = list(expect.get("flags") or [])
    allowed = set(required) | set(expect.get("allowed") or [])
    # a model that cannot be evaluated has no category to judge
    category_ok = verdict == "error" if expect["verdict"] == "error" else category in wanted_cats
    j = Judged(ref, category_ok, verdict == expect["verdict"])
    j.got = f"{category}/{verdict}"
    if expect["verdict"] != "error" and verdict != "error":
        j.found = [f for f in required if f in flags]
        j.missed = [f for f in required if f not in flags]
        j.false = sorted(f for f in flags if f not in allowed)
        for fid, value in (expect.get("values") or {}).items():
            if fid in flags and str(flags[fid].get("value")) != str(value):
                j.values_missed.append(f"{fid}={flags[fid].get('value')} (want {value})")
        j.bases_missed = [
            b for b in expect.get("bases") or [] if b not in model.get("base_models", [])
        ]
    rank = [CATEGORIES.index(c) for c in wanted_cats if c in CATEGORIES]
    judged = expect["verdict"] != "error" and category in CATEGORIES and rank
    if judged and CATEGORIES.index(category) < min(rank):
        j.fail_open.append(f"category {category}, expected {'/'.join(wanted_cats)}")
    if (
        verdict in ORDER
        and expect["verdict"] in ORDER
        and ORDER[verdict] < ORDER[expect["verdict"]]
    ):
        j.fail_open.append(f"verdict {verdict}, expected {expect['verdict']}")
    if verdict == "pass" and expect["verdict"] == "error":
        j.fail_open.append("verdict pass for a model that cannot be evaluated")
    return j
