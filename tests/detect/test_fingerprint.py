"""Text normalisation and fingerprint identity: corpus texts, versions, perturbed
copies, modified copies, and a reproducible build that ships no text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from paths import CORPUS, ROOT

from licscan.detect import identity
from licscan.detect.normalize import tokenize
from licscan.knowledge import load_index, load_knowledge
from licscan.model import LicenseMatch
from licscan.sources.files import TextError, decode

TEXTS = CORPUS / "texts"
MAPPING = yaml.safe_load((ROOT / "rules" / "fingerprint-sources.yaml").read_text())["texts"]


def match_text(text: str) -> LicenseMatch:
    """A text's identity against the shipped knowledge base (no clause analysis: what
    the fingerprints alone say, which only these tests ask)."""
    kb = load_knowledge()
    policy_keys = frozenset(k for k, e in kb.entries.items() if e.kind == "policy")
    analysis = load_index().analyse(tokenize(text), policy_keys)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return identity.to_match(kb, analysis, lines, "text")


def read(name: str) -> str:
    return decode((TEXTS / name).read_bytes())


# --- normalisation ------------------------------------------------------------------


def test_formatting_does_not_change_tokens() -> None:
    plain = '1. Grant of Rights. You may use the "Model" for any purpose.\n'
    variants = [
        "\ufeff" + plain.replace("\n", "\r\n"),
        "## 1. **Grant of Rights.** You may use the “Model” for any purpose.\n",
        "<p>1. Grant of <b>Rights</b>. You may use the &ldquo;Model&rdquo; for any</p>\n"
        "<p>purpose.</p>\n",
        "(a) Grant of Rights. You may use the 'Model'\nfor any\npurpose.\n",
        '- Grant of Rights. You may use the\n\n12\n\n"Model" for any purpose.\n',
        "Copyright (c) 2024 Someone\n\n"
        "  * GRANT OF RIGHTS. You may use the Model for any purpose.\n",
    ]
    want = tokenize(plain).words
    for text in variants:
        assert tokenize(text).words == want, text


def test_tokens_keep_input_lines_and_cjk() -> None:
    tokens = tokenize("第一条 许可\n\nSecond line here.\nthird")
    assert tokens.words[:4] == ["第", "一", "条", "许"]
    assert tokens.lines[tokens.words.index("second")] == 3
    assert tokens.lines[-1] == 4


@pytest.mark.parametrize(
    "data",
    [
        "Licence text é ü".encode("utf-16"),
        "Licence text é ü".encode("utf-8-sig"),
        "Licence text é ü".encode("cp1252"),
        "Licence text é ü".encode("utf-16-le"),
    ],
)
def test_decode_any_encoding(data: bytes) -> None:
    assert decode(data) == "Licence text é ü"


@pytest.mark.parametrize(
    "data",
    [b"\x7fELF\x02\x01\x00\x00" * 64, b"PK\x03\x04" + bytes(range(256)) * 4, b"x" * 1_000_001],
)
def test_decode_refuses_binary_and_huge(data: bytes) -> None:
    with pytest.raises(TextError):
        decode(data)


# --- identity -----------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(MAPPING))
def test_every_corpus_text_is_identified_exactly(name: str) -> None:
    match = match_text(read(name))
    assert match.key == MAPPING[name]
    assert match.score >= 0.97 and not match.modified, match.differences


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "key", "rival"),
    [
        ("llama-3-community.txt", "llama-3", "llama-3.1"),
        ("llama-3.1-community.txt", "llama-3.1", "llama-3.2"),
        ("llama-3.2-community.txt", "llama-3.2", "llama-3.1"),
        ("gemma-terms-2024-02-21.txt", "gemma-2024-02-21", "gemma-2024-04-01"),
        ("gemma-terms-2024-04-01.txt", "gemma-2024-04-01", "gemma-2024-02-21"),
        (
            "flux1-dev-noncommercial-2024-08-01.txt",
            "flux-1-dev-nc-2024-08-01",
            "flux-1-dev-nc-1.1.1",
        ),
        ("flux1-dev-noncommercial-v1.1.1.txt", "flux-1-dev-nc-1.1.1", "flux-1-dev-nc-2024-08-01"),
        ("llama-3.2-acceptable-use-policy.txt", "llama-3.2-aup", "llama-3.3-aup"),
        ("cc-by-nc-4.0-audiocraft-weights.txt", "cc-by-nc-4.0", "cc-by-4.0"),
    ],
)
def test_versions_are_told_apart_even_rewrapped(name: str, key: str, rival: str) -> None:
    for text in (read(name), rewrap(read(name), 52)):
        match = match_text(text)
        assert match.key == key != rival


def rewrap(text: str, width: int = 40) -> str:
    paras = re.split(r"\n\s*\n", text)
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), width, break_long_words=False, break_on_hyphens=False)
        for p in paras
    )


def markdown(text: str) -> str:
    out = []
    for i, line in enumerate(text.splitlines()):
        if line.strip() and len(line) < 60 and i % 7 == 0:
            out.append("## " + line)
        elif line.strip() and i % 5 == 0:
            out.append("**" + line.strip() + "**")
        else:
            out.append(line)
    return "\n".join(out)


def html(text: str) -> str:
    body = "\n".join(f"<p>{line}</p>" if line.strip() else "<br/>" for line in text.splitlines())
    return f"<html><body>\n{body}\n</body></html>"


def page_numbers(text: str) -> str:
    out: list[str] = []
    for i, line in enumerate(text.splitlines()):
        out.append(line)
        if i % 20 == 19:
            out += ["", f"Page {i // 20 + 1}", ""]
    return "\n".join(out)


BILINGUAL = (
    "本许可证的中文译本仅供参考，如有歧义，以英文版本为准。许可方授予您使用、复制和修改的权利。\n"
    * 8
)
PERTURBATIONS = {
    "rewrap-40": rewrap,
    "markdown": markdown,
    "html": html,
    "bom-crlf": lambda t: "\ufeff" + t.replace("\n", "\r\n"),
    "header-line": lambda t: "This model is distributed under the license below.\n\n" + t,
    "page-numbers": page_numbers,
    "bilingual": lambda t: BILINGUAL + "\n" + t,
    "appended-aup": lambda t: t + "\n\n" + read("llama-3.1-acceptable-use-policy.txt"),
}
PERTURBED = [
    "llama-3.1-community.txt",
    "llama-2-community.txt",
    "gemma-terms-2024-02-21.txt",
    "apache-2.0-allenai-olmo.txt",
    "flux1-dev-noncommercial-v1.1.1.txt",
    "cc-by-nc-4.0-audiocraft-weights.txt",
    "deepseek-r1-mit.txt",
    "creativeml-openrail-m-2022-08-22.txt",
    "qwen-research-license-2024-09-19.txt",
]


@pytest.mark.corpus
@pytest.mark.parametrize("how", sorted(PERTURBATIONS))
@pytest.mark.parametrize("name", PERTURBED)
def test_perturbed_copy_is_the_same_license(name: str, how: str) -> None:
    match = match_text(PERTURBATIONS[how](read(name)))
    assert match.key == MAPPING[name]
    assert not match.modified, [(d.lines, d.quote[:80]) for d in match.differences]
    if how == "appended-aup" and MAPPING[name] != "llama-3.1":
        assert match.includes == ["llama-3.1-aup"]


@pytest.mark.corpus
def test_removed_clause_is_located() -> None:
    text = read("llama-3.1-community.txt")
    start = text.index("2. Additional Commercial Terms")
    end = text.index("3. Disclaimer of Warranty")
    match = match_text(text[:start] + text[end:])
    assert match.key == "llama-3.1" and match.modified
    line = text[:start].count("\n") + 1
    assert any(
        d.lines and abs(d.lines[0] - line) <= 2 and "missing" in d.quote for d in match.differences
    )


@pytest.mark.corpus
def test_added_clause_is_quoted_from_the_input() -> None:
    text = read("apache-2.0-allenai-olmo.txt")
    cut = text.index("   5. Submission of Contributions")
    extra = (
        "   4a. Field of use. The Work may be used for non-commercial research only and "
        "may not be offered as part of any paid product or hosted service.\n\n"
    )
    match = match_text(text[:cut] + extra + text[cut:])
    assert match.key == "apache-2.0" and match.modified
    line = text[:cut].count("\n") + 1
    assert any(d.lines == (line, line) and "Field of use" in d.quote for d in match.differences)


def test_unrelated_text_matches_nothing() -> None:
    text = (
        "The quick brown fox jumps over the lazy dog. This is a note about the weather "
        "in the mountains, which was cold and bright all week long, with snow on the peaks."
    )
    assert match_text(text).key is None


# --- the shipped file ----------------------------------------------------------------


def build(out: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_fingerprints.py"),
            "--texts",
            str(TEXTS),
            "--map",
            str(ROOT / "rules" / "fingerprint-sources.yaml"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
@pytest.mark.corpus
def test_build_is_reproducible_and_matches_the_shipped_file(tmp_path: Path) -> None:
    build(tmp_path / "a.json")
    build(tmp_path / "b.json")
    a = (tmp_path / "a.json").read_bytes()
    assert a == (tmp_path / "b.json").read_bytes()
    assert a == (ROOT / "rules" / "fingerprints.json").read_bytes(), (
        "rules/fingerprints.json is stale: rerun scripts/build_fingerprints.py"
    )


def test_shipped_fingerprints_hold_no_text() -> None:
    raw = (ROOT / "rules" / "fingerprints.json").read_text()
    assert len(raw) < 3_000_000
    data = json.loads(raw)
    allowed = {
        "name",
        "key",
        "tokens",
        "hashes",
        "sentences",
        "sentence_tokens",
        "skeleton",
        "skeleton_sentences",  # hashes of whole sentences' content words
        "unmarked",  # (length, hash) of whole sentences without lettered markers
        "templates",  # (length, hash) of the fixed segments around a template's blanks
        "optional",  # indexes of title and appendix sentences
        "origin",
    }
    for ref in data["references"]:
        assert set(ref) == allowed
    # the generated table of open references: SPDX names and ids, nothing else
    names = set()
    for key, row in data.get("open_licenses", {}).items():
        assert set(row) == {"name", "spdx", "osi_approved"} and key == row["spdx"].lower()
        names.add(row["name"])
    rest = raw
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(json.dumps(name), '""')
    # no run of ordinary words anywhere: only ids, keys, names, file names and base64
    assert not re.search(r"\b(?:the|and|of|to|you)\s+\w+\s+\w+", rest)


@pytest.mark.slow
def test_unseen_variants_of_standard_licenses_are_identified() -> None:
    """ScanCode's rule texts are real-world variants (other holders, wording, layout) of
    the licenses we hold: nearly all must still be identified, none as another family."""
    import importlib.util

    from licscan.knowledge import load_knowledge

    spec = importlib.util.find_spec("licensedcode")
    if spec is None:
        pytest.skip("licensedcode-data not installed")
    rules = Path(next(iter(spec.submodule_search_locations))) / "data" / "rules"
    by_scancode = {e.scancode: e.key for e in load_knowledge().entries.values() if e.scancode}
    ok = total = 0
    wrong_family = []
    for path in sorted(rules.glob("*.RULE")):
        head, _, body = path.read_text(errors="replace").partition("\n---\n")
        m = re.search(r"^license_expression: (\S+)$", head, re.M)
        if not m or "is_license_text: yes" not in head or m.group(1) not in by_scancode:
            continue
        if len(body.split()) < 80:
            continue
        want = by_scancode[m.group(1)]
        got = match_text(body).key
        total += 1
        ok += got == want
        if got and got.split("-")[0] != want.split("-")[0]:
            wrong_family.append((path.name, want, got))
    assert total > 500
    assert ok / total >= 0.95, ok / total
    assert len(wrong_family) <= total // 100, wrong_family
