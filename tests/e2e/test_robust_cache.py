"""Concurrent scans sharing one cache never corrupt it (issue #7).

Several `licscan scan` processes run the same manifest at once against the loopback Hub,
with one HF_HOME and one LICSCAN_CACHE_DIR.  Afterwards every cache entry is whole and
readable, no temp file is left, and an offline re-scan of the pinned revisions gives the
same results from the cache alone (the Hub is stopped).  A second test hammers the cache's
atomic writes directly: readers racing writers never see a torn file.
(test_hub_fetch.py checks two fetch-only processes; this is the whole scan.)
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from loopback_hub import Content
from paths import CORPUS

from licscan.sources.cache import DiskCache
from licscan.sources.files import git_blob_id

pytestmark = pytest.mark.slow  # the whole module: several seconds

TEXTS = ["cc-by-4.0", "cc-by-nc-4.0-audiocraft-weights", "llama-3.1-community", "deepseek-r1-mit"]
CARD_IDS = ["cc-by-4.0", "cc-by-nc-4.0", "llama3.1", "mit"]
PROCESSES = 4


def populate(hub, n: int = 24) -> list[str]:
    texts = [(CORPUS / "texts" / f"{t}.txt").read_text(encoding="utf-8") for t in TEXTS]
    refs = []
    for i in range(n):
        meta = {"license": CARD_IDS[i % 4], "datasets": ["acme/data"]}
        if i % 6 == 5:
            meta["base_model"] = f"acme/m{i - 1:02d}"
        files = {
            "README.md": f"---\n{yaml.safe_dump(meta)}---\n# Model {i}\n",
            "LICENSE": texts[i % 4],
            "model.safetensors": Content(size=128, lfs=True),
        }
        hub.add_model(f"acme/m{i:02d}", files)
        refs.append(f"acme/m{i:02d}")
    hub.add_dataset("acme/data", {"README.md": "---\nlicense: cc-by-4.0\n---\n"})
    return refs


def licscan(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "licscan", "scan", *args, "--format", "json", "--jobs", "8"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(proc: subprocess.Popen) -> tuple[int, dict]:
    out, err = proc.communicate(timeout=180)
    assert "Traceback" not in err, err
    return proc.returncode, json.loads(out)


def essence(report: dict) -> list[tuple]:
    """What a scan concluded per model, minus where it was run from."""
    return [
        (m["ref"].split("@")[0], m["revision"], m["verdict"], m["category"], m["error"],
         json.dumps(m["licenses"], sort_keys=True), json.dumps(m["flags"], sort_keys=True))
        for m in report["models"]
    ]  # fmt: skip


def assert_cache_whole(cache: Path) -> None:
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".") and p.suffix == ".tmp"]
    blobs = [p for p in files if "blobs" in p.parts]
    assert blobs and all(git_blob_id(p.read_bytes()) == p.name for p in blobs)
    for path in (p for p in files if p.suffix == ".json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), path
        if "meta" in path.parts:
            assert data["sha"] == path.stem and data["siblings"], path


@pytest.mark.corpus
def test_concurrent_scans_share_one_cache(loopback_hub, isolated_hf):
    hub = loopback_hub
    hub.latency = 0.005  # spread the requests so the processes' writes interleave
    refs = populate(hub)
    manifest = isolated_hf / "licscan.yaml"
    manifest.write_text("models:\n" + "".join(f"  - {r}\n" for r in refs))
    cache = isolated_hf / "shared-cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(HF_HOME=str(isolated_hf / "hf-home"), LICSCAN_CACHE_DIR=str(cache),
               HF_ENDPOINT=hub.url)  # fmt: skip

    procs = [licscan([str(manifest)], env) for _ in range(PROCESSES)]
    results = [finish(p) for p in procs]
    codes = {code for code, _ in results}
    assert codes == {1}  # the NC-licensed models fail commercial use; nothing errs
    first = essence(results[0][1])
    assert all(essence(report) == first for _, report in results[1:])
    assert all(m["error"] is None for m in results[0][1]["models"])
    assert_cache_whole(cache)
    hf_hub = isolated_hf / "hf-home" / "hub"
    assert not [p for p in hf_hub.rglob("*") if p.is_file()]  # HF's own cache: only read

    hub.stop()  # offline means offline: nothing to talk to
    pinned = isolated_hf / "pinned.yaml"
    pinned.write_text(
        "models:\n" + "".join(f"  - {m['ref']}@{m['revision']}\n" for m in results[0][1]["models"])
    )
    code, again = finish(licscan([str(pinned), "--offline"], env))
    assert code == 1 and essence(again) == first
    assert_cache_whole(cache)


# --- the cache's atomic writes, under a race ---------------------------------------------


def _writer(root: str, seed: int, rounds: int) -> None:
    cache = DiskCache(root)
    for i in range(rounds):
        data = (b"%d-%d " % (seed, i)) * (20_000 + 997 * seed)  # ~100-300 KB
        cache.put_blob(git_blob_id(data), data)
        cache.put_blob("shared", data)  # one key rewritten by every writer
        cache.put_ref("acme/m", "main", "acme/m", f"{seed:02d}{i:038d}")


def _reader(root: str, done, out) -> None:
    """Read the contended entries until the writers are done; report torn reads."""
    cache, seen, bad = DiskCache(root), 0, []
    while not done.is_set() or seen == 0:
        data = cache.get_blob("shared")
        if data is not None:
            seen += 1
            word = data[: data.index(b" ") + 1] if b" " in data else data
            seed = int(word.split(b"-")[0]) if word[:1].isdigit() else -1
            if data != word * (20_000 + 997 * seed):  # a mix of two writes, or cut short
                bad.append(len(data))
        ref = cache.get_ref("acme/m", "main")
        if ref is not None and len(ref.get("sha", "")) != 40:
            bad.append(repr(ref))
    out.put((seen, bad))


def test_readers_never_see_a_torn_cache_entry(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    out, done = ctx.Queue(), ctx.Event()
    root = str(tmp_path / "cache")
    writers = [ctx.Process(target=_writer, args=(root, s, 60)) for s in range(3)]
    readers = [ctx.Process(target=_reader, args=(root, done, out)) for _ in range(2)]
    for p in writers + readers:
        p.start()
    for p in writers:
        p.join(timeout=120)
        assert p.exitcode == 0
    done.set()
    found = [out.get(timeout=120) for _ in readers]
    for p in readers:
        p.join(timeout=60)
    assert all(seen > 0 for seen, _ in found)  # the readers did race the writers
    assert [bad for _, bad in found] == [[], []]
    assert not list((tmp_path / "cache").rglob(".*.tmp"))  # no temporary file left
    blobs = [p for p in (tmp_path / "cache" / "v1" / "blobs").rglob("*") if p.is_file()]
    blobs = [p for p in blobs if p.name != "shared"]
    assert blobs and all(git_blob_id(p.read_bytes()) == p.name for p in blobs)
