#!/usr/bin/env python3
"""What identity keeps `osi-open`, and what it must not: benign copies and restrictive edits.

    python benchmarks/eval_identity.py [--show N] [--only WORDS]

`osi-open` is earned only by identity (issue 11).  Its cost is a false demotion: an
ordinary copy of Apache-2.0 or MIT (a copyright line on top, the appendix dropped,
Markdown, other wraps...) reported as a modified or unrecognised license.  Its duty is that
a restrictive edit is never `osi-open`.  Measured on texts generated at run time
(tests/license_variants.py) from the open licenses of the pinned licensedcode-data package
and the `osi-open` texts of ../shared/corpus (none is copied into the repository):

  * benign variants, one transformation at a time and several combined: share kept
    `osi-open`, by transformation;
  * ScanCode's own rule texts of those licenses and of every other open license licscan
    knows (`is_license_text` rules of one license): share kept `osi-open`, by license;
  * restrictive edits (added clauses of six kinds in several phrasings and places, a
    narrowed grant, a removed permission, a changed number, a dropped "not"; Chinese edits
    for the Chinese texts): called `osi-open` (must be 0) and located (`modified-license`
    evidence at the edited line), by class.

Asserts nothing; the figures are for the README (tests/engine/test_identity_variants.py asserts).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import license_variants as lv  # noqa: E402

from licscan.detect.identity import entry_of  # noqa: E402
from licscan.engine.classify import classify_text  # noqa: E402
from licscan.knowledge import load_index, load_knowledge  # noqa: E402
from licscan.model import TextClassification  # noqa: E402

CORPUS_TEXTS = ROOT.parent / "shared" / "corpus" / "texts"
LABELS = ROOT / "tests" / "data" / "corpus_labels.yaml"
COMBINED_ROUNDS = 4  # combined variants per base text and size


def bases() -> list[tuple[lv.Base, str]]:
    """(base text, license name) of every open reference the variants start from."""
    out = [
        (b, _name(lv.SCANCODE_OPEN[b.name.removeprefix("scancode:")])) for b in lv.scancode_bases()
    ]
    if CORPUS_TEXTS.is_dir() and LABELS.is_file():
        labels = yaml.safe_load(LABELS.read_text("utf-8"))["texts"]
        for name, label in sorted(labels.items()):
            if label["category"] != "osi-open" or label.get("kind") == "policy":
                continue
            text = (CORPUS_TEXTS / name).read_text("utf-8")
            result = classify_text(text, name)
            base = lv.Base(f"corpus:{name}", text, lv.is_chinese(text))
            out.append((base, result.match.name or name))
    return out


def _name(key: str) -> str:
    entry = entry_of(load_knowledge(), load_index(), key)
    return entry.name if entry else key


def _modified_at(result: TextClassification, line: int, slack: int) -> bool:
    for flag in result.flags:
        if flag.id not in ("modified-license", "unrecognized-license"):
            continue
        for ev in flag.evidence:
            if ev.lines and ev.lines[0] - slack <= line <= ev.lines[1] + slack:
                return True
    return False


@dataclass
class Tally:
    n: Counter[str] = field(default_factory=Counter)
    ok: Counter[str] = field(default_factory=Counter)
    located: Counter[str] = field(default_factory=Counter)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, group: str, ok: bool, what: str, located: bool = False) -> None:
        self.n[group] += 1
        self.ok[group] += ok
        self.located[group] += located
        if not ok:
            self.misses[group].append(what)


def _why(result: TextClassification) -> str:
    notes = [f.note for f in result.flags if f.id in ("modified-license", "unrecognized-license")]
    return f"{result.category} ({'; '.join(n or '' for n in notes)[:160]})"


def run_benign(items: list[tuple[lv.Base, str]]) -> tuple[Tally, Tally]:
    """Benign variants kept osi-open, by transformation; ScanCode and corpus bases apart."""
    sc, corpus = Tally(), Tally()
    for base, name in items:
        tally = corpus if base.name.startswith("corpus:") else sc
        result = classify_text(base.text, base.name)
        tally.add("(unchanged)", result.category == "osi-open", f"{base.name}: {_why(result)}")
        rng = random.Random(base.name)
        for key, transform in lv.benign(name).items():
            text = transform(base.text, rng)
            if text is None:
                continue
            result = classify_text(text, base.name)
            tally.add(key, result.category == "osi-open", f"{base.name}: {_why(result)}")
        for size in (2, 3, 5):
            for round_ in range(COMBINED_ROUNDS):
                text, used = lv.combined(
                    base.text, name, random.Random(f"{base.name}{size}{round_}"), size
                )
                result = classify_text(text, base.name)
                tally.add(
                    f"combined ({size})",
                    result.category == "osi-open",
                    f"{base.name} [{', '.join(used)}]: {_why(result)}",
                )
    return sc, corpus


def run_restrictive(items: list[tuple[lv.Base, str]]) -> tuple[Tally, Tally]:
    """Restrictive edits called osi-open (ok = not osi-open) and located."""
    sc, corpus = Tally(), Tally()
    for base, _ in items:
        tally = corpus if base.name.startswith("corpus:") else sc
        for edit in lv.restrictive(base.text, base.chinese):
            result = classify_text(edit.text, base.name)
            slack = 1 if edit.kind == "removed permission" and "paragraph" in edit.how else 0
            group = f"{edit.kind} (zh)" if base.chinese else edit.kind
            tally.add(
                group,
                result.category != "osi-open",
                f"{base.name} line {edit.line} {edit.how}",
                _modified_at(result, edit.line, slack),
            )
    return sc, corpus


def scancode_rules() -> list[tuple[str, str, str]]:
    """(rule file, knowledge-base key, text) of ScanCode's `is_license_text` rules whose
    license is one open license licscan knows (a knowledge-base entry or a generated open
    reference)."""
    from licscan.knowledge import load_knowledge

    spec = importlib.util.find_spec("licensedcode")
    if spec is None:
        sys.exit("licensedcode-data is not installed (pip install -e '.[test]')")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    kb = load_knowledge()
    sources = yaml.safe_load((ROOT / "rules" / "fingerprint-sources.yaml").read_text("utf-8"))
    to_key = {sc: key for key, sc in (sources.get("scancode") or {}).items()}
    fingerprints = json.loads((ROOT / "rules" / "fingerprints.json").read_text("utf-8"))
    for ref in fingerprints["references"]:
        if ref["name"].startswith("scancode:"):
            to_key.setdefault(ref["name"].removeprefix("scancode:"), ref["key"])
    out = []
    for path in sorted((data / "rules").glob("*.RULE")):
        raw = path.read_text("utf-8", errors="replace")
        head, sep, text = raw[4:].partition("\n---\n")
        if not raw.startswith("---\n") or not sep or "is_license_text: yes" not in head:
            continue
        meta = yaml.safe_load(head) or {}
        key = to_key.get(meta.get("license_expression", ""))
        entry = entry_of(load_knowledge(), load_index(), key) if key else None
        if entry is None or entry.category != "osi-open" or len(text.split()) < 20:
            continue
        if kb.get(key) is None and key not in fingerprints.get("open_licenses", {}):
            continue
        out.append((path.name, key, text))
    return out


def run_rules() -> Tally:
    tally = Tally()
    for name, key, text in scancode_rules():
        result = classify_text(text, name)
        group = key if key in _COMMON else "other open licenses"
        tally.add(group, result.category == "osi-open", f"{name}: {_why(result)}")
    return tally


_COMMON = frozenset(lv.SCANCODE_OPEN.values())


def _table(title: str, tally: Tally, measure: str, located: bool = False) -> None:
    print(f"\n{title}")
    head = f"  {'':34} {'n':>5} {measure:>12}"
    print(head + (f" {'located':>9}" if located else ""))
    for group in sorted(tally.n):
        n = tally.n[group]
        ok = tally.ok[group] if not located else n - tally.ok[group]
        row = f"  {group:34} {n:5} {ok:5} ({ok / n:4.0%})"
        if located:
            row += f" {tally.located[group] / n:9.0%}"
        print(row)
    total, ok = sum(tally.n.values()), sum(tally.ok.values())
    if not located:
        print(f"  {'total':34} {total:5} {ok:5} ({ok / total:4.0%})")
    else:
        print(
            f"  {'total':34} {total:5} {total - ok:5} ({(total - ok) / total:4.0%})"
            f" {sum(tally.located.values()) / total:9.0%}"
        )


def _misses(tally: Tally, show: int, only: str | None) -> None:
    for group, lines in sorted(tally.misses.items()):
        picked = [m for m in lines if not only or only in m or only in group]
        for line in picked[:show]:
            print(f"    [{group}] {line}")


@dataclass
class Summary:
    benign_kept: float
    benign_n: int
    rules_kept: float
    rules_n: int
    restrictive_osi: int
    restrictive_n: int
    located: float


def summary(show: int = 0, only: str | None = None, quiet: bool = False) -> Summary:
    items = bases()
    sc_benign, corpus_benign = run_benign(items)
    sc_restr, corpus_restr = run_restrictive(items)
    rules = run_rules()
    if not quiet:
        print(
            f"{len(items)} base texts: {sum(1 for b, _ in items if b.name.startswith('scancode:'))}"
            f" from licensedcode-data, the rest ../shared/corpus texts labelled osi-open"
        )
        _table("benign variants of ScanCode's texts: kept osi-open", sc_benign, "osi-open")
        _misses(sc_benign, show, only)
        _table("benign variants of the corpus texts: kept osi-open", corpus_benign, "osi-open")
        _misses(corpus_benign, show, only)
        _table("ScanCode rule texts of open licenses: kept osi-open", rules, "osi-open")
        _misses(rules, show, only)
        _table(
            "restrictive edits of ScanCode's texts: called osi-open (must be 0)",
            sc_restr,
            "osi-open",
            located=True,
        )
        _misses(sc_restr, show, only)
        _table(
            "restrictive edits of the corpus texts: called osi-open (must be 0)",
            corpus_restr,
            "osi-open",
            located=True,
        )
        _misses(corpus_restr, show, only)
    b_n = sum(sc_benign.n.values()) + sum(corpus_benign.n.values())
    b_ok = sum(sc_benign.ok.values()) + sum(corpus_benign.ok.values())
    r_n = sum(sc_restr.n.values()) + sum(corpus_restr.n.values())
    r_ok = sum(sc_restr.ok.values()) + sum(corpus_restr.ok.values())
    loc = sum(sc_restr.located.values()) + sum(corpus_restr.located.values())
    return Summary(
        b_ok / b_n,
        b_n,
        sum(rules.ok.values()) / max(sum(rules.n.values()), 1),
        sum(rules.n.values()),
        r_n - r_ok,
        r_n,
        loc / r_n,
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", type=int, default=0, help="misses to show per group")
    ap.add_argument("--only", help="show only misses mentioning this")
    args = ap.parse_args()
    s = summary(args.show, args.only)
    print(
        f"\nsummary: benign variants kept osi-open {s.benign_kept:.0%} of {s.benign_n}; "
        f"ScanCode rule texts {s.rules_kept:.0%} of {s.rules_n}; restrictive edits called "
        f"osi-open {s.restrictive_osi} of {s.restrictive_n}, located {s.located:.0%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
