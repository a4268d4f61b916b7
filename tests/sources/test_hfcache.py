"""`licscan scan --hf-cache --offline`: the HF cache holds what a program downloaded
(weights and configs; from_pretrained never fetches README.md or LICENSE).  What is not
there is unknown, not absent: such a revision is an `error` that says so, unless
licscan's own cache holds the metadata of that commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from huggingface_hub import hf_hub_download

MIT = "Permission is hereby granted, free of charge, to any person obtaining a copy ...\n"


def scan(hub, root, *args: str, **env: str) -> tuple[int, dict, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    environ.update(HF_HUB_CACHE=str(root / "hf-cache"), LICSCAN_CACHE_DIR=str(root / "lc"),
                   HF_ENDPOINT=hub.url)  # fmt: skip
    environ.update(env)
    run = subprocess.run([sys.executable, "-m", "licscan", "scan", *args, "--format", "json"],
                         env=environ, capture_output=True, text=True, timeout=120)  # fmt: skip
    return run.returncode, json.loads(run.stdout), run.stderr


def cache(hub, root, repo_id: str, *names: str) -> None:
    for name in names:
        hf_hub_download(repo_id, name, cache_dir=root / "hf-cache", endpoint=hub.url)


def test_weights_only_revision_is_an_error_not_a_missing_license(loopback_hub, isolated_hf):
    hub, root = loopback_hub, isolated_hf
    sha = hub.add_model("acme/weights-only", {
        "README.md": "---\nlicense: mit\n---\n# M\n", "LICENSE": MIT,
        "config.json": "{}", "model.safetensors": "w",
    }).sha  # fmt: skip
    cache(hub, root, "acme/weights-only", "config.json", "model.safetensors")
    code, report, _ = scan(hub, root, "--hf-cache", "--offline")
    (model,) = report["models"]
    assert model["verdict"] == "error" and code == 3
    assert model["error"] == (
        f"acme/weights-only@{sha}: README.md is not in the local cache: its card, license "
        "and base models are unknown (offline)"
    )
    assert not any(f["id"] == "no-license" for f in model["flags"])
    # Once licscan has judged that commit online, its own cache holds the card data and
    # the license text: the same offline scan judges it, with no request.
    online = scan(hub, root, f"acme/weights-only@{sha}")[1]["models"][0]
    assert online["error"] is None and online["verdict"] != "error"
    hub.reset_counts()
    code, report, _ = scan(hub, root, "--hf-cache", "--offline")
    (model,) = report["models"]
    assert model["error"] is None and sum(hub.requests.values()) == 0
    for key in ("verdict", "category", "licenses", "flags"):
        assert model[key] == online[key], key
    assert sorted(lic["source"] for lic in model["licenses"]) == ["card:license", "file:LICENSE"]


def test_a_card_naming_no_license_without_a_license_file_is_unknown(loopback_hub, isolated_hf):
    hub, root = loopback_hub, isolated_hf
    hub.add_model("acme/other", {"README.md": "---\nlicense: other\n---\n", "LICENSE": MIT})
    hub.add_model("acme/declared", {"README.md": "---\nlicense: apache-2.0\n---\n"})
    cache(hub, root, "acme/other", "README.md")
    cache(hub, root, "acme/declared", "README.md")
    code, report, _ = scan(hub, root, "--hf-cache", "--offline")
    by_id = {m["ref"].split("@")[0]: m for m in report["models"]}
    assert by_id["acme/other"]["verdict"] == "error" and code == 3
    assert (
        "README.md names no license and no license file is in the local cache (offline)"
        in (by_id["acme/other"]["error"])
    )
    # a card that declares a known license is judged on it, as a Hub card without a file is
    assert by_id["acme/declared"]["verdict"] == "pass"


def test_hub_unreachable_online_says_why(loopback_hub, isolated_hf):
    hub, root = loopback_hub, isolated_hf
    hub.add_model("acme/w", {"README.md": "---\nlicense: mit\n---\n", "config.json": "{}"})
    cache(hub, root, "acme/w", "config.json")
    code, report, _ = scan(hub, root, "--hf-cache", HF_ENDPOINT="http://127.0.0.1:9")
    (model,) = report["models"]
    assert model["verdict"] == "error" and code == 3
    assert "README.md is not in the local cache" in model["error"]
    assert "(the Hub could not complete it: " in model["error"]
