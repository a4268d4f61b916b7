"""`licscan add` and `licscan waive`: from approval to the manifest and the policy in one
step, the user's comments and order kept; and a waiver about to expire is a warning in
every report and in `check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

MANIFEST = """\
# Models approved for the support bot (ticket ML-12)
use: [commercial]   # what we ship
policy: licscan-policy.yaml
models:
  - acme/open       # reviewed 2026-01
# - acme/old  (retired)

# keep this file sorted by team
"""
POLICY = """\
extends: commercial          # the preset we start from
flags:
  pickle-weights: info       # our registry converts them
waivers:
  - license: cc-by-4.0
    reason: "attribution handled by the docs team"
    approver: docs@acme.example
    expires: 2030-01-01
# end of waivers: keep them sorted by expiry
allow_errors: false
"""


class Project:
    """A project folder (project / "file") and the loopback Hub its models live on."""

    def __init__(self, folder: Path, hub) -> None:
        self.folder, self.hub = folder, hub

    def __truediv__(self, rel: str) -> Path:
        return self.folder / rel


@pytest.fixture
def project(loopback_hub, isolated_hf) -> Project:
    loopback_hub.add_model("acme/open", {"README.md": "---\nlicense: apache-2.0\n---\n# o\n"})
    loopback_hub.add_model("acme/nc", {"README.md": "---\nlicense: cc-by-nc-4.0\n---\n# nc\n"})
    folder = isolated_hf / "p"
    folder.mkdir()
    (folder / "licscan.yaml").write_text(MANIFEST)
    (folder / "licscan-policy.yaml").write_text(POLICY)
    return Project(folder, loopback_hub)


def licscan(project: Project, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(HF_ENDPOINT=project.hub.url, HF_HOME=str(project / "hf"),
               LICSCAN_CACHE_DIR=str(project / "cache"))  # fmt: skip
    return subprocess.run([sys.executable, "-m", "licscan", *args], cwd=project.folder, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def scan_json(project: Project, *args: str) -> dict:
    run = licscan(project, "scan", "licscan.yaml", "--format", "json", *args)
    return {m["ref"]: m for m in json.loads(run.stdout)["models"]}


def test_add_appends_after_the_last_model_and_locks(project):
    run = licscan(project, "add", "acme/nc", "--use", "research", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("licscan.yaml:6: added acme/nc\nlicscan.lock: written, 2 models")
    assert (project / "licscan.yaml").read_text() == MANIFEST.replace(
        "reviewed 2026-01\n", "reviewed 2026-01\n  - id: acme/nc\n    use: [research]\n"
    )
    lock = yaml.safe_load((project / "licscan.lock").read_text())
    assert lock["models"]["acme/nc"]["verdicts"] == {"research": "pass"}
    assert licscan(project, "check").returncode == 0
    # a plain id is one line; listed twice is a usage error and changes nothing
    assert licscan(project, "add", "acme/open@main", "-q").returncode == 0
    assert "  - acme/open@main\n# - acme/old" in (project / "licscan.yaml").read_text()
    before = (project / "licscan.yaml").read_text()
    run = licscan(project, "add", "acme/nc")
    assert run.returncode == 2 and "licscan.yaml:6: acme/nc is listed already" in run.stderr
    run = licscan(project, "add", "not a repo")
    assert run.returncode == 2 and "is not a Hub repo id" in run.stderr
    assert (project / "licscan.yaml").read_text() == before


def test_add_creates_a_manifest_and_writes_a_license_file(project):
    (project / "legal").mkdir()
    (project / "legal" / "terms.txt").write_text("Terms.\n")
    sub = project / "ml"
    sub.mkdir()
    run = licscan(project, "add", "acme/open", "-m", "ml/licscan.yaml",
                  "--license-file", "legal/terms.txt", "-q")  # fmt: skip
    assert run.stdout.startswith("ml/licscan.yaml:2: added acme/open")
    assert (sub / "licscan.yaml").read_text() == (
        "models:\n  - id: acme/open\n    license_file: ../legal/terms.txt\n"
    )
    assert (sub / "licscan.lock").is_file()


def test_waive_writes_into_the_policy_keeping_it_as_it_was(project):
    licscan(project, "add", "acme/nc", "-q")  # fails commercial use: non-commercial
    assert licscan(project, "check").returncode == 1
    run = licscan(project, "waive", "acme/nc", "--flag", "non-commercial", "--reason",
                  "signed deal #42: commercial use granted", "--approver", "legal@acme.example",
                  "--expires", "2031-03-31")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("licscan-policy.yaml:9: waiver for acme/nc (non-commercial)")
    new = (
        "  - model: acme/nc\n    flags: [non-commercial]\n"
        "    reason: 'signed deal #42: commercial use granted'\n"
        "    approver: legal@acme.example\n    expires: 2031-03-31\n"
    )
    end = "# end of waivers"
    assert (project / "licscan-policy.yaml").read_text() == POLICY.replace(end, new + end)
    check = licscan(project, "check")  # the policy changed: the lock is stale
    assert check.returncode == 1 and "the policy changed since the lock" in check.stdout
    assert licscan(project, "lock", "-q").returncode == 1  # still source-available
    # renewing the same waiver rewrites it in place
    licscan(project, "waive", "acme/nc", "--flag", "non-commercial", "--reason", "deal #43",
            "--approver", "cfo@acme.example", "--expires", "2032-03-31")  # fmt: skip
    text = (project / "licscan-policy.yaml").read_text()
    assert text.count("model: acme/nc") == 1 and "expires: 2032-03-31" in text
    assert "'signed deal #42" not in text and POLICY.splitlines()[0] in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flag", "non-comercial"], "unknown flag (did you mean 'non-commercial'?)"),
        (["--expires", "2020-01-01"], "--expires 2020-01-01: that day has passed"),
        (["--expires", "31/12/2031"], "expected YYYY-MM-DD"),
        (["--policy", "nope.yaml"], "nope.yaml: no such policy file"),
    ],
)
def test_waive_refuses_bad_input_and_leaves_the_policy_alone(project, args, message):
    base = {"--reason": "r", "--approver": "a@b.c", "--expires": "2031-01-01"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    flat = [x for k, v in {**base, **given}.items() if k != "--flag" for x in (k, v)]
    flat += ["--flag", given["--flag"]] if "--flag" in given else []
    run = licscan(project, "waive", "acme/nc", *flat)
    assert run.returncode == 2 and message in run.stderr, run.stderr
    assert (project / "licscan-policy.yaml").read_text() == POLICY


# --- a waiver about to expire -----------------------------------------------------------------


@pytest.mark.slow
def test_a_waiver_about_to_expire_warns_everywhere(project):
    soon = (date.today() + timedelta(days=10)).isoformat()
    licscan(project, "add", "acme/nc", "-q")
    licscan(project, "waive", "acme/nc", "--reason", "pilot agreement", "--approver",
            "legal@acme.example", "--expires", soon)  # fmt: skip
    assert licscan(project, "lock", "-q").returncode == 0
    check = licscan(project, "check")
    assert check.returncode == 0
    assert (
        f"warning: licscan.yaml:6: acme/nc: a waiver it relies on expires {soon} (in 10 days): "
        "renew it or resolve what it covers" in check.stdout
    )
    nc = scan_json(project, "--no-lock")["acme/nc"]
    assert nc["verdict"] == "warn"  # waived, but a person must act
    flag = next(f for f in nc["flags"] if f["id"] == "non-commercial")
    assert flag["severity"] == "info" and f"the waiver expires {soon} (in 10 days)" in flag["note"]
    text = licscan(project, "scan", "licscan.yaml", "--no-lock").stdout
    assert "warn  waiver for acme/nc expiring" in text
    sarif = json.loads(licscan(project, "scan", "licscan.yaml", "--format", "sarif").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "waiver-expiring"]
    assert result["level"] == "warning" and soon in result["message"]["text"]
    for fmt in ("markdown", "html"):
        out = licscan(project, "scan", "licscan.yaml", "--format", fmt).stdout
        assert "waiver for acme/nc expiring" in out and soon in out, fmt
    # the window is the policy's: 5 days -> no warning 10 days ahead
    policy = project / "licscan-policy.yaml"
    policy.write_text(policy.read_text() + "waiver_warning_days: 5\n")
    assert licscan(project, "lock", "-q").returncode == 0
    check = licscan(project, "check")
    assert check.returncode == 0 and "warning" not in check.stdout
    nc = scan_json(project)["acme/nc"]
    assert nc["verdict"] == "pass"


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [
        # a flow list becomes a block list, the old items first
        ("models: [acme/a, acme/b]   # two\nuse: [research]\n",
         "models:\n  - acme/a\n  - acme/b\n  - acme/new\n# two\nuse: [research]\n", 4),
        ("models: []", "models:\n  - acme/new\n", 2),
        # items at column 0, no newline at the end of the file
        ("models:\n- acme/a\n- id: acme/b\n  use: [research]",
         "models:\n- acme/a\n- id: acme/b\n  use: [research]\n- acme/new\n", 5),
        # a block scalar item and a comment between the items
        ("models:\n  - acme/a\n  # - acme/b\n  - >-\n    acme/c\nx: 1\n",
         "models:\n  - acme/a\n  # - acme/b\n  - >-\n    acme/c\n  - acme/new\nx: 1\n", 6),
    ],
)  # fmt: skip
def test_append_keeps_the_text_around_it(before, after, line):
    from licscan.lockfile.edit import _append

    assert _append(before, "models", "acme/new") == (after, line)
    assert yaml.safe_load(after)["models"][-1] == "acme/new"


def test_append_adds_a_missing_list_at_the_end():
    from licscan.lockfile.edit import _append

    text, line = _append("extends: commercial  # base\n", "waivers", {"model": "a/b", "x": 1})
    assert text == "extends: commercial  # base\nwaivers:\n  - model: a/b\n    x: 1\n"
    assert line == 3
