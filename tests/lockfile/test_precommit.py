"""The offline checks behind the pre-commit hooks (`licscan check`, `licscan check-refs`),
the hook manifest, and the GitHub Action: offline from the lock, fail closed when the lock
no longer stands for the manifest, and lean on imports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hookrepo import checkout_copy, git
from paths import ROOT

from licscan.lockfile.precommit import check_manifests, check_refs

# licscan.engine.policy is allowed: `check` judges the locked facts under the policy.
HEAVY = ("huggingface_hub", "jinja2", "cyclonedx", "rich", "requests", "httpx",
         "licscan.knowledge", "licscan.detect", "licscan.engine.evaluate",
         "licscan.engine.classify", "licscan.engine.lineage", "licscan.engine.run",
         "licscan.engine.assess", "licscan.engine.inherit",
         "licscan.engine.stored", "licscan.report.explain", "licscan.sources.hub",
         "licscan.sources.fetcher")  # fmt: skip


def _kinds(check) -> list[str]:
    return [p.kind for p in check.problems]


def _text(check) -> str:
    return "\n".join(p.message for p in check.problems)


def run_cli(project, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`licscan ARGS` in the project, with no way to reach a Hub."""
    offline = project.env(HF_HUB_OFFLINE="1", HF_ENDPOINT="http://127.0.0.1:9", **env)
    return subprocess.run([sys.executable, *args], cwd=project.dir, env=offline,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


# --- licscan check ------------------------------------------------------------------------------


def test_check_offline_with_no_heavy_imports(lock_project):
    p = lock_project
    p.lock()
    p.manifest.write_text(p.MANIFEST.replace("  - acme/nc\n", ""))  # only passing models
    lock = p.lock()
    assert "acme/nc" not in lock.entries
    run = run_cli(p, "-X", "importtime", "-m", "licscan", "check")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == "licscan: 2 models ok (1 pass, 1 warn), from the lock\n"
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    heavy = sorted(m for m in imported if m.startswith(HEAVY))
    assert heavy == []
    assert check_manifests.__module__ in imported  # the timing really covered the check


def test_check_fails_on_a_locked_failure_naming_the_manifest_line(lock_project):
    p = lock_project
    p.lock()
    run = run_cli(p, "-m", "licscan", "check", "licscan.yaml")
    assert run.returncode == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith(
        "licscan.yaml:4: acme/nc: fails the policy (commercial): "
        "source-available; blocked by non-commercial [licscan.lock, checked "
    )
    # pre-commit passes the lock when only the lock changed: same check
    run_lock = run_cli(p, "-m", "licscan", "check", "licscan.lock")
    assert run_lock.returncode == 1 and run_lock.stdout == run.stdout


def test_error_verdicts_fail_closed_unless_the_policy_allows_them(lock_project):
    p = lock_project
    p.manifest.write_text("models:\n  - acme/open\n  - acme/missing\n")
    p.lock()
    check = check_manifests([str(p.manifest)])
    assert _kinds(check) == ["error"] and check.exit_code == 3
    assert "acme/missing: could not be evaluated when locked: " in _text(check)
    (p.dir / "policy.yaml").write_text("extends: [commercial]\nallow_errors: true\n")
    p.manifest.write_text("policy: policy.yaml\nmodels:\n  - acme/open\n  - acme/missing\n")
    p.lock()
    assert check_manifests([str(p.manifest)]).exit_code == 0


def test_no_lock(lock_project):
    p = lock_project
    check = check_manifests([str(p.manifest)])
    assert _kinds(check) == ["stale"] and check.exit_code == 1
    assert f"no licscan.lock beside it: run `licscan lock {p.manifest}`" in _text(check)


def test_a_model_added_or_removed_after_locking(lock_project):
    p = lock_project
    p.lock()
    p.manifest.write_text(p.MANIFEST.replace("  - acme/nc\n", "  - acme/new@v1\n"))
    check = check_manifests([str(p.manifest)])
    assert sorted(_kinds(check)) == ["stale", "unlocked"]
    text = _text(check)
    assert f"{p.manifest}:4: acme/new@v1: not in licscan.lock: run `licscan lock`" in text
    assert "acme/nc is locked but no longer in" in text


def test_stale_policy(lock_project):
    p = lock_project
    p.lock()
    policy = p.dir / "policy.yaml"
    policy.write_text("extends: [commercial]\n")
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    check = check_manifests([str(p.manifest)])
    assert "the policy changed since the lock (presets -> policy.yaml)" in _text(check)
    assert _kinds(check) == ["stale"]  # nothing else is judged against a stale lock
    p.lock()
    assert "policy changed" not in _text(check_manifests([str(p.manifest)]))
    policy.write_text("extends: [commercial]\ncategories:\n  open-weight: block\n")
    assert "(policy.yaml -> policy.yaml, new content)" in _text(check_manifests([str(p.manifest)]))


def test_uses_judged_and_not_judged(lock_project):
    p = lock_project
    p.lock()
    # the default use changes: acme/open and acme/nc were never judged for research
    p.manifest.write_text(p.MANIFEST.replace("use: [commercial]", "use: [research]"))
    check = check_manifests([str(p.manifest)])
    assert _text(check).count("never judged for use research: run `licscan lock`") == 2
    assert "acme/llama-ft" not in _text(check)  # its own uses did not change
    # a model narrowed to one use it was judged for alone: its verdict under that use
    p.manifest.write_text(p.MANIFEST.replace("use: [commercial, research]", "use: [research]"))
    check = check_manifests([str(p.manifest)])
    assert "acme/llama-ft" not in _text(check)
    assert check.counts == {"pass": 2, "fail": 1}  # llama-ft passes for research (warns else)


def test_pin_moved_after_locking(lock_project):
    p = lock_project
    p.lock()
    new = p.push("acme/open", p.files("cc-by-4.0", p.cc_by, body="# v2\n"))
    p.manifest.write_text(p.MANIFEST.replace("  - acme/open\n", f"  - acme/open@{new}\n"))
    check = check_manifests([str(p.manifest)])
    # the ref changed, so the old entry does not even apply
    assert f"acme/open@{new}: not in licscan.lock" in _text(check)
    p.lock()
    assert check_manifests([str(p.manifest)]).counts == {"pass": 1, "fail": 1, "warn": 1}


def test_manifest_use_removed_after_locking_is_stale(lock_project):
    p = lock_project
    p.lock()
    p.manifest.write_text(p.MANIFEST.replace("use: [commercial]\n", ""))
    check = check_manifests([str(p.manifest)])
    assert "the manifest's use changed since the lock" in _text(check)


def test_expired_waiver_makes_the_entry_stale(lock_project):
    p = lock_project
    (p.dir / "policy.yaml").write_text(
        "extends: [commercial]\nwaivers:\n  - model: acme/nc\n    reason: contract\n"
        "    approver: legal@acme.example\n    expires: 2030-06-30\n"
    )
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    p.lock(today="2030-01-01")
    assert check_manifests([str(p.manifest)], today="2030-06-30").exit_code == 0
    late = check_manifests([str(p.manifest)], today="2030-07-01")
    assert "acme/nc: a waiver it relied on expired on 2030-06-30" in _text(late)
    assert late.exit_code == 1


def test_local_model_folder_changes_are_caught_offline(lock_project, corpus):
    p = lock_project
    folder = p.dir / "models" / "ours"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# ours\n")
    (folder / "LICENSE").write_text(corpus.text("apache-2.0-allenai-olmo"))
    (folder / "model.safetensors").write_text("w")
    p.manifest.write_text("models:\n  - acme/open\n  - path: models/ours\n")
    p.lock()
    assert check_manifests([str(p.manifest)]).exit_code == 0
    (folder / "LICENSE").write_text(corpus.text("cc-by-nc-4.0-audiocraft-weights"))
    check = check_manifests([str(p.manifest)])
    assert "models/ours: its card or license files changed since the lock" in _text(check)
    (folder / "LICENSE").write_text(corpus.text("apache-2.0-allenai-olmo"))
    assert check_manifests([str(p.manifest)]).exit_code == 0
    (folder / "NOTICE").write_text("Portions are licensed under other terms.\n")
    assert "license files changed" in _text(check_manifests([str(p.manifest)]))
    (folder / "NOTICE").unlink()
    # weights are not part of it: a clone without the (git-ignored) weights is not stale
    (folder / "model.safetensors").unlink()
    assert check_manifests([str(p.manifest)]).exit_code == 0


def test_usage_errors_exit_2(lock_project):
    p = lock_project
    p.manifest.write_text("models:\n  - id: acme/x\n    revison: v1\n")
    run = run_cli(p, "-m", "licscan", "check")
    assert run.returncode == 2 and "licscan.yaml:3: unknown key 'revison'" in run.stderr
    p.manifest.write_text(p.MANIFEST)
    p.lock_path.write_text("lock_version: 1\nmodels: [x]\n")
    run = run_cli(p, "-m", "licscan", "check")
    assert (
        run.returncode == 2
        and "licscan.lock:2: not a valid lock: 'models' must be a mapping" in run.stderr
    )


# --- licscan check-refs ---------------------------------------------------------------------


APP = """\
from transformers import AutoModel, pipeline

encoder = AutoModel.from_pretrained("acme/open")
tuned = AutoModel.from_pretrained("acme/llama-ft", revision="{ft_rev}")
"""


def test_check_refs_passes_for_locked_passing_models(lock_project):
    p = lock_project
    lock = p.lock()
    app = p.dir / "app.py"
    app.write_text(APP.format(ft_rev=lock.entries["acme/llama-ft"].revision[:10]))
    run = run_cli(p, "-X", "importtime", "-m", "licscan", "check-refs", "app.py")
    assert run.returncode == 0, run.stdout
    assert run.stdout == "licscan: 2 model references ok (1 pass, 1 warn), from the lock\n"
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert sorted(m for m in imported if m.startswith(HEAVY)) == []
    assert check_refs.__module__ in imported  # the timing really covered the check


def test_check_refs_failures(lock_project):
    p = lock_project
    p.lock()
    app = p.dir / "app.py"
    app.write_text(
        'm = AutoModel.from_pretrained("acme/nc")\n'
        'p = pipeline("text-generation", model="acme/unknown")\n'
        'o = AutoModel.from_pretrained("acme/open", revision="v2")\n'
        'x = AutoModel.from_pretrained("ACME/Open")\n'  # Hub ids are case-insensitive
    )
    check = check_refs([str(app)], str(p.manifest))
    assert _kinds(check) == ["fail", "unlocked", "unlocked"]
    text = _text(check)
    assert f"{app}:1: acme/nc: fails the policy (commercial)" in text
    assert f"{app}:2: acme/unknown: not in {p.manifest}" in text
    assert f"{app}:3: acme/open@v2: not in {p.manifest} (it lists acme/open)" in text
    assert check.exit_code == 1


def test_check_refs_without_references_reads_nothing(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("import os\nprint(os.getcwd())\n")
    broken_manifest = tmp_path / "licscan.yaml"
    broken_manifest.write_text("models: [\n")
    check = check_refs([str(app)], str(broken_manifest))
    assert check.problems == [] and check.exit_code == 0


def test_check_refs_fails_closed_on_unparsable_code_and_missing_manifest(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("m = AutoModel.from_pretrained(\ndef broken(:\n")
    app = tmp_path / "app.py"
    app.write_text('m = AutoModel.from_pretrained("acme/x")\n')
    check = check_refs([str(bad), str(app)], str(tmp_path / "licscan.yaml"))
    assert _kinds(check) == ["error", "unlocked"]
    assert "not valid Python" in _text(check)
    assert "no manifest" in _text(check) and check.exit_code == 1


# --- the pre-commit hook manifest ----------------------------------------------------------------


def test_hook_manifest():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"licscan", "licscan-refs"}
    from licscan.cli import main

    for hook in hooks.values():
        assert hook["language"] == "python" and hook["name"] and hook["description"]
        program, command = hook["entry"].split()
        assert program == "licscan" and command in main.list_commands(None)
    # A lock goes stale through the policy file and local model folders too: the check
    # runs on every commit, on every manifest (tests/lockfile/test_precommit_git.py runs it).
    assert hooks["licscan"]["always_run"] is True
    assert hooks["licscan"]["pass_filenames"] is False and "files" not in hooks["licscan"]
    # notebooks, configs, shell scripts and Dockerfiles load models too
    assert set(hooks["licscan-refs"]["types_or"]) == {
        "python", "jupyter", "yaml", "json", "toml", "shell", "dockerfile",
    }  # fmt: skip


# --- the GitHub Action --------------------------------------------------------------------------


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_structure():
    action = _action()
    assert action["name"] and action["description"]
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    inputs = set(action["inputs"])
    ids = {s["id"] for s in steps if "id" in s}
    text = (ROOT / "action.yml").read_text()
    for name in re.findall(r"inputs\.([\w-]+)", text):
        assert name in inputs, f"action.yml uses undefined input {name}"
    for name in re.findall(r"steps\.([\w-]+)\.", text):
        assert name in ids, f"action.yml uses undefined step {name}"
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step["name"]  # composite steps need a shell
            assert "${{" not in step["run"], f"{step['name']}: inputs go through env"
        else:
            assert re.match(r"^[\w.-]+/[\w./-]+@v\d+$", step["uses"]), step["uses"]
    uses = {s["uses"].split("@")[0] for s in steps if "uses" in s}
    assert uses == {"actions/setup-python", "github/codeql-action/upload-sarif"}
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["if"].startswith("always()")
    # one scan writes both reports (SARIF to a file, the readable one to the log)
    scan = _step("Scan")
    assert scan.count("licscan scan") == 1 and "--output -" in scan


def _step(name: str) -> str:
    return next(s for s in _action()["runs"]["steps"] if s["name"] == name)["run"]


def test_action_scan_and_gate_steps_run(lock_project, tmp_path):
    """The Scan and Gate steps' bash, run as the runner would, offline: the lock's
    commits judged afresh from a warm cache (the one `lock` filled)."""
    p = lock_project
    p.lock()
    outputs = tmp_path / "github-output"
    outputs.touch()
    bindir = os.path.dirname(sys.executable)
    env = p.env(
        HF_HUB_OFFLINE="1", HF_ENDPOINT="", HF_TOKEN="", PATH=f"{bindir}:{os.environ['PATH']}",
        MANIFEST="licscan.yaml", USES="", POLICY="", FORMAT="markdown",
        SARIF_FILE="out/licscan.sarif", ALLOW_ERRORS="false", OFFLINE="true",
        GITHUB_OUTPUT=str(outputs), LICSCAN_CACHE_DIR=str(p.root / "licscan-cache"),
    )  # fmt: skip
    (p.dir / "out").mkdir()
    run = subprocess.run(["bash", "-eo", "pipefail", "-c", _step("Scan")], cwd=p.dir, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "::error title=licscan::at least one model fails" in run.stdout
    assert "acme/nc" in run.stdout  # the markdown report in the log
    got = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert got == {"exit-code": "1", "sarif": "true"}
    import json

    sarif = json.loads((p.dir / "out" / "licscan.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    gate = subprocess.run(["bash", "-c", _step("Gate")], env={**env, "CODE": got["exit-code"]})
    assert gate.returncode == 1
    # --use splits on commas and spaces; a usage error leaves no SARIF to upload
    outputs.write_text("")
    env.update(USES="commercial, research", SARIF_FILE="out/second.sarif", MANIFEST="gone.yaml")
    run = subprocess.run(["bash", "-eo", "pipefail", "-c", _step("Scan")], cwd=p.dir, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert outputs.read_text() == "exit-code=2\n"
    assert "gone.yaml: manifest file not found" in run.stderr


# --- the real pre-commit -------------------------------------------------------------------------


@pytest.mark.slow
def test_pre_commit_try_repo(lock_project, tmp_path):
    """`pre-commit try-repo` installs licscan from a git copy of this checkout into its own
    virtualenv and runs both hooks on a project: the real thing, end to end."""
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.fail("pre-commit is a test dependency (pip install -e '.[test]')")
    p = lock_project
    lock = p.lock()
    # try-repo clones HEAD (+ tracked changes): commit a copy holding the working tree
    src = tmp_path / "licscan-src"
    checkout_copy(src)
    ft = lock.entries["acme/llama-ft"].revision
    (p.dir / "app.py").write_text(APP.format(ft_rev=ft))
    (p.dir / "bad.py").write_text('m = AutoModel.from_pretrained("acme/nc")\n')
    git(p.dir, "init", "-q")
    git(p.dir, "add", "-A")
    env = p.env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), HF_HUB_OFFLINE="1",
                HF_ENDPOINT="http://127.0.0.1:9")  # fmt: skip
    cmd = [str(pre_commit), "try-repo", str(src), "--all-files"]
    run = subprocess.run(cmd, cwd=p.dir, env=env, capture_output=True, text=True, timeout=900)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "bad.py:1: acme/nc: fails the policy (commercial)" in out
    assert "licscan.yaml:4: acme/nc: fails the policy (commercial)" in out
    assert "app.py" not in out  # its references are locked and pass
    # once the failing model is gone from code and manifest (and re-locked), both pass
    (p.dir / "bad.py").unlink()
    p.manifest.write_text(p.MANIFEST.replace("  - acme/nc\n", ""))
    p.lock()
    git(p.dir, "add", "-A")
    run = subprocess.run(cmd, cwd=p.dir, env=env, capture_output=True, text=True, timeout=900)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert re.search(
        r"licscan \(Hub models loaded in code, notebooks and configs are approved\)\.+Passed", out
    )
    assert re.search(r"licscan \(manifest models are locked and pass the policy\)\.+Passed", out)
