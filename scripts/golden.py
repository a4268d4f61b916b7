#!/usr/bin/env python3
"""Record every report format licscan writes, on fixed inputs, as golden files; compare two
recordings.  A structural change (a redesign) must leave them byte-identical.

    python scripts/golden.py record OUT [--licscan .venv/bin/licscan]
    python scripts/golden.py compare A B

Inputs: the bundled example (every format, every use, with and without its policy, with
and without a lock, explain, --output and --output-dir, the lock file itself, drift,
add / waive), the invented license texts in tests/data/unseen, the loopback Hub's fixture
repositories (scan, explain, notice, warm and offline re-scans, check-refs over code,
notebook, config and Dockerfile), a census of a small organisation, Hub faults, bad input
of every kind (manifests, policies, locks, rule files, license files, arguments), the help
texts, and, where ../shared/corpus is present, every corpus text (classify) and every
corpus card (scanned from the loopback Hub and as a folder).  Outputs that quote corpus
texts stay outside the repository (OUT is yours to choose).

Run-dependent values are normalised before writing: ISO times, dates of the run,
UUIDs, the loopback Hub's port, temporary folders, the corpus folder, the licscan
version, a census's durations.
"""

from __future__ import annotations

import argparse
import difflib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FORMATS = ("text", "json", "cyclonedx", "spdx", "sarif", "markdown", "html")
STARTED = date.today().isoformat()
USES = ("commercial", "research", "distillation", "redistribution", "fine-tuning")


def _normalise(text: str, tmp: str, port: int | None) -> str:
    text = text.replace(tmp, "<TMP>")
    text = text.replace(os.path.realpath(tmp), "<TMP>")
    text = text.replace(str(CORPUS), "<CORPUS>")
    text = text.replace(str(ROOT), "<ROOT>")
    if port:
        text = text.replace(f"127.0.0.1:{port}", "<HUB>").replace(f"localhost:{port}", "<CDN>")
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?", "<TIME>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<TIME>", text)
    for day in {STARTED, date.today().isoformat()}:  # a recording may pass midnight
        text = text.replace(day, "<TODAY>")
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UUID>", text)
    text = re.sub(r'"licscan_version": "[^"]*"', '"licscan_version": "<V>"', text)
    # a census's own durations (JSON summary, the text and Markdown headlines)
    text = re.sub(r'"seconds": ?[0-9.]+', '"seconds": <S>', text)
    text = re.sub(r"; \d+\.\d s\b", "; <S> s", text)
    return text


class Recorder:
    def __init__(self, out: Path, licscan: str, tmp: str) -> None:
        self.out, self.licscan, self.tmp = out, licscan, tmp
        self.port: int | None = None
        self.env = dict(os.environ)
        for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT"):
            self.env.pop(var, None)
        self.env.update(
            HF_HOME=f"{tmp}/hf-home",
            LICSCAN_CACHE_DIR=f"{tmp}/licscan-cache",
            HF_HUB_DISABLE_TELEMETRY="1",
            NO_COLOR="1",
            COLUMNS="120",
            TZ="UTC",
        )

    def run(self, name: str, *args: str, cwd: str | None = None) -> None:
        proc = subprocess.run(
            [self.licscan, *args], capture_output=True, text=True, env=self.env,
            cwd=cwd or self.tmp, timeout=600,
        )  # fmt: skip
        body = f"$ licscan {' '.join(args)}\nexit {proc.returncode}\n--- stdout\n{proc.stdout}"
        body += f"--- stderr\n{proc.stderr}"
        self._write(name, body)

    def run_python(self, name: str, code: str) -> None:
        """Python run in licscan's environment (for what no command reaches)."""
        python = str(Path(self.licscan).parent / "python")
        proc = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, env=self.env,
            cwd=self.tmp, timeout=600,
        )  # fmt: skip
        body = f"$ python -c ...\nexit {proc.returncode}\n--- stdout\n{proc.stdout}"
        self._write(name, body + f"--- stderr\n{proc.stderr}")

    def file(self, name: str, path: str | Path) -> None:
        """A file a command wrote (or edited), as it is now."""
        p = Path(path)
        body = p.read_text(encoding="utf-8", errors="replace") if p.is_file() else "(no file)\n"
        self._write(name, f"# {p}\n{body}")

    def _write(self, name: str, body: str) -> None:
        path = self.out / f"{name}.out"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_normalise(body, self.tmp, self.port), encoding="utf-8")


def record_texts(rec: Recorder) -> None:
    unseen = sorted(str(p) for p in (ROOT / "tests" / "data" / "unseen").glob("*.txt"))
    for fmt in ("json", "text"):
        rec.run(f"classify/unseen.{fmt}", "classify", "--format", fmt, *unseen)
    if CORPUS.is_dir():
        texts = sorted(str(p) for p in (CORPUS / "texts").glob("*.txt"))
        for fmt in ("json", "text"):
            rec.run(f"classify/corpus.{fmt}", "classify", "--format", fmt, *texts)
    odd = Path(rec.tmp) / "odd-texts"
    odd.mkdir()
    (odd / "empty.txt").write_bytes(b"")
    (odd / "binary.bin").write_bytes(bytes(range(256)) * 8)
    for name in ("missing.txt", "empty.txt", "binary.bin"):
        rec.run(f"classify/odd-{name}", "classify", str(odd / name))


def record_example(rec: Recorder) -> None:
    ex = Path(rec.tmp) / "example"
    shutil.copytree(ROOT / "examples", ex)
    man, pol = str(ex / "manifest.yaml"), str(ex / "policy.yaml")
    for fmt in FORMATS:
        rec.run(f"example/scan.{fmt}", "scan", man, "--no-lock", "--format", fmt)
        rec.run(f"example/scan-policy.{fmt}", "scan", man, "--no-lock", "--policy", pol,
                "--format", fmt)  # fmt: skip
    for use in USES:
        rec.run(f"example/use-{use}", "scan", man, "--no-lock", "--use", use, "--format", "json")
    for model in sorted(p.name for p in (ex / "models").iterdir()):
        rec.run(f"example/explain-{model}", "explain", str(ex / "models" / model))
    support = str(ex / "models" / "support-bot-ft")
    rec.run("example/explain-use-policy", "explain", support, "--use", "research",
            "--use", "distillation", "--policy", pol)  # fmt: skip
    rec.run("example/explain-manifest", "explain", man)
    for key in ("llama-3.1", "apache-2.0", "mit", "cc-by-nc-4.0", "gemma"):
        rec.run(f"example/explain-key-{key}", "explain", key)
    rec.run("example/explain-key-typo", "explain", "apache-2")
    rec.run("example/licenses", "licenses")
    rec.run("example/licenses.json", "licenses", "--format", "json")
    rec.run("example/notice-unlocked", "notice", man, "--no-lock")
    rec.run("example/lock", "lock", man)
    rec.file("example/licscan.lock", ex / "licscan.lock")
    for fmt in FORMATS:
        rec.run(f"example/locked-scan.{fmt}", "scan", man, "--format", fmt)
    rec.run("example/notice", "notice", man)
    rec.run("example/check", "check", man)
    rec.run("example/verify", "verify", man)
    rec.run("example/verify.json", "verify", man, "--format", "json")
    # a license file changed after the lock: drift for verify, a stale lock for check
    lic = ex / "models" / "acme-research-vision" / "LICENSE.md"
    lic.write_text(lic.read_text(encoding="utf-8") + "\nAn added sentence.\n", encoding="utf-8")
    rec.run("example/verify-drift", "verify", man)
    rec.run("example/verify-drift.json", "verify", man, "--format", "json")
    rec.run("example/check-stale", "check", man)
    rec.run("example/scan-stale-lock", "scan", man, "--format", "json")


def record_outputs(rec: Recorder) -> None:
    """--output per format and --output-dir: the files written, and what was printed."""
    ex = Path(rec.tmp) / "example-outputs"
    shutil.copytree(ROOT / "examples", ex)
    man = str(ex / "manifest.yaml")
    out = Path(rec.tmp) / "written"
    out.mkdir()
    for fmt in (*FORMATS, "notice"):
        target = out / f"report.{fmt}"
        rec.run(f"outputs/scan-output.{fmt}", "scan", man, "--no-lock", "--format", fmt,
                "--output", str(target))  # fmt: skip
        rec.file(f"outputs/file.{fmt}", target)
    rec.run("outputs/scan-multi", "scan", man, "--no-lock", "--format", "json", "--output",
            str(out / "multi.json"), "--format", "text", "--output", "-")  # fmt: skip
    rec.file("outputs/multi.json", out / "multi.json")
    folder = out / "dir"
    rec.run("outputs/scan-output-dir", "scan", man, "--no-lock", "--output-dir", str(folder),
            *(a for fmt in FORMATS for a in ("--format", fmt)))  # fmt: skip
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        rec.file(f"outputs/dir/{path.name}", path)
    rec.run("outputs/bad-pairing", "scan", man, "--format", "json", "--output", "a",
            "--output", "b")  # fmt: skip


def record_edits(rec: Recorder) -> None:
    """licscan add / waive on a copy of the example: what they print and the edited files."""
    ex = Path(rec.tmp) / "example-edits"
    shutil.copytree(ROOT / "examples", ex)
    man, pol = ex / "manifest.yaml", ex / "policy.yaml"
    rec.run("edits/add", "add", "models/llama-3.1-8b-base", "--use", "research",
            "-m", str(man), cwd=str(ex))  # fmt: skip
    rec.file("edits/add-manifest", man)
    rec.file("edits/add-lock", ex / "licscan.lock")
    rec.run("edits/add-again", "add", "models/llama-3.1-8b-base", "-m", str(man), cwd=str(ex))
    rec.run("edits/waive", "waive", "models/legacy-tagger", "--flag", "pickle-weights",
            "--reason", "converted in our registry", "--approver", "sec@example.com",
            "--expires", "2031-01-31", "--policy", str(pol), "-m", str(man))  # fmt: skip
    rec.file("edits/waive-policy", pol)
    rec.run("edits/waive-renew", "waive", "models/legacy-tagger", "--flag", "pickle-weights",
            "--reason", "renewed", "--approver", "sec@example.com", "--expires", "2032-01-31",
            "--policy", str(pol), "-m", str(man))  # fmt: skip
    rec.file("edits/waive-renew-policy", pol)
    rec.run("edits/waive-no-policy", "waive", "models/legacy-tagger", "--reason", "r",
            "--approver", "a", "--expires", "2031-01-31", "-m", str(man))  # fmt: skip
    rec.run("edits/waive-bad-date", "waive", "models/legacy-tagger", "--reason", "r",
            "--approver", "a", "--expires", "2031-02-30", "--policy", str(pol))  # fmt: skip


# Each policy mistake the reader reports (tests/test_policy.py has the same list).
BAD_POLICIES = [
    "flags:\n  non-comercial: info\n",
    "flags:\n  copyleft: maybe\n",
    "flags:\n  copyleft: {comercial: info}\n",
    "categories:\n  unknown: warn\n",
    "categories:\n  closed: block\n",
    "extends: comercial\n",
    "extend: commercial\n",
    "allow_licenses: [apache2]\n",
    "deny_licenses:\n  - nothing-*\n",
    "organisation: {monthly_active_users: -3}\n",
    "organisation: {employees: 3}\n",
    "allow_errors: sometimes\n",
    "lineage: {max_depth: 0}\n",
    "lineage: {max_depth: true}\n",
    "waivers:\n  - model: a/b\n    reason: r\n    approver: a\n    expires: 2026-02-30\n",
    "waivers:\n  - model: a/b\n    reason: r\n    expires: 2026-02-01\n",
    "waivers:\n  - model: a/b\n    approver: a\n    expires: 2026-02-01\n",
    "waivers:\n  - model: a/b\n    license: mit\n    reason: r\n    approver: a\n"
    "    expires: 2026-02-01\n",
    "waivers:\n  - model: a/b\n    flags: [gatd]\n    reason: r\n    approver: a\n"
    "    expires: 2026-02-01\n",
    "waivers:\n  - model: a/b\n    reason: r\n    approver: a\n",
    "flags: [copyleft]\n",
    "flags:\n  copyleft: info\n  copyleft: warn\n",
    "flags:\n  copyleft: info\n   gated: [\n",
    "- commercial\n",
    "",
    "flags:\n  nope: info\ncategories:\n  closed: warn\nbogus: 1\n",  # every error at once
]
# Each manifest mistake the reader reports (tests/test_manifest.py has the same list).
BAD_MANIFESTS = [
    "models:\n  - org/a\n  - id: [oops\n",
    "models:\n  - org/a\nextra: 1\n",
    "models:\n  - id: org/a\n    revison: v1\n",
    "models:\n  - 'not an id!'\n",
    "models:\n  - org/a@\n",
    "models:\n  - path: nowhere\n",
    "models:\n  - path: [a, b]\n",
    "models: org/a\n",
    "use: 3\nmodels: [org/a]\n",
    "use: [comercial]\nmodels: [org/a]\n",
    "models:\n  - {id: org/a, path: x}\n",
    "models:\n  - id: org/a@v1\n    revision: v2\n",
    "models:\n  - path: .\n    revision: v2\n",
    "models:\n  - id: org/a\n    id: org/b\n",
    "models:\n  - 42\n",
    "models:\n  - [org/a]\n",
    "use: [research]\n",
    "",
    "policy: missing.yaml\nmodels: [org/a]\n",
    "models:\n  - id: org/a\n    revison: v1\n  - 'bad id'\nuse: [comercial]\nextra: 1\n",
]
# Rule files the knowledge base refuses (each folder holds one, beside nothing else).
BAD_RULES = {
    "category": "key: broken\nname: B\ncategory: free\nosi_approved: false\n",
    "field": "key: broken\nname: B\ncategory: unknown\nosi_approved: false\ncolour: red\n",
    "key": "key: other\nname: B\ncategory: unknown\nosi_approved: false\n",
    "flag": "key: broken\nname: B\ncategory: unknown\nosi_approved: false\n"
    "flags:\n  - flag: nope\n    clause: c\n",
    "value": "key: broken\nname: B\ncategory: unknown\nosi_approved: false\n"
    "flags:\n  - flag: user-threshold\n    clause: c\n    value: lots\n",
    "yaml": "key: broken\nname: [B\n",
    "not-a-mapping": "- key\n",
    "policies": "key: broken\nname: B\ncategory: unknown\nosi_approved: false\n"
    "policies: [nowhere]\n",
}
BAD_RULES_CODE = """
import pathlib, sys
from licscan.knowledge import load_dir
for folder in sorted(pathlib.Path("bad-rules").iterdir()):
    try:
        load_dir(folder)
        print(folder.name, "loaded")
    except Exception as exc:  # KnowledgeError, wherever it is defined
        print(folder.name, "->", exc)
"""
BROKEN_KB_CLI = """
import pathlib, sys
import licscan.knowledge as knowledge
knowledge.rules_dir = lambda: pathlib.Path("bad-rules-root")
from licscan.cli import main
sys.argv = ["licscan", *sys.argv[1:]]
main()
"""
UTF16 = b"\xff\xfe" + "MIT License\n".encode("utf-16-le")


def record_bad_input(rec: Recorder) -> None:
    tmp = Path(rec.tmp) / "bad"
    tmp.mkdir()
    folder = tmp / "model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# m\n")
    for i, text in enumerate(BAD_POLICIES):
        (tmp / f"policy-{i:02d}.yaml").write_text(text)
        rec.run(f"bad/policy-{i:02d}", "scan", str(folder), "--offline", "--no-lock",
                "--policy", str(tmp / f"policy-{i:02d}.yaml"))  # fmt: skip
    rec.run("bad/policy-missing", "scan", str(folder), "--offline", "--policy", "nowhere.yaml")
    for i, text in enumerate(BAD_MANIFESTS):
        (tmp / f"manifest-{i:02d}.yaml").write_text(text)
        rec.run(f"bad/manifest-{i:02d}", "scan", str(tmp / f"manifest-{i:02d}.yaml"),
                "--offline")  # fmt: skip
    # locks that do not read
    ex = tmp / "example"
    shutil.copytree(ROOT / "examples", ex)
    man = str(ex / "manifest.yaml")
    rec.run("bad/lock-written", "lock", man)
    good = (ex / "licscan.lock").read_text(encoding="utf-8")
    locks = {
        "yaml": good.replace("models:\n", "models: [\n", 1),
        "category": good.replace("category: source-available", "category: closed", 1),
        "verdict": good.replace("verdict: pass", "verdict: maybe", 1),
        "no-version": good.replace("lock_version: 1\n", ""),
        "empty": "",
        "not-a-lock": "- 1\n- 2\n",
    }
    for name, text in locks.items():
        (ex / "licscan.lock").write_text(text)
        rec.run(f"bad/lock-{name}-scan", "scan", man, "--format", "json")
        rec.run(f"bad/lock-{name}-check", "check", man)
    # rule files the knowledge base refuses, and a CLI whose knowledge base does not load
    rules = Path(rec.tmp) / "bad-rules"
    for name, text in BAD_RULES.items():
        (rules / name).mkdir(parents=True)
        (rules / name / "broken.yaml").write_text(text)
    rec.run_python("bad/rule-files", BAD_RULES_CODE)
    root = Path(rec.tmp) / "bad-rules-root" / "licenses"
    root.mkdir(parents=True)
    (root / "broken.yaml").write_text(BAD_RULES["category"])
    for name, args in (("licenses", ["licenses"]), ("explain", ["explain", "mit"]),
                       ("scan", ["scan", str(folder), "--offline"])):  # fmt: skip
        rec.run_python(f"bad/kb-cli-{name}", BROKEN_KB_CLI.replace("sys.argv[1:]", repr(args)))
    # license files that are not license texts
    files = {
        "binary": bytes(range(256)) * 16,
        "empty": b"",
        "oversized": b"Permission is granted. " * 60000,
        "undecodable": UTF16 + b"\x00\xdc",
        "undecodable-end": UTF16 + b"\x00\xd8",
    }
    models = []
    for name, data in files.items():
        m = tmp / "licenses" / name
        m.mkdir(parents=True)
        (m / "README.md").write_text("---\nlicense: mit\n---\n# m\n")
        (m / "LICENSE").write_bytes(data)
        models.append(str(m))
    for fmt in ("json", "text"):
        rec.run(f"bad/license-files.{fmt}", "scan", *models, "--offline", "--format", fmt)
    # arguments
    rec.run("bad/no-such-target", "scan", str(tmp / "no" / "such" / "folder"))
    rec.run("bad/not-a-repo-id", "scan", "not a repo", "--offline")
    rec.run("bad/bad-revision", "scan", "org/a@", "--offline")
    rec.run("bad/a-file", "scan", str(folder / "README.md"))
    rec.run("bad/format", "scan", str(folder), "--format", "pdf")
    rec.run("bad/no-target", "scan")
    rec.run("bad/use", "scan", str(folder), "--use", "comercial")
    rec.run("bad/license-file-arg", "scan", str(folder), "--license-file", "nothing")
    rec.run("bad/census-offline", "census", "--author", "acme", "--offline")
    rec.run("bad/explain-typo", "explain", "llama-3.9")
    rec.run("bad/check-no-manifest", "check", str(tmp / "nowhere.yaml"))
    rec.run("bad/verify-no-lock", "verify", str(tmp / "manifest-00.yaml"))


def record_blocking_waived(rec: Recorder) -> None:
    """A license waiver next to a blocking flag its license did not bring (the flag stays
    blocking and is never shown as waived)."""
    tmp = Path(rec.tmp) / "waived"
    m = tmp / "m"
    m.mkdir(parents=True)
    (m / "README.md").write_text("---\nlicense: mit\n---\n# m\n")
    (m / "pytorch_model.bin").write_bytes(b"\x80\x02weights")
    for name, flags in (("no-flags", ""), ("named-flag", "    flags: [pickle-weights]\n")):
        pol = tmp / f"{name}.yaml"
        head = "flags:\n  pickle-weights: block\nwaivers:\n  - license: mit\n"
        pol.write_text(head + flags + "    reason: ok\n    approver: me\n    expires: 2999-12-31\n")
        for fmt in FORMATS:
            rec.run(f"waived/{name}.{fmt}", "scan", str(m), "--offline", "--policy", str(pol),
                    "--format", fmt)  # fmt: skip
        rec.run(f"waived/{name}-explain", "explain", str(m), "--offline", "--policy", str(pol))


def _hub_fixtures(hub) -> list[str]:
    return sorted(r for (t, r) in hub.repos if t == "model")


def record_hub(rec: Recorder) -> None:
    from loopback_hub import LoopbackHub

    hub = LoopbackHub(ROOT / "tests" / "fixtures" / "hub")
    cards = sorted((CORPUS / "cards").glob("*.md")) if CORPUS.is_dir() else []
    for i, card in enumerate(cards):  # a valid repo id per card, stable in sorted order
        hub.add_model(f"cards/card-{i:02d}", {"README.md": card.read_bytes()})
    with hub:
        rec.port = hub.port
        rec.env["HF_ENDPOINT"] = hub.url
        fixtures = _hub_fixtures(hub)
        for fmt in FORMATS:
            rec.run(f"hub/scan.{fmt}", "scan", *fixtures, "--format", fmt)
        for repo in fixtures:
            rec.run(f"hub/explain/{repo.replace('/', '__')}", "explain", repo)
        own = [f for f in fixtures if not f.startswith("cards/")]
        rec.run("hub/warm.json", "scan", *own, "--format", "json")
        rec.run("hub/warm-card-lines.json", "scan", *own, "--card-lines", "--format", "json")
        rec.run("hub/offline.json", "scan", *own, "--offline", "--format", "json")
        rec.run("hub/offline-unseen", "scan", "acme/never-fetched", "--offline")
        _record_hub_workflows(rec, hub)
        rec.env.pop("HF_ENDPOINT")
    rec.port = None
    for card in cards:  # the same cards as local folders
        folder = Path(rec.tmp) / "cards" / card.stem[:80]
        folder.mkdir(parents=True)
        shutil.copy(card, folder / "README.md")
    if cards:
        folders = sorted(str(p) for p in (Path(rec.tmp) / "cards").iterdir())
        for fmt in ("json", "text", "sarif"):
            rec.run(f"cards/scan.{fmt}", "scan", *folders, "--offline", "--format", fmt)


NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["A notebook.\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["from transformers import pipeline\n",
                    "clf = pipeline('text-classification', model='acme/unlisted-nb')\n"]},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}  # fmt: skip


def _record_hub_workflows(rec: Recorder, hub) -> None:
    """A manifest of Hub models: lock, notice, check-refs over code, a notebook, a
    training config and a Dockerfile."""
    proj = Path(rec.tmp) / "hub-project"
    proj.mkdir()
    man = proj / "licscan.yaml"
    man.write_text("use: [commercial]\nmodels:\n  - acme/open-model\n  - acme/finetune\n"
                   "  - acme/versioned@v1.0\n")  # fmt: skip
    rec.run("hub-project/notice-unlocked", "notice", str(man), "--no-lock", cwd=str(proj))
    rec.run("hub-project/lock", "lock", cwd=str(proj))
    rec.file("hub-project/licscan.lock", proj / "licscan.lock")
    rec.run("hub-project/notice", "notice", cwd=str(proj))
    rec.run("hub-project/check", "check", cwd=str(proj))
    rec.run("hub-project/verify", "verify", cwd=str(proj))
    sha = hub.repos[("model", "acme/open-model")].sha
    (proj / "app.py").write_text(
        "from transformers import AutoModel, AutoTokenizer\n\n"
        "m = AutoModel.from_pretrained('acme/open-model')\n"
        "t = AutoTokenizer.from_pretrained('acme/unlisted')\n"
        f"p = AutoModel.from_pretrained('acme/open-model', revision='{sha}')\n"
        f"q = AutoModel.from_pretrained('acme/finetune', revision='{'0' * 40}')\n"
        "s = AutoModel.from_pretrained('acme/scratch')  # licscan: ignore\n"
        "d = AutoModel.from_pretrained(name)\n"
    )
    (proj / "eval.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    (proj / "train.yaml").write_text(
        "model_name_or_path: acme/finetune\nbase_model: acme/unlisted-base\n"
    )
    (proj / "Dockerfile").write_text(
        "FROM python:3.11\nRUN hf download acme/versioned --revision v1.0\n"
        "RUN huggingface-cli download acme/unlisted-docker\n"
    )
    (proj / "broken.py").write_text("m = AutoModel.from_pretrained(\ndef f(:\n")
    for name in ("app.py", "eval.ipynb", "train.yaml", "Dockerfile", "broken.py"):
        rec.run(f"hub-project/check-refs-{name}", "check-refs", name, cwd=str(proj))
    rec.run("hub-project/check-refs-no-manifest", "check-refs", "app.py", "-m", "nowhere.yaml",
            cwd=str(proj))  # fmt: skip


# One repository per fault class (tests/fault_scenario.py has the full mix and its causes).
FAULTS = {
    "repo-404": None,
    "revision-404": None,
    "file-404": ("LICENSE", {"status": 404, "code": "EntryNotFound"}),
    "gated-no-token": None,
    "http-401": ("api", {"status": 401}),
    "429-retry-after": ("api", {"status": 429, "retry_after": "1", "times": 1}),
    "429-ratelimit": ("api", {"status": 429, "ratelimit": '"api";r=0;t=1', "times": 1}),
    "429-over-budget": ("api", {"status": 429, "retry_after": "120"}),
    "5xx-api": ("api", {"status": 503}),
    "5xx-license": ("LICENSE", {"status": 500}),
    "timeout": ("api", {"hang": 3.0}),
    "truncated": ("LICENSE", {"truncate": True}),
    "50mb-license": None,
    "binary-license": None,
}
MIT_TEXT = (
    "MIT License\n\nCopyright (c) 2025 Fault Fixtures\n\nPermission is hereby granted, free "
    "of charge, to any person obtaining a copy of this software, to deal in the Software "
    "without restriction.\n"
)


def record_faults(rec: Recorder) -> None:
    from loopback_hub import Content, LoopbackHub

    hub = LoopbackHub()
    refs = []
    for i, (kind, fault) in enumerate(FAULTS.items()):
        repo = f"bad/{kind}"
        files: dict = {"README.md": "---\nlicense: mit\n---\n# m\n",
                       "LICENSE": MIT_TEXT + f"\nCopy {i}.\n"}  # fmt: skip
        if kind == "50mb-license":
            files["LICENSE"] = Content(size=50 << 20)
        elif kind == "binary-license":
            files["LICENSE"] = Content(size=4096, fill=bytes(range(256)))
        if kind != "repo-404":
            hub.add_model(repo, files, gated="manual" if kind == "gated-no-token" else False)
        if fault:
            hub.fault(repo, fault[0], **fault[1])
        refs.append(f"{repo}@no-such-branch" if kind == "revision-404" else repo)
    with hub:
        rec.port = hub.port
        rec.env["HF_ENDPOINT"] = hub.url
        for fmt in ("json", "text"):
            rec.run(f"faults/scan.{fmt}", "scan", *refs, "--format", fmt, "--timeout", "2",
                    "-j", "16")  # fmt: skip
            rec.env["LICSCAN_CACHE_DIR"] += "-again"  # the second format meets a cold cache too
        rec.env.pop("HF_ENDPOINT")
    rec.port = None


def record_census(rec: Recorder) -> None:
    from census_org import build_org
    from loopback_hub import LoopbackHub

    hub = LoopbackHub()
    build_org(hub)
    hub.page_size = 2
    formats = ("text", "json", "jsonl", "markdown", "html", "sarif", "cyclonedx")
    with hub:
        rec.port = hub.port
        rec.env["HF_ENDPOINT"] = hub.url
        for fmt in formats:
            rec.run(f"census/author.{fmt}", "census", "--author", "acme", "--format", fmt)
        rec.run("census/derivatives", "census", "--derivatives-of", "meta-llama/Llama-3.1-8B")
        rec.run("census/filter", "census", "--filter", "license:mit", "--format", "json")
        rec.run("census/limit", "census", "--author", "acme", "--limit", "3")
        rec.run("census/search-none", "census", "--search", "no-such-model")
        out = Path(rec.tmp) / "census.json"
        rec.run("census/output", "census", "--author", "acme", "--format", "json", "--output",
                str(out))  # fmt: skip
        rec.file("census/output-file", out)
        rec.run("census/resume", "census", "--author", "acme", "--resume", "--format", "json")
        rec.run("census/no-selection", "census")
        rec.env.pop("HF_ENDPOINT")
    rec.port = None


COMMANDS = ("classify", "scan", "notice", "census", "licenses", "explain", "lock", "verify",
            "check", "check-refs", "add", "waive")  # fmt: skip


def record_help(rec: Recorder) -> None:
    rec.run("help/version", "--version")
    rec.run("help/main", "--help")
    for cmd in COMMANDS:
        rec.run(f"help/{cmd}", cmd, "--help")
    rec.run("help/unknown-command", "scna")


def _try_lock(f) -> bool:
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def record(out: Path, licscan: str) -> int:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # One fixed folder: some outputs hash the paths they name (SARIF fingerprints), so
    # both sides of a compare must be recorded with the same TMPDIR.  Recordings that
    # share it take turns (a lock) instead of deleting each other's files.
    tmp = os.path.join(tempfile.gettempdir(), "licscan-golden")
    turn = open(tmp + ".lock", "w")  # noqa: SIM115 (held until the recording ends)
    if not _try_lock(turn):
        print(f"waiting: another recording uses {tmp}", file=sys.stderr)
        fcntl.flock(turn, fcntl.LOCK_EX)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    sys.path.insert(0, str(ROOT / "tests"))  # the loopback Hub and its fixtures
    try:
        rec = Recorder(out, os.path.abspath(licscan), tmp)
        for step in (record_help, record_texts, record_example, record_outputs, record_edits,
                     record_bad_input, record_blocking_waived, record_hub, record_faults,
                     record_census):  # fmt: skip
            step(rec)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        turn.close()  # releases the lock
    print(f"recorded {sum(1 for _ in out.rglob('*.out'))} outputs in {out}")
    return 0


def compare(a: Path, b: Path) -> int:
    names = {p.relative_to(a) for p in a.rglob("*.out")} | {
        p.relative_to(b) for p in b.rglob("*.out")
    }
    differ = 0
    for name in sorted(names):
        pa, pb = a / name, b / name
        if not (pa.exists() and pb.exists()):
            print(f"only in {'A' if pa.exists() else 'B'}: {name}")
            differ += 1
            continue
        ta, tb = pa.read_text("utf-8"), pb.read_text("utf-8")
        if ta != tb:
            differ += 1
            diff = difflib.unified_diff(ta.splitlines(), tb.splitlines(), str(pa), str(pb), n=1)
            print("\n".join(list(diff)[:40]))
    print(f"{len(names)} outputs, {differ} differ")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("out", type=Path)
    r.add_argument("--licscan", default=str(ROOT / ".venv" / "bin" / "licscan"))
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "record":
        return record(args.out, args.licscan)
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
