"""Fail closed everywhere (issue 12 items 2-8), end to end: the real CLI or scan path,
the real huggingface_hub client against the loopback Hub, real folders and files.

Nothing unread passes; nothing outside a scanned folder is read; a slow or huge answer
costs one model, not the scan; YAML bombs are refused; one repository's bad copy of a
shared file harms no other; no control character reaches any output; bad input gets one
line, the documented exit code and no partial file.
"""

from __future__ import annotations

import codecs
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from paths import EXAMPLES
from scanning import run_scan
from unseen_texts import scancode_text

from licscan.report import render
from licscan.report.formats import FORMATS
from licscan.sources.cache import DiskCache
from licscan.sources.fetcher import Fetcher

NC = "cc-by-nc-4.0"
APACHE = "apache-2.0"
EXAMPLE = EXAMPLES / "manifest.yaml"
BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
)


def _text(key: str) -> str:
    """A standard license text from the pinned ScanCode package (a test dependency), so
    these tests run on a fresh clone without ../shared/corpus."""
    return scancode_text(key)


def _fetcher(hub, root: Path, **kw) -> Fetcher:
    kw.setdefault("timeout", 5)
    return Fetcher(endpoint=hub.url, cache_dir=root / "cache", hf_cache_dir=root / "hf",
                   retries=2, retry_base_wait=0.01, **kw)  # fmt: skip


def _scan(hub, root: Path, refs: list[str], **kw):
    jobs = kw.pop("jobs", 4)
    return run_scan(refs, fetcher=_fetcher(hub, root, **kw), jobs=jobs)


def _licscan(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "licscan", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120, **kw)  # fmt: skip


# --- 2. nothing is judged on part of its evidence -------------------------------------------

PROSE_FIRST = "# An NC model\n\nSome words first.\n\n---\nlicense: cc-by-nc-4.0\n---\n"


@pytest.mark.parametrize("fault", [{"reset": True}, {"truncate": True}, {"status": 500}])
def test_an_unread_readme_without_api_card_data_is_an_error(loopback_hub, isolated_hf, fault):
    """The issue's case: front matter below the prose (the Hub computes no card data), an
    Apache LICENSE, and README.md cannot be downloaded: never the LICENSE-only pass."""
    hub = loopback_hub
    hub.add_model("acme/nc", {"README.md": PROSE_FIRST, "LICENSE": _text(APACHE)})
    hub.fault("acme/nc", "README.md", **fault)
    (m,) = _scan(hub, isolated_hf, ["acme/nc"]).models
    assert m.verdict == "error", m.error
    assert (
        m.error.startswith("acme/nc: README.md: ") and "the model card could not be read" in m.error
    )
    hub.faults.clear()
    (m,) = _scan(hub, isolated_hf / "again", ["acme/nc"]).models
    assert m.verdict == "fail" and "non-commercial" in {f.id for f in m.flags}


def test_an_unreadable_local_card_or_license_is_an_error(make_model, tmp_path):
    big = make_model("big-card", "---\nlicense: mit\n---\n" + "x" * (4 << 20))
    (m,) = run_scan([str(big)], offline=True).models
    assert m.verdict == "error" and "README.md: larger than 4 MiB" in m.error
    folder = make_model("dir-license", "---\nlicense: mit\n---\n")
    (folder / "LICENSE").mkdir()  # listed? no: a folder. A file that fails to open:
    (folder / "LICENSE.txt").symlink_to(folder / "missing-target")
    (m,) = run_scan([str(folder)], offline=True).models
    assert m.verdict == "error" and m.error.startswith(f"{folder}: LICENSE.txt: cannot read")


# A license text that declares UTF-16 (its BOM) and is not: an unpaired surrogate ("illegal
# encoding") or a cut-off last character ("unexpected end of data").
UNDECODABLE = {
    "illegal-encoding": codecs.BOM_UTF16_LE + "MIT License\n".encode("utf-16-le") + b"\x00\xdc",
    "end-of-data": codecs.BOM_UTF16_LE + "MIT License\n".encode("utf-16-le") + b"\x00\xd8",
}


@pytest.mark.parametrize("payload", sorted(UNDECODABLE))
@pytest.mark.parametrize("where", ["folder", "hub", "hf-cache"])
def test_an_undecodable_license_binds_with_unknown_terms(
    where, payload, make_model, loopback_hub, isolated_hf, monkeypatch
):
    """Its bytes were read and are not a license text, like binary data: a finding about
    the file (never a pass by the card's MIT), not a failure to fetch it, wherever it
    comes from: a folder, the Hub, the HF cache."""
    data, card = UNDECODABLE[payload], "---\nlicense: mit\n---\n# m\n"
    if where == "folder":
        refs, kw = [str(make_model("m", card, {"LICENSE": data}))], {"offline": True}
    elif where == "hub":
        loopback_hub.add_model("acme/m", {"README.md": card, "LICENSE": data})
        refs, kw = ["acme/m"], {"fetcher": _fetcher(loopback_hub, isolated_hf)}
    else:
        snap = isolated_hf / "hub" / "models--acme--m" / "snapshots" / ("a" * 40)
        snap.mkdir(parents=True)
        (snap / "README.md").write_text(card)
        (snap / "LICENSE").write_bytes(data)
        monkeypatch.setenv("HF_HUB_CACHE", str(isolated_hf / "hub"))
        refs, kw = [], {"hf_cache": True, "offline": True}
    (m,) = run_scan(refs, ["commercial"], **kw).models
    assert m.error is None and m.verdict == "fail" and m.category == "unknown", m.error
    (flag,) = [f for f in m.flags if f.id == "unrecognized-license"]
    (ev,) = flag.evidence
    assert ev.kind == "observed" and ev.name == "LICENSE"
    assert ev.quote.startswith("not valid utf-16 text: ")  # (the file is its name)
    assert [(x.license, x.category) for x in m.licenses if x.origin.name == "LICENSE"] == [
        (None, "unknown")
    ]


@pytest.mark.parametrize(
    ("data", "why"),
    [(UNDECODABLE["end-of-data"], "not valid utf-16 text"), (b" \n", "empty"),
     (b"MIT\x00\x01\x02", "binary content")],
)  # fmt: skip
def test_an_unreadable_supplied_text_is_an_error(make_model, isolated_hf, data, why):
    """The reviewer's own copy stands in for the repository's: unreadable, it is an
    `error` naming it, for the reviewer to fix; and, read but no license text (binary,
    undecodable, empty alike), it binds with unknown terms, never the card's MIT."""
    (isolated_hf / "theirs.txt").write_bytes(data)
    folder = str(make_model("m", "---\nlicense: mit\n---\n", {"model.safetensors": b""}))
    given = [f"{folder}={isolated_hf / 'theirs.txt'}"]
    (m,) = run_scan([folder], offline=True, license_files=given).models
    assert m.verdict == "error" and f"theirs.txt: {why}" in m.error and "supplied:" in m.error
    assert m.category == "unknown" and "unrecognized-license" in {f.id for f in m.flags}


# --- 3. nothing outside the scanned folder is read --------------------------------------------

SECRET = "root:x:0:0:SECRET-LINE-FROM-OUTSIDE:/root:/bin/bash\n"


def test_a_license_linked_outside_the_folder_is_never_read(make_model, tmp_path):
    outside = tmp_path / "passwd"
    outside.write_text(SECRET)
    folder = make_model("linked", "---\nlicense: mit\n---\n")
    (folder / "LICENSE").symlink_to(outside)
    report = run_scan([str(folder)], offline=True)
    (m,) = report.models
    assert m.verdict == "error"
    assert "LICENSE: cannot read: a symbolic link leading outside the model folder" in m.error
    for fmt in FORMATS:
        assert "SECRET-LINE" not in render(fmt, report, color=False), fmt
    # the same link to a file inside the folder is read as usual
    (folder / "docs").mkdir()
    (folder / "docs" / "terms.txt").write_text(_text(APACHE))
    (folder / "LICENSE").unlink()
    (folder / "LICENSE").symlink_to(folder / "docs" / "terms.txt")
    (m,) = run_scan([str(folder)], offline=True).models
    assert m.error is None and any(lic.license == "apache-2.0" for lic in m.licenses)


def test_a_card_linked_outside_the_folder_is_never_read(make_model, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\nlicense: mit\n---\n" + SECRET)
    folder = make_model("card-link", None, {"LICENSE": _text(APACHE)})
    (folder / "README.md").symlink_to(outside)
    report = run_scan([str(folder)], offline=True)
    (m,) = report.models
    assert m.verdict == "error" and "README.md: cannot read: a symbolic link" in m.error
    assert all("SECRET-LINE" not in render(fmt, report, color=False) for fmt in FORMATS)


def test_hf_cache_snapshot_links_stay_readable_within_their_repository(tmp_path, monkeypatch):
    """An HF cache as huggingface_hub lays it out: snapshot files are links into blobs/.
    Those are read; one leading out of the repository's folder is not."""
    repo = tmp_path / "hub" / "models--acme--cached"
    commit = "a" * 40
    snap = repo / "snapshots" / commit
    (repo / "blobs").mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    snap.mkdir(parents=True)
    for name, text in (
        ("README.md", "---\nlicense: apache-2.0\n---\n"),
        ("LICENSE", _text(APACHE)),
    ):
        blob = repo / "blobs" / name.lower()
        blob.write_text(text)
        (snap / name).symlink_to(Path("../..") / "blobs" / blob.name)
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET)
    (snap / "NOTICE").symlink_to(outside)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "c"))
    report = run_scan([], hf_cache=True, offline=True)
    (m,) = report.models
    assert "NOTICE: cannot read: a symbolic link leading outside the model folder" in m.error
    assert any(lic.license == "apache-2.0" and lic.source == "file:LICENSE" for lic in m.licenses)
    assert all("SECRET-LINE" not in render(fmt, report, color=False) for fmt in FORMATS)
    (snap / "NOTICE").unlink()
    (m,) = run_scan([], hf_cache=True, offline=True).models
    assert m.error is None and m.verdict == "pass"


# --- 4. a deadline per request; a cap on API answers --------------------------------------------


def test_a_dripping_server_costs_one_model_not_the_scan(loopback_hub, isolated_hf):
    """One byte every half second would take hours for the whole answer: with --timeout 2
    the model is an error and the healthy ones are judged (the subprocess timeout of 120 s
    is the only clock here: nothing asserts a duration)."""
    hub = loopback_hub
    hub.add_model("acme/slow", {"README.md": "---\nlicense: mit\n---\n", "LICENSE": _text(APACHE)})
    hub.add_model("acme/slow-file", {"README.md": "---\nlicense: mit\n---\n",
                                     "LICENSE": _text(APACHE) + "\nCopy.\n"})  # fmt: skip
    hub.add_model(
        "acme/ok", {"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": _text(APACHE)}
    )
    hub.fault("acme/slow", "api", drip=0.5)
    hub.fault("acme/slow-file", "LICENSE", drip=0.5)
    env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(isolated_hf / "h"),
           "LICSCAN_CACHE_DIR": str(isolated_hf / "c")}  # fmt: skip
    run = _licscan("scan", "acme/slow", "acme/slow-file", "acme/ok", "--timeout", "2",
                   "--format", "json", cwd=isolated_hf, env=env)  # fmt: skip
    assert run.returncode == 3, run.stderr
    models = {m["ref"]: m for m in json.loads(run.stdout)["models"]}
    assert models["acme/ok"]["verdict"] == "pass"
    for ref in ("acme/slow", "acme/slow-file"):
        assert models[ref]["verdict"] == "error"
        assert "timed out after 2 s" in models[ref]["error"] and "deadline" in models[ref]["error"]
    assert models["acme/slow-file"]["error"].startswith("acme/slow-file: LICENSE: timed out")


def test_a_huge_api_answer_is_refused_without_being_read(loopback_hub, isolated_hf):
    hub = loopback_hub
    hub.add_model("acme/huge", {"README.md": "---\nlicense: mit\n---\n"})
    hub.fault("acme/huge", "api", huge=60 << 20)
    (m,) = _scan(hub, isolated_hf, ["acme/huge"]).models
    assert m.verdict == "error"
    assert m.error == "acme/huge: the Hub's answer is larger than the 16 MiB cap"
    sent = sum(n for k, n in hub.bytes_sent.items() if "/api/models/acme/huge" in k)
    assert sent < 32 << 20  # the client stopped reading long before the 60 MB end


# --- 5. YAML alias bombs ------------------------------------------------------------------------


def test_alias_bombs_are_refused_with_one_line_naming_the_file(tmp_path, loopback_hub):
    card = f"---\nlicense: mit\n{BOMB}extra_gated_prompt: *h\n---\n# M\n"
    folder = tmp_path / "models" / "bomb"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(card)
    env = {"HF_HUB_OFFLINE": "1", "LICSCAN_CACHE_DIR": str(tmp_path / "c")}
    run = _licscan("scan", str(folder), "--format", "json", cwd=tmp_path, env=env)
    (m,) = json.loads(run.stdout)["models"]
    assert run.returncode == 3 and m["verdict"] == "error"
    assert "README.md: front matter unreadable at line 2: YAML aliases expand to more" in m["error"]
    # the same card on the Hub (which computes no card data for it)
    loopback_hub.add_model("acme/bomb", {"README.md": card})
    (m,) = _scan(loopback_hub, tmp_path, ["acme/bomb"]).models
    assert m.verdict == "error" and "YAML aliases expand" in m.error
    # manifests, policies and locks: a usage error naming the file
    (tmp_path / "manifest.yaml").write_text(f"{BOMB}models: [acme/x]\n")
    (tmp_path / "policy.yaml").write_text(f"extends: commercial\n{BOMB}")
    (tmp_path / "good.yaml").write_text("policy: policy.yaml\nmodels: [acme/x]\n")
    (tmp_path / "licscan.lock").write_text(f"lock_version: 1\n{BOMB}models: {{}}\n")
    (tmp_path / "licscan.yaml").write_text("models: [acme/x]\n")
    for args, where in (
        (["scan", "manifest.yaml"], "manifest.yaml:1: YAML aliases expand to more than 10,000"),
        (["scan", "good.yaml"], "policy.yaml:1: YAML aliases expand to more than 10,000"),
        (["check"], "licscan.lock:1: not a valid lock: YAML aliases expand"),
    ):
        run = _licscan(*args, cwd=tmp_path, env=env)
        assert run.returncode == 2 and where in run.stderr, (args, run.stderr)
        assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    (tmp_path / "policy.yaml").write_text(f"extends: commercial\nwaivers: [{BOMB[:30]}]\n")


def test_oversized_yaml_documents_are_refused(tmp_path):
    (tmp_path / "licscan.yaml").write_text("models:\n" + "  - acme/x\n" * (4 << 20))
    run = _licscan("check", cwd=tmp_path)
    assert run.returncode == 2
    assert "licscan.yaml: cannot read manifest: more than 32 MiB" in run.stderr


# --- 6. one repository's bad copy of a shared file harms no other -------------------------------


@pytest.mark.parametrize("fault", [{"corrupt": True}, {"truncate": True}])
def test_a_bad_copy_of_a_shared_blob_belongs_to_its_repository(loopback_hub, isolated_hf, fault):
    hub = loopback_hub
    text = _text(NC)  # shared by four repositories; one serves it damaged
    for name in ("bad", "b", "c", "d"):
        hub.add_model(f"acme/{name}", {"README.md": "---\nlicense: cc-by-nc-4.0\n---\n",
                                       "LICENSE": text})  # fmt: skip
    hub.fault("acme/bad", "LICENSE", **fault)
    healthy = ["acme/b", "acme/c", "acme/d"]
    seen = set()
    for i, (order, jobs) in enumerate([(["acme/bad", *healthy], 1), ([*healthy, "acme/bad"], 1),
                                       (["acme/bad", *healthy], 16)]):  # fmt: skip
        report = _scan(hub, isolated_hf / str(i), order, jobs=jobs)
        by_ref = {m.ref: m for m in report.models}
        for ref in healthy:
            assert by_ref[ref].verdict == "fail" and by_ref[ref].error is None, by_ref[ref].error
        bad = by_ref["acme/bad"]
        seen.add(bad.verdict)
        # its own download failed (error), or it was judged on the verified copy another
        # repository fetched first - the bytes its blob id names - never on damaged ones
        assert bad.verdict in ("error", "fail")
        if bad.verdict == "error":
            assert bad.error.startswith("acme/bad: LICENSE: ")
    assert "error" in seen  # fetched first, alone: its failure is its own


# --- 7. no control character reaches any output -----------------------------------------------

ESC = "\x1b[2J\x1b]0;owned\x07\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\\x07\x9b1m"
# the same, as a YAML double-quoted string spells it (raw ESC is not allowed in YAML)
YAML_ESC = r"\e[2J\e]0;owned\a\e]8;;https://evil.example\e\\click\e]8;;\e\\\a\x9b1m"


def test_card_values_never_reach_a_terminal_raw(make_model, tmp_path):
    card = (
        f'---\nlicense: other\nlicense_name: "evil{YAML_ESC}terms"\n'
        f'base_model: "org/base{YAML_ESC}"\n'
        f'extra_gated_prompt: "ping @octocat and @org/team{YAML_ESC}"\n---\n# M\n'
    )
    folder = make_model(f"model{ESC[:4]}x", card)
    env = {"HF_HUB_OFFLINE": "1", "LICSCAN_CACHE_DIR": str(tmp_path / "c")}
    outputs = []
    for args in (
        ["explain", str(folder)],
        *(["scan", str(folder), "--format", f] for f in FORMATS),
    ):
        run = _licscan(*args, cwd=tmp_path, env=env)
        assert run.returncode in (1, 3), (args, run.stderr)
        if args[-1] != "notice":  # (a NOTICE file names terms, not the card's words)
            assert "model" in run.stdout and "evil" in run.stdout, args  # values are shown...
        outputs.append((args, run.stdout + run.stderr))
    for args, out in outputs:  # ...without its control characters, as is every value
        assert not any(c in out for c in "\x1b\x07\x9b\x9d\r"), args
    explained = outputs[0][1]
    assert "names 'evilclickterms'" in explained
    # (a base_model no Hub id can be: unresolved, its terms unknown; never dropped)
    assert "   - org/baseclick: no known license [unknown]  UNRESOLVED: not a Hub" in explained
    md = dict((a[-1], o) for a, o in outputs)["markdown"]
    assert "@octocat" not in md and "@&#8203;octocat" in md  # no ping from a PR comment
    report = run_scan([str(folder)], offline=True)
    html = render("html", report)
    assert not any(c in html for c in "\x1b\x07\x9b")


# --- 8. one line, the documented exit code, no partial file -------------------------------------


def test_stdout_on_a_full_disk(tmp_path):
    env = {"HF_HUB_OFFLINE": "1", "LICSCAN_CACHE_DIR": str(tmp_path / "c")}
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "licscan", "scan", str(EXAMPLE)],
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                             env={**os.environ, **env})  # fmt: skip
    assert run.returncode == 2
    assert run.stderr == "licscan: cannot write to stdout: No space left on device\n"


def _small_files(limit: int):
    def setup() -> None:  # a "disk" that takes no more than `limit` bytes per file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return setup


def test_output_on_a_full_disk_leaves_no_file(tmp_path):
    env = {"HF_HUB_OFFLINE": "1", "LICSCAN_CACHE_DIR": str(tmp_path / "c")}
    out = tmp_path / "report.html"
    run = _licscan("scan", str(EXAMPLE), "--format", "html", "--output", str(out), cwd=tmp_path,
                   env=env, preexec_fn=_small_files(4096))  # fmt: skip
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == f"licscan: cannot write {out}: File too large"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # no report, no temporary
    out.write_text("the old report\n")
    run = _licscan("scan", str(EXAMPLE), "--format", "html", "--output", str(out), cwd=tmp_path,
                   env=env, preexec_fn=_small_files(4096))  # fmt: skip
    assert run.returncode == 2 and out.read_text() == "the old report\n"


def test_lock_that_cannot_be_written_leaves_no_temporary_file(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "licscan.yaml").write_text("models:\n  - path: m\n")
    (project / "m").mkdir()
    (project / "m" / "README.md").write_text("---\nlicense: mit\n---\n")
    env = {"HF_HUB_OFFLINE": "1", "LICSCAN_CACHE_DIR": str(tmp_path / "c")}
    run = _licscan("lock", "-q", cwd=project, env=env, preexec_fn=_small_files(64))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == "licscan: cannot write licscan.lock: File too large"
    assert sorted(p.name for p in project.iterdir()) == ["licscan.yaml", "m"]
    (project / "licscan.lock").mkdir()  # not a file: the rename fails, the temporary goes
    run = _licscan("lock", "-q", cwd=project, env=env)
    assert run.returncode == 2 and "licscan: cannot write licscan.lock: " in run.stderr
    assert sorted(p.name for p in project.iterdir()) == ["licscan.lock", "licscan.yaml", "m"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_lock_in_a_read_only_folder(tmp_path):
    project = tmp_path / "p"
    (project / "m").mkdir(parents=True)
    (project / "licscan.yaml").write_text("models:\n  - path: m\n")
    (project / "m" / "README.md").write_text("---\nlicense: mit\n---\n")
    project.chmod(0o555)
    try:
        run = _licscan("lock", "-q", cwd=project, env={"HF_HUB_OFFLINE": "1"})
    finally:
        project.chmod(0o755)
    assert run.returncode == 2 and "cannot write licscan.lock: Permission denied" in run.stderr


def test_arguments_that_are_not_repo_ids(loopback_hub, isolated_hf):
    env = {"HF_ENDPOINT": loopback_hub.url, "HF_HOME": str(isolated_hf / "h")}
    long_id = "acme/" + "x" * 10_000
    run = _licscan("scan", long_id, cwd=isolated_hf, env=env)
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1, run.stderr
    assert "(10,005 characters)' is not a Hub repo id" in run.stderr and len(run.stderr) < 600
    lookalike = "meta-llama/Llama-3.1-8B-Instruct".replace("a", "\u0430", 1)  # Cyrillic а
    run = _licscan("scan", lookalike, cwd=isolated_hf, env=env)
    assert run.returncode == 2 and "(U+0430) at position 4 is not ASCII" in run.stderr
    (isolated_hf / "m.yaml").write_text(f"models:\n  - {lookalike}\n")
    run = _licscan("scan", "m.yaml", cwd=isolated_hf, env=env)
    assert run.returncode == 2 and run.stderr.startswith("licscan: m.yaml:2: ")
    assert sum(loopback_hub.requests.values()) == 0  # no request for any of them


def test_cache_entries_of_the_wrong_shape_are_misses(loopback_hub, isolated_hf):
    hub = loopback_hub
    hub.add_model(
        "acme/m", {"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": _text(APACHE)}
    )
    sha = hub.repos[("model", "acme/m")].sha
    (m,) = _scan(hub, isolated_hf, [f"acme/m@{sha}"]).models
    assert m.verdict == "pass"
    cache = DiskCache(isolated_hf / "cache")
    path = cache._meta_path("acme/m", sha)
    good = json.loads(path.read_text())
    for field, bad in (("siblings", "LICENSE"), ("sha", 7), ("card_data", ["x"]),
                       ("siblings", [{"path": 3}]), ("tags", "a")):  # fmt: skip
        path.write_text(json.dumps({**good, field: bad}))
        hub.reset_counts()
        (m,) = _scan(hub, isolated_hf, [f"acme/m@{sha}"]).models
        assert m.verdict == "pass" and m.error is None, (field, m.error)
        assert hub.count("/api/models/acme/m") == 1  # a miss: asked again
        path.write_text(json.dumps({**good, field: bad}))
        (m,) = _scan(hub, isolated_hf, [f"acme/m@{sha}"], offline=True).models
        assert m.verdict == "error" and "not in the local cache (offline)" in m.error
