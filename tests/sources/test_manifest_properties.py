"""Property tests (issue #7): whatever a stranger writes in a manifest, the loader
answers with targets or with a UsageError naming file:line; valid manifests are read as
written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST, any_text, located, project_folder, repo_id, scalar

from licscan.errors import UsageError
from licscan.model import USES
from licscan.sources.manifest import load_manifest


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return project_folder(tmp_path_factory.mktemp("props"))


# --- manifest ------------------------------------------------------------------------------


@FAST
@given(body=any_text | st.binary(max_size=120).map(lambda b: b.decode("latin-1")))
def test_manifest_loader_answers_or_names_file_and_line(folder, body):
    path = folder / "licscan.yaml"
    path.write_text(body, encoding="utf-8")
    try:
        manifest = load_manifest(path)
    except UsageError as exc:
        located(exc.errors, str(path), body)
        return
    assert all(t.kind in ("hub", "local") and t.location[0] == str(path) for t in manifest.targets)
    assert all(u in USES for u in manifest.use)


@FAST
@given(value=scalar, key=st.sampled_from(["path", "policy"]))
def test_manifest_paths_answer_or_name_file_and_line(folder, value, key):
    """Folder and policy paths (NUL bytes, ~unknown-user, names too long) are checked."""
    body = f"models:\n  - path: {value}\n" if key == "path" else f"policy: {value}\nmodels: [a/b]\n"
    path = folder / "paths.yaml"
    path.write_text(body, encoding="utf-8")
    try:
        manifest = load_manifest(path)
    except UsageError as exc:
        located(exc.errors, str(path), body)
        return
    assert all(Path(t.path).is_dir() for t in manifest.targets if t.kind == "local")


@FAST
@given(body=st.binary(max_size=200))
def test_manifest_with_undecodable_bytes_is_a_usage_error(folder, body):
    path = folder / "bytes.yaml"
    path.write_bytes(body)
    try:
        load_manifest(path)
    except UsageError as exc:
        assert str(exc).startswith(f"{path}:")


@FAST
@given(
    entries=st.lists(
        st.tuples(
            repo_id,
            st.none() | st.from_regex(r"[a-f0-9]{40}|v[0-9]", fullmatch=True),
            st.lists(st.sampled_from(USES), max_size=2, unique=True),
        ),
        min_size=1,
        max_size=8,
    ),
    mapping=st.booleans(),
)
def test_valid_manifest_is_read_as_written(folder, entries, mapping):
    """Oracle: every entry, in order, with its revision, use and line."""
    lines = ["use: [commercial]", "models:"]
    for repo, rev, use in entries:
        if mapping or use:
            lines += [f"  - id: {repo}"] + ([f"    revision: '{rev}'"] if rev else [])
            lines += [f"    use: [{', '.join(use)}]"] if use else []
        else:
            lines.append(f"  - {repo}@{rev}" if rev else f"  - {repo}")
    path = folder / "valid.yaml"
    path.write_text("\n".join(lines) + "\n")
    targets = load_manifest(path).targets
    assert [(t.repo_id, t.revision, list(t.use)) for t in targets] == [
        (r, v, u) for r, v, u in entries
    ]
    text = path.read_text().split("\n")
    assert all(t.location[1] >= 1 and t.repo_id in text[t.location[1] - 1] for t in targets)
