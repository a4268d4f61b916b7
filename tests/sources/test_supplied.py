"""A license text the reviewer supplies for a gated model read without accepted access
(`license_file:` in a manifest entry, `--license-file MODEL=PATH`): classified like a
repository file, shown as supplied by the reviewer, its sha256 locked; fail closed when
it cannot be read."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# Invented for this test (own words): a custom research license no knowledge-base entry knows.
ORCHID_LICENSE = """\
Orchid Labs Model Terms, version 2

1. Grant. Orchid Labs grants you a worldwide, royalty-free license to use, reproduce and
modify the Model and its weights for non-commercial research purposes only.

2. Restrictions. You may not use the Model or any derivative of it to provide a paid
service, and you may not sublicense the weights.

3. No warranty. The Model is provided as is.
"""
CARD = "---\nlicense: other\nlicense_name: orchid-terms\nextra_gated_prompt: Accept\n---\n# M\n"


def licscan(project: Path, hub, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(project / "hf"),
               LICSCAN_CACHE_DIR=str(project / "cache"))  # fmt: skip
    return subprocess.run([sys.executable, "-m", "licscan", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def json_scan(project: Path, hub, *args: str) -> tuple[int, dict]:
    run = licscan(project, hub, "scan", *args, "--format", "json", "--no-lock")
    return run.returncode, json.loads(run.stdout)


def setup(loopback_hub, tmp_path) -> Path:
    loopback_hub.add_model(
        "orchid/gated-base",
        {"README.md": CARD, "LICENSE": ORCHID_LICENSE, "model.safetensors": "w"},
        gated="manual",
    )
    loopback_hub.add_model(
        "acme/ft",
        {"README.md": "---\nlicense: mit\nbase_model: orchid/gated-base\n---\n# ft\n",
         "model.safetensors": "w"},
    )  # fmt: skip
    project = tmp_path / "p"
    (project / "legal").mkdir(parents=True)
    (project / "legal" / "orchid-terms.txt").write_text(ORCHID_LICENSE)
    return project


@pytest.mark.slow
def test_gated_model_is_judged_on_the_supplied_text(loopback_hub, isolated_hf):
    project = setup(loopback_hub, isolated_hf)
    code, report = json_scan(project, loopback_hub, "orchid/gated-base")
    assert code == 3 and "gated repo" in report["models"][0]["error"]  # no access, no text
    (project / "licscan.yaml").write_text(
        "models:\n  - id: orchid/gated-base\n    license_file: legal/orchid-terms.txt\n"
    )
    code, report = json_scan(project, loopback_hub, "licscan.yaml")
    (model,) = report["models"]
    assert model["error"] is None and model["verdict"] == "fail" and code == 1
    assert "file:supplied:legal/orchid-terms.txt" in [lic["source"] for lic in model["licenses"]]
    nc = next(f for f in model["flags"] if f["id"] == "non-commercial")
    (ev,) = [e for e in nc["evidence"] if e["source"] == "supplied:legal/orchid-terms.txt"]
    assert ev["lines"] == [3, 4] and "non-commercial research purposes only" in ev["quote"]
    explained = licscan(project, loopback_hub, "explain", "licscan.yaml", "--offline")
    assert "supplied:legal/orchid-terms.txt" in explained.stdout
    assert "license text supplied by the reviewer" in explained.stdout
    # the SBOM lists it as a license reference to the reviewer's file, with its hash
    bom = licscan(project, loopback_hub, "scan", "licscan.yaml", "--offline", "--format",
                  "cyclonedx")  # fmt: skip
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(bom.stdout) is None
    (component,) = json.loads(bom.stdout)["components"]
    (ref,) = [r for r in component["externalReferences"] if r["type"] == "license"
              and r["url"] == "legal/orchid-terms.txt"]  # fmt: skip
    assert ref["hashes"][0]["content"] == hashlib.sha256(ORCHID_LICENSE.encode()).hexdigest()
    # the command line does the same, and reaches a base model through the lineage
    code, report = json_scan(
        project, loopback_hub, "acme/ft", "--license-file",
        "orchid/gated-base=legal/orchid-terms.txt",
    )  # fmt: skip
    (ft,) = report["models"]
    assert ft["verdict"] == "fail" and ft["error"] is None
    nc = next(f for f in ft["flags"] if f["id"] == "non-commercial")
    sources = [e["source"] for e in nc["evidence"]]
    assert "base:orchid/gated-base:supplied:legal/orchid-terms.txt" in sources, sources


def test_the_supplied_text_is_locked_by_its_sha256(loopback_hub, isolated_hf):
    project = setup(loopback_hub, isolated_hf)
    text = project / "legal" / "orchid-terms.txt"
    (project / "licscan.yaml").write_text(
        "use: [research]\nmodels:\n  - id: orchid/gated-base\n"
        "    license_file: legal/orchid-terms.txt\n"
    )
    assert licscan(project, loopback_hub, "lock", "-q").returncode == 0
    entry = yaml.safe_load((project / "licscan.lock").read_text())["models"]["orchid/gated-base"]
    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    assert entry["license_files"]["supplied:legal/orchid-terms.txt"] == {
        "sha256": sha,
        "supplied": "legal/orchid-terms.txt",  # supplied, whatever its name
    }
    assert licscan(project, loopback_hub, "check").returncode == 0
    text.write_text(ORCHID_LICENSE.replace("non-commercial research", "any"))
    run = licscan(project, loopback_hub, "check")
    assert run.returncode == 1
    assert "the supplied license file legal/orchid-terms.txt changed since the lock" in run.stdout
    drift = licscan(project, loopback_hub, "verify")
    assert drift.returncode == 1 and "supplied:legal/orchid-terms.txt changed" in drift.stdout


def test_an_unreadable_supplied_text_fails_closed(loopback_hub, isolated_hf):
    project = setup(loopback_hub, isolated_hf)
    (project / "legal" / "scan.pdf").write_bytes(b"%PDF-1.7\x00\x01\x02binary")
    code, report = json_scan(
        project, loopback_hub, "orchid/gated-base", "--license-file",
        "orchid/gated-base=legal/scan.pdf",
    )  # fmt: skip
    (model,) = report["models"]
    assert code == 3 and model["verdict"] == "error"
    assert model["error"].startswith("orchid/gated-base: supplied:legal/scan.pdf: ")
    assert "(the supplied license text)" in model["error"]
    # a file that is not there is a usage error naming it, before anything is fetched
    run = licscan(project, loopback_hub, "scan", "orchid/gated-base",
                  "--license-file", "orchid/gated-base=legal/missing.txt")  # fmt: skip
    assert run.returncode == 2 and "legal/missing.txt is not a file" in run.stderr
    (project / "licscan.yaml").write_text(
        "models:\n  - id: orchid/gated-base\n    license_file: legal/missing.txt\n"
    )
    run = licscan(project, loopback_hub, "scan", "licscan.yaml")
    assert run.returncode == 2
    assert "licscan.yaml:3: license_file 'legal/missing.txt' not found" in run.stderr
