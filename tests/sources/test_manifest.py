"""Manifest parsing and CLI target resolution: precise file:line errors."""

from __future__ import annotations

import textwrap

import pytest

from licscan.errors import UsageError
from licscan.model import Manifest
from licscan.sources.arguments import load_targets
from licscan.sources.manifest import load_manifest

SHA = "0e9e39f249a16976918f6564b8830bc894c89659"


def write(tmp_path, text, name="licscan.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def errors_of(path) -> list[str]:
    with pytest.raises(UsageError) as info:
        load_manifest(path)
    return info.value.errors


def test_contract_example(tmp_path):
    (tmp_path / "models" / "our-finetune").mkdir(parents=True)
    (tmp_path / "licscan-policy.yaml").write_text("{}\n")
    path = write(
        tmp_path,
        f"""
        use: [commercial]
        policy: licscan-policy.yaml
        models:
          - meta-llama/Llama-3.1-8B-Instruct@{SHA}
          - id: mistralai/Mistral-7B-v0.3
            use: [research]
          - path: models/our-finetune
          - id: org/tagged
            revision: v1.0
            use: distillation
        """,
    )
    manifest = load_manifest(path)
    assert isinstance(manifest, Manifest)
    assert manifest.use == ["commercial"]
    assert manifest.policy == str(tmp_path / "licscan-policy.yaml")
    hub, mapped, local, tagged = manifest.targets
    assert (hub.kind, hub.repo_id, hub.revision, hub.use) == (
        "hub", "meta-llama/Llama-3.1-8B-Instruct", SHA, ()
    )  # fmt: skip
    assert hub.location == (str(path), 4)
    assert (mapped.repo_id, mapped.revision, mapped.use, mapped.location[1]) == (
        "mistralai/Mistral-7B-v0.3", None, ("research",), 5
    )  # fmt: skip
    assert local.kind == "local" and local.path == str(tmp_path / "models" / "our-finetune")
    assert local.ref == "models/our-finetune" and local.location[1] == 7
    assert tagged.ref == "org/tagged@v1.0" and tagged.use == ("distillation",)


def test_policy_preset_name_is_kept(tmp_path):
    path = write(tmp_path, "policy: strict\nmodels: [org/a]\n")
    assert load_manifest(path).policy == "strict"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("models:\n  - org/a\n  - id: [oops\n", 4, "YAML error"),
        ("models:\n  - org/a\nextra: 1\n", 3, "unknown key 'extra' in manifest"),
        ("models:\n  - id: org/a\n    revison: v1\n", 3, "unknown key 'revison'"),
        ("models:\n  - 'not an id!'\n", 2, "is not a Hub repo id"),
        ("models:\n  - org/a@\n", 2, "malformed revision"),
        ("models:\n  - path: nowhere\n", 2, "path 'nowhere' not found"),
        ("models:\n  - path: [a, b]\n", 2, "'path' must be a non-empty string, got a list"),
        ("models: org/a\n", 1, "'models' must be a list"),
        ("use: 3\nmodels: [org/a]\n", 1, "unknown use 3"),
        ("use: [comercial]\nmodels: [org/a]\n", 1, "unknown use 'comercial'"),
        ("models:\n  - {id: org/a, path: x}\n", 2, "exactly one of 'id' or 'path'"),
        ("models:\n  - id: org/a@v1\n    revision: v2\n", 2, "use one"),
        ("models:\n  - path: .\n    revision: v2\n", 3, "'revision' applies to Hub models"),
        ("models:\n  - id: org/a\n    id: org/b\n", 3, "duplicate key 'id'"),
        ("models:\n  - 42\n", 2, "got int '42'"),
        ("models:\n  - [org/a]\n", 2, "a repo id string or a mapping"),
        ("use: [research]\n", 1, "no 'models:' list"),
        ("", 1, "empty manifest"),
        ("policy: missing.yaml\nmodels: [org/a]\n", 1, "policy file 'missing.yaml' not found"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text)
    errors = errors_of(path)
    assert any(e.startswith(f"{path}:{line}: ") and fragment in e for e in errors), errors


def test_all_errors_are_reported_at_once(tmp_path):
    path = write(tmp_path, "models:\n  - bad id\n  - path: gone\n  - org/fine\n")
    errors = errors_of(path)
    assert [e.split(":")[1] for e in errors] == ["2", "3"]


def test_unreadable_manifest(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UsageError, match="cannot read manifest"):
        load_manifest(path)


def test_deeply_nested_yaml_is_a_usage_error(tmp_path):
    path = write(tmp_path, "models: " + "[" * 3000 + "\n")
    with pytest.raises(UsageError, match=":1: YAML"):
        load_manifest(path)


# --- load_targets -----------------------------------------------------------------------


def test_load_targets_kinds(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    manifest = write(tmp_path, "models:\n  - org/from-manifest\n", "models.yml")
    targets = load_targets(["org/name", f"org/name@{SHA}", str(folder), str(manifest), "gpt2"])[0]
    kinds = [(t.kind, t.repo_id, t.revision) for t in targets]
    assert kinds == [
        ("hub", "org/name", None),
        ("hub", "org/name", SHA),
        ("local", None, None),
        ("hub", "org/from-manifest", None),
        ("hub", "gpt2", None),
    ]
    assert targets[2].path == str(folder.resolve())
    assert targets[3].location == (str(manifest), 2)


def test_load_targets_returns_manifests(tmp_path):
    manifest = write(tmp_path, "use: research\nmodels: [org/a]\n")
    targets, manifests = load_targets([str(manifest)])
    assert [m.use for m in manifests] == [["research"]]
    assert targets[0].use == ()  # the manifest default lives on the Manifest


def test_duplicate_targets_are_collapsed():
    assert len(load_targets(["org/a", "org/a", "org/a@v1"])[0]) == 2


@pytest.mark.parametrize(
    ("arg", "fragment"),
    [
        ("missing.yaml", "manifest file not found"),
        ("./no/such/folder", "no such folder"),
        ("not a repo", "is not a Hub repo id"),
        ("org/a@", "malformed revision"),
        ("a--b/c", "is not a Hub repo id"),
    ],
)
def test_bad_arguments(arg, fragment):
    with pytest.raises(UsageError, match=fragment):
        load_targets([arg])


def test_plain_file_is_not_a_target(tmp_path):
    f = tmp_path / "LICENSE"
    f.write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        load_targets([str(f)])


def test_manifest_error_propagates_with_location(tmp_path):
    manifest = write(tmp_path, "models:\n  - ok/one\n  - nope nope\n")
    with pytest.raises(UsageError, match=f"{manifest}:3: "):
        load_targets([str(manifest)])
