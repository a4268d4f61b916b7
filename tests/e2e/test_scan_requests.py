"""What a scan asks the Hub, through the real client and the loopback Hub: one
model_info per model cold (README only when the API has no card data or the repository
holds no license file: a card-only model's prose is its terms), nothing on a
pinned re-scan, base models judged at the commit the scan pins, unpinned bases re-asked
once their cached head is older than a day."""

from __future__ import annotations

import json

import pytest
from loopback_hub import populate_synthetic
from scanning import run_scan

from licscan.engine.run import plan_scan


@pytest.fixture
def hub(loopback_hub, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", loopback_hub.url)
    return loopback_hub


def _manifest(tmp_path, hub, refs):
    lines = ["use: [commercial]", "models:"]
    lines += [f"  - {r}@{hub.repos[('model', r)].sha}" for r in refs]
    path = tmp_path / "models.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _verdicts(report):
    return {m.ref: (m.verdict, m.category, m.error) for m in report.models}


def test_cold_scan_one_request_per_model_warm_scan_none(hub, tmp_path):
    ids = populate_synthetic(hub, 30, 3)  # every tenth model is the others' base
    manifest = _manifest(tmp_path, hub, ids)
    cold = run_scan([manifest], jobs=8)
    assert hub.count("/api/models/") == 30  # bases pinned by the manifest: no extra call
    assert hub.count("/synth/", "GET") == 3  # one GET per distinct LICENSE blob
    assert sum(n for k, n in hub.requests.items() if k.endswith("README.md")) == 0
    assert all(m.error is None and m.lineage for m in cold.models[1:10])
    hub.reset_counts()
    warm = run_scan([manifest], jobs=8)
    assert hub.count() == 0
    assert _verdicts(warm) == _verdicts(cold)


def test_unpinned_base_is_asked_again_only_when_its_cached_head_is_old(hub, tmp_path):
    hub.add_model("acme/base", {"README.md": "---\nlicense: cc-by-nc-4.0\n---\n# Base\n"})
    readme = "---\nlicense: apache-2.0\nbase_model: acme/base\n---\n# FT\n"
    hub.add_model("acme/ft", {"README.md": readme, "model.safetensors": "w"})
    manifest = _manifest(tmp_path, hub, ["acme/ft"])
    first = run_scan([manifest])
    assert hub.count("/api/models/") == 2
    assert first.models[0].category == "source-available"  # the base's NC terms bind
    hub.reset_counts()
    assert _verdicts(run_scan([manifest])) == _verdicts(first)
    assert hub.count() == 0  # the base's head was confirmed moments ago
    refs = next((tmp_path / "licscan-cache").glob("v1/refs/acme--base/main.json"))
    entry = json.loads(refs.read_text())
    refs.write_text(json.dumps(entry | {"at": entry["at"] - 2 * 86400}))
    run_scan([manifest])
    assert hub.count("/api/models/") == 1  # a day later: asked again


def test_readme_is_read_when_the_api_has_no_card_data(hub, tmp_path):
    broken = "---\nlicense: [apache-2.0\n---\n# Broken front matter\n"  # the Hub: no cardData
    hub.add_model("acme/broken", {"README.md": broken, "model.safetensors": "w"})
    report = run_scan([_manifest(tmp_path, hub, ["acme/broken"])])
    assert sum(n for k, n in hub.requests.items() if "README.md" in k) >= 1
    assert report.models[0].verdict != "pass"  # fails closed on an unreadable card


def test_a_pinned_base_is_judged_at_the_pinned_commit(hub, tmp_path):
    hub.add_model("acme/base", {"README.md": "---\nlicense: mit\n---\n"})
    pinned = hub.repos[("model", "acme/base")].sha
    nc = {"README.md": "---\nlicense: cc-by-nc-4.0\n---\n"}
    hub.repos[("model", "acme/base")].add_revision(nc)  # main moves on to NC terms
    hub.add_model("acme/ft", {"README.md": "---\nlicense: mit\nbase_model: acme/base\n---\n"})
    path = tmp_path / "m.yaml"
    sha = hub.repos[("model", "acme/ft")].sha
    path.write_text(f"models:\n  - acme/base@{pinned}\n  - acme/ft@{sha}\n", encoding="utf-8")
    plan = plan_scan([str(path)])
    assert [t.repo_id for t in plan.targets] == ["acme/base", "acme/ft"]
    report = run_scan([str(path)])
    ft = report.models[1]
    assert ft.category == "osi-open"  # the base at the manifest's commit (MIT), not main
    assert hub.count("/api/models/") == 2


def test_card_lines_downloads_readme_and_cites_its_lines(hub, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from licscan.cli import main

    card = "---\ntags: [demo]\nlicense: cc-by-nc-4.0\n---\n# NC model\n"
    notice = "This product includes software developed by Acme.\n"  # not card-only
    hub.add_model("acme/nc", {"README.md": card, "NOTICE": notice, "model.safetensors": "w"})
    runner = CliRunner()
    plain = runner.invoke(main, ["scan", "acme/nc", "--format", "json"])
    hub.reset_counts()
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "fresh-cache"))
    lined = runner.invoke(main, ["scan", "acme/nc", "--format", "json", "--card-lines"])
    assert sum(n for k, n in hub.requests.items() if k.endswith("README.md")) >= 1

    def nc_evidence(out):
        model = json.loads(out)["models"][0]
        flag = next(f for f in model["flags"] if f["id"] == "non-commercial")
        return [e for e in flag["evidence"] if "README.md" in e["source"] or "card" in e["source"]]

    assert plain.exit_code == lined.exit_code == 1
    assert not any(e.get("lines") for e in nc_evidence(plain.output))
    assert any(e.get("lines") == [3, 3] for e in nc_evidence(lined.output))


def test_a_scan_sends_no_client_telemetry(hub, tmp_path):
    """huggingface_hub 2.x fetches an agent registry from the endpoint once per process
    unless telemetry is off; a compliance scan sends only the requests it needs."""
    import os
    import subprocess
    import sys

    hub.add_model("acme/m", {"README.md": "---\nlicense: mit\n---\n", "LICENSE": "MIT"})
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_TELEMETRY"}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(tmp_path / "home"))
    env.update(LICSCAN_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run(
        [sys.executable, "-m", "licscan", "scan", "acme/m", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert json.loads(done.stdout)["models"][0]["error"] is None, done.stderr
    assert hub.count("/api/models/") == 1
    assert not [k for k in hub.requests if "agent" in k], dict(hub.requests)


def test_only_cached_commits_are_served_without_the_pool(hub, tmp_path):
    """A warm pinned re-scan is evaluated in the calling thread (pure CPU, no GIL fight);
    anything the caches cannot answer still goes to the fetch workers."""
    from licscan.model import Target
    from licscan.sources.fetcher import Fetcher

    ids = populate_synthetic(hub, 3, 1)
    sha = hub.repos[("model", ids[0])].sha
    pinned = Target(f"{ids[0]}@{sha}", "hub", ids[0], sha)
    unpinned = Target(ids[0], "hub", ids[0], None)
    fetcher = Fetcher(readme=False)
    assert not fetcher.served_locally(pinned)  # nothing cached yet
    assert fetcher.fetch(pinned).error is None
    assert fetcher.served_locally(pinned)
    assert not fetcher.served_locally(unpinned)  # `main` may have moved: ask the Hub
    assert fetcher.served_locally(Target(str(tmp_path), "local", None, None))


def test_a_card_only_model_has_its_readme_read_a_model_with_a_license_file_does_not(hub, tmp_path):
    prose = "# W\n\nThese weights may not be used for commercial purposes.\n"
    hub.add_model("acme/card-only", {"README.md": f"---\nlicense: mit\n---\n{prose}"})
    hub.add_model("acme/with-file", {"README.md": f"---\nlicense: mit\n---\n{prose}",
                                     "LICENSE": "MIT License\n"})  # fmt: skip
    report = run_scan([_manifest(tmp_path, hub, ["acme/card-only", "acme/with-file"])])
    assert hub.count("/acme/card-only/resolve/") >= 1
    assert hub.count("/acme/with-file/resolve/") == 1  # its LICENSE only
    card_only = report.models[0]
    assert card_only.verdict == "fail" and card_only.category == "source-available"
    nc = next(f for f in card_only.flags if f.id == "non-commercial")
    assert nc.evidence[0].source == "README.md" and nc.evidence[0].lines == (6, 6)
