#!/usr/bin/env python3
"""Accuracy of license identification and clause detection on texts licscan never saw.

    python benchmarks/eval_unseen.py [--show-errors N] [--only FLAG]

Two unseen sets:
  * ScanCode's license texts (the pinned `licensedcode-data` package, installed with the
    `test` extra).  The labels come from ScanCode's own metadata, never from licscan:
    `Copyleft` / `Copyleft Limited` -> copyleft expected; `Permissive` / `Public Domain` /
    copyleft -> free licenses, so no withholding or model-license flag is expected and the
    category is osi-open; a name saying "non-commercial" -> non-commercial expected and
    category source-available.  Exceptions, generic, unknown and deprecated entries are
    skipped.  Two views: the clause detectors alone (the text taken as unrecognised) and the
    whole `classify_text` on the texts that are not fingerprint references.
  * tests/data/unseen/*.txt: invented licenses written for licscan, labelled in
    tests/data/unseen/labels.yaml; the Chinese, traditional-Chinese and bilingual ones are
    also scored apart (their first-run scores, round by round, are in labels.yaml and the
    README: the current figure is after the fixes).
And one edit test: each corpus text (../shared/corpus/texts) with one word changed in place
("not" dropped, a number changed) must be `modified-license`, located at the edited line.
Last, the corpus texts in Chinese (or half Chinese) read by the clause detectors alone, as if
no fingerprint knew them, against tests/data/corpus_labels.yaml (`--chinese-only` runs just
this): the figure for the next Chinese license (the detectors were written with these texts
in view; tests/data/unseen holds three held-out Chinese rounds).

`osi-open` only by identity (issue 11), measured on every set: ScanCode's texts by ScanCode
category (Commercial / Proprietary Free / Source-available / Free Restricted / CLA / Patent
License called `osi-open` must be 0; Permissive / Public Domain / Copyleft still `osi-open`
is what identity keeps), false `osi-open` and category accuracy on the invented texts, and
on the one-word edits of the corpus (an edited text is no copy: never `osi-open`; its
expected category is its label's, `open-weight` for an edited open license).

Last, the summary of benchmarks/eval_identity.py: benign copies of open licenses kept
`osi-open`, restrictive edits called `osi-open` (must be 0).

Prints per-flag precision / recall / false positives and category accuracy.  Asserts
nothing: the numbers are for the README and closing notes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licscan.detect.clauses import category_from_clauses, detect_clauses  # noqa: E402
from licscan.engine.classify import classify_text  # noqa: E402
from licscan.model import TERM_FLAGS  # noqa: E402

FREE = {"Permissive", "Public Domain", "Copyleft", "Copyleft Limited"}
RESTRICTED = {"Commercial", "Proprietary Free", "Source-available", "Free Restricted"}
COPYLEFT = {"Copyleft", "Copyleft Limited"}
_NC_NAME = re.compile(r"non[\s-]?commercial", re.I)


def scancode_licenses() -> list[dict]:
    spec = importlib.util.find_spec("licensedcode")
    if spec is None:
        sys.exit("licensedcode-data is not installed (pip install -e '.[test]')")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "licenses"
    out = []
    for path in sorted(folder.glob("*.LICENSE")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        if not raw.startswith("---\n"):
            continue
        parts = raw[4:].split("\n---\n", 1)
        if len(parts) != 2:
            continue
        head, text = parts
        meta = yaml.safe_load(head) or {}
        if any(meta.get(k) for k in ("is_exception", "is_generic", "is_unknown", "is_deprecated")):
            continue
        if len(text.split()) < 20:
            continue
        out.append({"key": meta["key"], "meta": meta, "text": text})
    return out


def expected(meta: dict) -> tuple[dict[str, bool], str | None]:
    """Flag -> expected (True/False; absent = no label) and the expected category."""
    cat = meta.get("category")
    nc_name = bool(_NC_NAME.search(meta.get("name", "")))
    want: dict[str, bool] = {}
    category = None
    if cat in FREE:
        want = {f: False for f in TERM_FLAGS}
        want["copyleft"] = cat in COPYLEFT
        category = "osi-open"
    if nc_name and cat not in FREE:
        want["non-commercial"] = True
        category = "source-available"
    if cat in COPYLEFT and "copyleft" not in want:
        want["copyleft"] = True
    return want, category


def reference_keys() -> set[str]:
    """ScanCode keys whose text is a fingerprint reference (mapped, or an open reference)."""
    data = json.loads((ROOT / "rules" / "fingerprints.json").read_text("utf-8"))
    return {
        r["name"].removeprefix("scancode:")
        for r in data["references"]
        if r["name"].startswith("scancode:")
    }


class Score:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.cat_ok = 0
        self.cat_n = 0
        self.errors: list[str] = []

    def add(self, name: str, want: dict[str, bool], found: set[str], cat: str | None, got: str):
        for flag, exp in want.items():
            if exp and flag in found:
                self.tp[flag] += 1
            elif exp:
                self.fn[flag] += 1
                self.errors.append(f"{name}: missed {flag}")
            elif flag in found:
                self.fp[flag] += 1
                self.errors.append(f"{name}: false {flag}")
        if cat:
            self.cat_n += 1
            if cat == got:
                self.cat_ok += 1
            else:
                self.errors.append(f"{name}: category {got}, expected {cat}")

    def table(self, title: str) -> None:
        print(f"\n{title}")
        print(f"  {'flag':30} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>10} {'recall':>8}")
        for flag in TERM_FLAGS:
            tp, fp, fn = self.tp[flag], self.fp[flag], self.fn[flag]
            if not (tp or fp or fn):
                continue
            prec = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
            rec = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
            print(f"  {flag:30} {tp:5} {fp:5} {fn:5} {prec:>10} {rec:>8}")
        if self.cat_n:
            acc = self.cat_ok / self.cat_n
            print(f"  category accuracy: {self.cat_ok}/{self.cat_n} = {acc:.2f}")


def eval_scancode(show: int, only: str | None) -> None:
    lic = scancode_licenses()
    refs = reference_keys()
    clauses, whole = Score(), Score()
    times: list[float] = []
    by_category: Counter[str] = Counter()
    osi_open: Counter[str] = Counter()
    false_osi: list[str] = []
    for item in lic:
        text, key, sc_cat = item["text"], item["key"], item["meta"].get("category", "")
        result = classify_text(text, key)
        by_category[sc_cat] += 1
        if result.category == "osi-open":
            osi_open[sc_cat] += 1
            if sc_cat not in FREE:
                false_osi.append(f"{key} ({sc_cat}) called osi-open as {result.match.key}")
        want, cat = expected(item["meta"])
        if not want and not cat:
            continue
        flags = detect_clauses(text, key)
        found = {f.id for f in flags}
        # an unrecognised text is never osi-open: open-weight at most, identity or not
        alone = "open-weight" if cat == "osi-open" else cat
        clauses.add(key, want, found, alone, category_from_clauses(text, flags)[0])
        if key in refs:
            continue
        t = time.perf_counter()
        result = classify_text(text, key)
        times.append((time.perf_counter() - t) * 1000)
        whole.add(key, want, {f.id for f in result.flags}, alone, result.category)
    n = sum(1 for i in lic if any(expected(i["meta"])))
    print(f"ScanCode licensedcode-data: {n} labelled texts ({len(refs)} are fingerprint refs)")
    clauses.table("clause detectors alone (text taken as unrecognised: open-weight at most)")
    whole.table("classify_text on texts that are not fingerprint references")
    print(f"  classify median {statistics.median(times):.2f} ms/text over {len(times)} texts")
    print("\nScanCode texts called osi-open, by ScanCode category (all texts, references too)")
    for group, cats in (("restricted", RESTRICTED), ("free", FREE)):
        total = sum(osi_open[c] for c in cats), sum(by_category[c] for c in cats)
        print(f"  {group:10} {total[0]:5} / {total[1]}")
        for c in sorted(cats):
            print(f"    {c:22} {osi_open[c]:5} / {by_category[c]}")
    others = sorted(set(by_category) - FREE - RESTRICTED)
    for c in others:
        print(f"  {c:24} {osi_open[c]:5} / {by_category[c]}")
    _show(false_osi + clauses.errors + whole.errors, show, only)


def eval_own(show: int, only: str | None) -> None:
    folder = ROOT / "tests" / "data" / "unseen"
    labels_file = folder / "labels.yaml"
    if not labels_file.is_file():
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from unseen_texts import read_unseen

    labels = yaml.safe_load(labels_file.read_text("utf-8"))["texts"]
    score, chinese = Score(), Score()
    false_osi = []
    for name, label in sorted(labels.items()):
        text = read_unseen(name)
        result = classify_text(text, name)
        want = {f: f in label["flags"] for f in TERM_FLAGS}
        found = {f.id for f in result.flags}
        score.add(name, want, found, label["category"], result.category)
        if len(_HAN.findall(text)) >= 20:  # Chinese, traditional Chinese or bilingual
            chinese.add(name, want, found, label["category"], result.category)
        if result.category == "osi-open" and label["category"] != "osi-open":
            false_osi.append(name)
    print(f"\ntests/data/unseen: {len(labels)} invented texts")
    score.table("classify_text")
    print(f"  false osi-open: {len(false_osi)} {false_osi}")
    chinese.table(f"of which Chinese or bilingual: {chinese.cat_n} texts")
    _show(score.errors, show, only)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def eval_chinese(texts_dir: Path, show: int, only: str | None) -> None:
    """The corpus texts written (wholly or half) in Chinese, read by the clause detectors
    alone, as if no fingerprint knew them: the figure for the next Chinese license."""
    labels_file = ROOT / "tests" / "data" / "corpus_labels.yaml"
    if not texts_dir.is_dir() or not labels_file.is_file():
        return
    labels = yaml.safe_load(labels_file.read_text("utf-8"))["texts"]
    scores = {"Chinese only": Score(), "Chinese or bilingual": Score()}
    counts: Counter[str] = Counter()
    for path in sorted(texts_dir.glob("*.txt")):
        text = path.read_text("utf-8", errors="replace")
        label, han = labels.get(path.name), len(_HAN.findall(text))
        if label is None or han < 200:  # English texts are measured above
            continue
        sets = ["Chinese or bilingual"]
        if han > 0.8 * len(_WORDISH.findall(text)):  # (each Han character is a word)
            sets.append("Chinese only")
        flags = detect_clauses(text, path.name)
        want = {f: f in label["flags"] for f in TERM_FLAGS}
        category = category_from_clauses(text, flags)[0]
        got = {f.id: f.value for f in flags}
        # an unrecognised text is never osi-open (osi-open only by identity): open-weight
        expect = "open-weight" if label["category"] == "osi-open" else label["category"]
        for name in sets:
            counts[name] += 1
            scores[name].add(path.name, want, set(got), expect, category)
        for flag, value in (label.get("values") or {}).items():
            counts["values"] += 1
            counts["values right"] += got.get(flag) == str(value)
    print("\nChinese corpus texts, detectors alone (as if unknown)")
    for name, score in scores.items():
        score.table(f"{name}: {counts[name]} texts")
    print(f"  threshold values right: {counts['values right']}/{counts['values']}")
    _show(scores["Chinese or bilingual"].errors, show, only)


_WORDISH = re.compile(r"[A-Za-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff]")


_NOT = re.compile(r"\b(?:not|never)\s+", re.I)
_NUM = re.compile(
    r"(?<=[a-z,] )\d{2,}(?:,\d{3})*\b(?![.]\d)(?![^\s]*/)"
)  # inline, not a section no.


def _edits(text: str) -> list[tuple[str, str, int]]:
    """In-place edits of a known license text: (kind, edited text, line changed)."""
    out = []
    lines = text.split("\n")
    for kind, rx, repl in (("drop-not", _NOT, ""), ("number", _NUM, "13")):
        for i, line in enumerate(lines):
            if len(line.split()) < 8 or (kind == "number" and "copyright" in line.lower()):
                continue
            m = rx.search(line)
            if m and m.group().strip() != repl:
                edited = line[: m.start()] + repl + line[m.end() :]
                out.append((kind, "\n".join([*lines[:i], edited, *lines[i + 1 :]]), i + 1))
                break
    return out


def eval_edits(texts_dir: Path) -> None:
    """Corpus texts edited in place by one word: is it `modified-license`, located?"""
    if not texts_dir.is_dir():
        return
    stats: Counter[str] = Counter()
    missed: list[str] = []
    labels = yaml.safe_load((ROOT / "tests" / "data" / "corpus_labels.yaml").read_text("utf-8"))
    labels = labels.get("texts", labels)
    for path in sorted(texts_dir.glob("*.txt")):
        text = path.read_text("utf-8", errors="replace")
        clean = classify_text(text, path.name)
        stats["false alarm"] += any(f.id == "modified-license" for f in clean.flags)
        stats["texts"] += 1
        label = labels.get(path.name)
        for kind, edited, line in _edits(text):
            result = classify_text(edited, path.name)
            # a changed text is modified-license; a changed version or date line makes it
            # "another version of" its family (unrecognized-license, quoting that line)
            mod = next((f for f in result.flags if f.id == "modified-license"), None)
            if mod is None and (result.match.name or "").startswith("another version"):
                mod = next(f for f in result.flags if f.id == "unrecognized-license")
            stats[f"{kind} n"] += 1
            stats[f"{kind} flagged"] += mod is not None
            if label and mod is None:
                missed.append(f"{path.name} ({kind}, line {line}): not modified-license")
            stats[f"{kind} located"] += bool(
                mod and any(e.lines and e.lines[0] <= line <= e.lines[1] for e in mod.evidence)
            )
            stats[f"{kind} osi-open"] += result.category == "osi-open"
            if label:  # an edited copy is no copy: an open license becomes open-weight
                want = "open-weight" if label["category"] == "osi-open" else label["category"]
                stats[f"{kind} labelled"] += 1
                stats[f"{kind} category ok"] += result.category == want
    print(f"\ncorpus texts edited in place ({stats['texts']} texts)")
    print(f"  unedited texts called modified: {stats['false alarm']}")
    for kind in ("drop-not", "number"):
        n = stats[f"{kind} n"] or 1
        flagged, located = stats[f"{kind} flagged"] / n, stats[f"{kind} located"] / n
        print(
            f"  {kind:9} edits {stats[f'{kind} n']:3}: modified (or another version) "
            f"{flagged:.2f}, at the edited line {located:.2f}, called osi-open "
            f"{stats[f'{kind} osi-open']}; on labelled texts: flagged "
            f"{stats[f'{kind} labelled'] - sum(kind in m for m in missed)}"
            f"/{stats[f'{kind} labelled']}, category as labelled "
            f"{stats[f'{kind} category ok']}/{stats[f'{kind} labelled']}"
        )
    for line in missed:
        print("   ", line)


def _show(errors: list[str], n: int, only: str | None) -> None:
    picked = [e for e in errors if not only or only in e]
    for line in picked[:n]:
        print("   ", line)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show-errors", type=int, default=0)
    ap.add_argument("--only", help="show only errors mentioning this")
    ap.add_argument("--chinese-only", action="store_true", help="only the Chinese corpus section")
    args = ap.parse_args()
    corpus = ROOT.parent / "shared" / "corpus" / "texts"
    if not args.chinese_only:
        eval_scancode(args.show_errors, args.only)
        eval_own(args.show_errors, args.only)
        eval_edits(corpus)
    eval_chinese(corpus, args.show_errors, args.only)
    if not args.chinese_only:
        eval_identity_summary()
    return 0


def eval_identity_summary() -> None:
    """The cost and the duty of `osi-open` by identity (benchmarks/eval_identity.py, where
    the figures by transformation and by kind of edit are)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import eval_identity

    s = eval_identity.summary(quiet=True)
    print("\nidentity (benchmarks/eval_identity.py: figures by transformation and kind of edit)")
    print(f"  benign copies of open licenses kept osi-open: {s.benign_kept:.0%} of {s.benign_n}")
    print(
        f"  ScanCode's rule texts of open licenses kept osi-open: {s.rules_kept:.0%} of {s.rules_n}"
    )
    print(
        f"  restrictive edits called osi-open: {s.restrictive_osi} of {s.restrictive_n} "
        f"(located at the edited line: {s.located:.0%})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
