"""README is for a newcomer (at most 300 lines) and leads to docs/, where the rest lives:
every docs page is linked from it, and every relative link (and #anchor) in README and
docs/ resolves.  The example output README walks through is what licscan prints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT

from licscan.cli import main

README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")  # link text may wrap across lines
FENCE = re.compile(r"^(```|~~~)")


def text_outside_fences(page: Path) -> list[str]:
    lines, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def anchors(page: Path) -> Iterator[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, -N for
    repeats."""
    seen: dict[str, int] = {}
    for line in text_outside_fences(page):
        if m := re.match(r"#{1,6} (.+)", line):
            slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            yield f"{slug}-{n}" if n else slug


def relative_links(page: Path) -> list[str]:
    text = "\n".join(text_outside_fences(page))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, len(lines)


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / t.split("#")[0]).resolve() for t in relative_links(README)}
    pages = {p.resolve() for p in DOCS.glob("*.md")}
    assert pages, "docs/ holds the reference pages"
    assert sorted(p.name for p in pages - linked) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path):
    broken = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in set(anchors(dest)):
            broken.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert broken == []


def block_after(text: str, marker: str) -> list[str]:
    """The indented code block that follows the first line containing `marker`."""
    lines = text.split(marker, 1)[1].splitlines()[1:]
    start = next(i for i, line in enumerate(lines) if line.startswith("    "))
    block = []
    for line in lines[start:]:
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    return [line for line in block if line.strip()]


@pytest.mark.parametrize(
    ("marker", "args", "code"),
    [
        ("prints one line per model", ["scan", "examples/manifest.yaml"], 1),
        ("The fine-tune's block of", ["explain", "examples/manifest.yaml"], 1),
    ],
)
def test_the_example_readme_walks_through_is_what_licscan_prints(
    marker, args, code, tmp_path, monkeypatch
):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == code
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    shown = block_after(README.read_text(encoding="utf-8"), marker)
    assert len(shown) > 10
    missing = [line for line in shown if line.strip() != "..." and line.rstrip() not in printed]
    assert missing == []


# A module named in the docs is a module on the tree: `licscan/...` paths exactly, and a
# bare `name.py` somewhere under the folders users and contributors are sent to.
MODULE_PATH = re.compile(r"\blicscan/[\w/]*\w(?:\.py|/)")
BARE_MODULE = re.compile(r"`(\w+\.py)\b")
TREE = ("licscan", "tests", "scripts", "benchmarks")


@pytest.mark.parametrize("page", [*PAGES, ROOT / "rules" / "README.md"], ids=lambda p: p.name)
def test_every_module_the_docs_name_exists(page: Path):
    text = page.read_text(encoding="utf-8")
    missing = sorted({m for m in MODULE_PATH.findall(text) if not (ROOT / m).exists()})
    known = {p.name for top in TREE for p in (ROOT / top).rglob("*.py")}
    missing += sorted({m for m in BARE_MODULE.findall(text) if m not in known})
    assert missing == []
