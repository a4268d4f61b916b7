#!/usr/bin/env python3
"""Benchmark `licscan census` against the loopback Hub with injected latency.

    python benchmarks/bench_census.py [--org 2000] [--synthetic 100000] [--latency 0.05]

An organisation of synthetic models (`populate_org`: the mix of cards a census meets on
the Hub — see its docstring), listed 1,000 a page like the Hub, then the real
`licscan census --author ORG --format jsonl --output FILE` in a fresh process with empty
caches (and once more warm for the organisation).  Requests are counted by the server,
redirect hops included.  Prints a table; asserts nothing.

Targets (issue 15): the 2,000-model organisation at <= 0.05 requests/model and >= 200
models/s; 100,000 models under 500 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import clean_env, measured_cmd, ok, run_measured, table

BASES = {  # outside the organisation: fetched once each
    "meta-llama/Llama-3.1-8B": "llama3.1",
    "google/gemma-2-9b": "gemma",
    "mistralai/Mistral-7B-v0.3": "apache-2.0",
    "Qwen/Qwen2.5-7B": "apache-2.0",
}
RELATIONS = ("finetune", "quantized", "adapter", "merge")


def populate_org(hub, n: int, org: str = "acme", texts: int = 4, datasets: int = 5) -> None:
    """`n` models of one organisation, per 200 (by index): 110 derivatives of an outside
    base declaring its license (every relation), 20 relabelled derivatives (apache-2.0 or
    mit on a Llama or Gemma base), 20 derivatives of the organisation's own models (bases
    in the census, often listed after them), 10 of those own models (apache-2.0 with a
    LICENSE, judged from the card), 16 `other` + a known `license_name`, 14 with no
    license, 4 `other` + a custom LICENSE (`texts` distinct texts), 4 cc-by-nc-4.0 naming
    a data set (`datasets` distinct), and 2 whose README has no front matter."""
    from loopback_hub import Content, synthetic_license

    licence_texts = [Content(synthetic_license(i)) for i in range(texts)]
    weights = Content(size=1024, lfs=True)
    for repo_id, lic in BASES.items():
        hub.add_model(repo_id, {"README.md": "# base\n", "model.safetensors": weights},
                      card_data={"license": lic})  # fmt: skip
    for d in range(datasets):
        hub.add_dataset(f"{org}-data/set-{d}", {"README.md": "# data\n"},
                        card_data={"license": "cc-by-4.0"})  # fmt: skip
    for i in range(n):
        card, files = _model(i, org, licence_texts, datasets)
        files = {"README.md": "# model\n", "config.json": "{}", "model.safetensors": weights,
                 **files}  # fmt: skip
        hub.add_model(f"{org}/model-{i:06d}", files, card_data=card)


def _model(i: int, org: str, texts: list, datasets: int) -> tuple[dict | None, dict]:
    k = i % 200
    outside = list(BASES)[i % len(BASES)]
    relation = RELATIONS[i % len(RELATIONS)]
    if k < 110:
        return {"license": BASES[outside], "base_model": outside,
                "base_model_relation": relation}, {}  # fmt: skip
    if k < 130:
        base = list(BASES)[i % 2]  # Llama or Gemma
        return {"license": "apache-2.0" if i % 2 else "mit", "base_model": base}, {}
    own = f"{org}/model-{i - k + 150 + i % 10:06d}"  # a model of the 150..159 block
    if k < 150:
        return {"license": "apache-2.0", "base_model": own, "base_model_relation": relation}, {}
    if k < 160:
        return {"license": "apache-2.0"}, {"LICENSE": "Apache License\nVersion 2.0\n"}
    if k < 176:
        return {"license": "other", "license_name": ("llama3", "gemma-terms-of-use")[i % 2],
                "base_model": list(BASES)[i % 2]}, {}  # fmt: skip
    if k < 190:
        return {"tags": ["demo"]}, {}
    if k < 194:
        return {"license": "other", "license_name": f"{org}-model-license",
                "license_link": "LICENSE"}, {"LICENSE": texts[i % len(texts)]}  # fmt: skip
    if k < 198:
        return {"license": "cc-by-nc-4.0", "datasets": [f"{org}-data/set-{i % datasets}"]}, {}
    return None, {"README.md": "A model card with no metadata block.\n"}


def census_once(hub, folder: Path, env: dict, org: str, n: int, jobs: int) -> dict:
    hub.reset_counts()
    out = folder / "census.jsonl"
    cmd = measured_cmd("census", "--author", org, "--format", "jsonl", "--output", str(out),
                       "--jobs", str(jobs), "--quiet")  # fmt: skip
    run = run_measured(cmd, env=env, cwd=folder)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    summary = json.loads(lines[-1]) if lines else {"summary": {}, "census": {}}
    requests = hub.count()
    listing = hub.requests["GET /api/models"]
    return {
        "seconds": run.seconds,
        "rss": run.rss_mib,
        "code": run.code,
        "models": len(lines) - 1,
        "verdicts": summary["summary"],
        "relabelled": len(summary["census"].get("relabelled", [])),
        "requests": requests,
        "listing": listing,
        "api": hub.count("/api/") - listing - hub.count("/api/resolve-cache/"),
        "files": requests - hub.count("/api/") + hub.count("/api/resolve-cache/"),
        "per_model": requests / n,
        "rate": n / run.seconds,
        "stderr": run.stderr.strip().splitlines()[-3:],
    }


def bench(n: int, jobs: int, latency: float, warm: bool) -> dict[str, dict]:
    from loopback_hub import LoopbackHub

    with tempfile.TemporaryDirectory(prefix="licscan-census-") as tmp, LoopbackHub() as hub:
        folder = Path(tmp)
        populate_org(hub, n)
        hub.latency = latency
        env = clean_env(HF_ENDPOINT=hub.url, HF_HOME=str(folder / "hf-home"),
                        LICSCAN_CACHE_DIR=str(folder / "licscan-cache"),
                        HF_HUB_DISABLE_TELEMETRY="1")  # fmt: skip
        runs = {"cold": census_once(hub, folder, env, "acme", n, jobs)}
        if warm:
            runs["warm"] = census_once(hub, folder, env, "acme", n, jobs)
        return runs


HEADER = ("models", "cache", "wall s", "models/s", "requests/model", "listing / API / file",
          "peak RSS MiB", "result")  # fmt: skip


def rows_for(n: int, res: dict[str, dict], targets: bool) -> list[tuple]:
    rows = []
    for name, r in res.items():
        verdicts = ", ".join(f"{k} {v}" for k, v in r["verdicts"].items() if v)
        rate, per = f"{r['rate']:.0f}", f"{r['per_model']:.4f}"
        if targets and name == "cold":
            rate += f" ({ok(r['rate'], 200, True)} >= 200)"
            per += f" ({ok(r['per_model'], 0.05, False)} <= 0.05)"
        rows.append((
            f"{n:,}", name, f"{r['seconds']:.2f}", rate, per,
            f"{r['listing']} / {r['api']} / {r['files']}",
            f"{r['rss']:.0f} ({ok(r['rss'], 500, False)} < 500)",
            f"{r['models']:,} models ({verdicts}), {r['relabelled']:,} relabelled; "
            f"exit {r['code']}",
        ))  # fmt: skip
    return rows


def run_census_rows(org: int, synthetic: int | None, jobs: int, latency: float) -> list[tuple]:
    rows: list[tuple] = []
    for n, warm, targets in ((org, True, True), (synthetic, False, False)):
        if not n:
            continue
        res = bench(n, jobs, latency, warm)
        for r in res.values():
            if r["code"] not in (0, 1, 3) or r["models"] != n:
                print(f"census of {n} models went wrong: {r['stderr']}", file=sys.stderr)
        rows += rows_for(n, res, targets)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--org", type=int, default=2000)
    ap.add_argument("--synthetic", type=int, default=100_000, help="0: skip")
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    args = ap.parse_args(argv)
    rows = run_census_rows(args.org, args.synthetic, args.jobs, args.latency)
    print(table(f"census: loopback Hub, {args.latency * 1000:.0f} ms per request", HEADER, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
