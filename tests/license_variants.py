"""Real-world copies and restrictive edits of open license texts, generated at run time.

Used by tests/engine/test_identity_variants.py and benchmarks/eval_identity.py.  The reference
texts come from the pinned licensedcode-data package (a test dependency) and from
../shared/corpus; nothing here copies them into the repository.

Benign variants are what Hugging Face repositories do to a standard license: a copyright
line or title put on top, the template's holder fields filled in, the Apache appendix
dropped or filled in, Markdown, other hard wraps, smart quotes, https for http, another
FSF address, another numbering style, a trailing line naming the project, CRLF, a BOM.
Each must stay the license it copies.

Restrictive edits withhold something: an added clause (commercial, field of use,
revocation, threshold, attribution, outputs; several phrasings, at several places), a
permission removed, a number changed, a "not" dropped, a grant narrowed by a few words.
None may be called `osi-open`, and each must be located at its line.  Chinese texts get
Chinese edits.
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from unseen_texts import scancode_text

HOLDER = "Acme AI Labs"
PROJECT = "Acme-7B"

# ScanCode key -> licscan knowledge-base key: the licenses most Hugging Face repositories
# copy (Apache, MIT, BSD, the GPL family, MPL, CC BY, CC0, Unlicense) and a few more.
SCANCODE_OPEN = {
    "apache-2.0": "apache-2.0",
    "mit": "mit",
    "bsd-new": "bsd-3-clause",
    "bsd-simplified": "bsd-2-clause",
    "isc": "isc",
    "gpl-2.0": "gpl-2.0-only",
    "gpl-3.0": "gpl-3.0-only",
    "lgpl-2.1": "lgpl-2.1-only",
    "lgpl-3.0": "lgpl-3.0-only",
    "agpl-3.0": "agpl-3.0-only",
    "mpl-2.0": "mpl-2.0",
    "cc-by-4.0": "cc-by-4.0",
    "cc-by-sa-4.0": "cc-by-sa-4.0",
    "cc0-1.0": "cc0-1.0",
    "unlicense": "unlicense",
    "boost-1.0": "bsl-1.0",
    "zlib": "zlib",
}


@dataclass(frozen=True)
class Base:
    name: str  # "scancode:mit", "corpus:apache-2.0-xai-grok-1.txt"
    text: str
    chinese: bool = False


def scancode_bases() -> list[Base]:
    return [Base(f"scancode:{k}", scancode_text(k)) for k in SCANCODE_OPEN]


_HAN = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text: str) -> bool:
    return len(_HAN.findall(text)) > 200


# --- benign transformations ------------------------------------------------------------
# Each takes (text, rng) and returns the variant, or None where it does not apply.

_NEWLINE = re.compile(r"\r\n|\r")
_PLACEHOLDERS = (
    (re.compile(r"[\[<{](?:yyyy|year|yy)[\]>}]", re.I), "2024"),
    (re.compile(r"19yy|20xx"), "2024"),
    (
        re.compile(
            r"[\[<{]\s*(?:name of (?:copyright owner|author)|copyright holders?|owner"
            r"|organi[sz]ation|fullname|author|name)\s*[\]>}]",
            re.I,
        ),
        HOLDER,
    ),
    (re.compile(r"<one line to give the (?:program|library)'s name[^>]*>", re.I), PROJECT),
    (re.compile(r"<program>", re.I), PROJECT),
)


def fill_holders(text: str, rng: random.Random) -> str | None:
    """The template's fields filled in ([yyyy] [name of copyright owner], <year> <name of
    author>, <program>), or, for a text with none, a copyright line on top."""
    out = text
    for rx, value in _PLACEHOLDERS:
        out = rx.sub(value, out)
    if out != text:
        return out
    line = rng.choice(
        [
            f"Copyright (c) 2024 {HOLDER}",
            f"Copyright 2023-2024 {HOLDER}. All rights reserved.",
            f"\u00a9 2024 {HOLDER}",
            f"Copyright (C) 2024 The {PROJECT} Authors",
        ]
    )
    return f"{line}\n\n{text.lstrip()}"


def prepend_copyright(text: str, rng: random.Random) -> str:
    return f"Copyright 2024 {HOLDER}\n\n{text.lstrip()}"


_TITLES = ("LICENSE", "License", "{name}", "{name}\n\n" + f"Copyright (c) 2024 {HOLDER}")


def title(name: str) -> Callable[[str, random.Random], str]:
    """A title line on top: the license's own name, or just "LICENSE"."""

    def add(text: str, rng: random.Random) -> str:
        head = rng.choice(_TITLES).format(name=name)
        return f"{head}\n\n{text.lstrip()}"

    return add


_END_OF_TERMS = re.compile(r"^\s*END OF TERMS AND CONDITIONS\s*$", re.M)


def drop_appendix(text: str, rng: random.Random) -> str | None:
    """Everything after END OF TERMS AND CONDITIONS dropped (How to apply...)."""
    m = _END_OF_TERMS.search(text)
    if m is None or len(text) - m.end() < 100:
        return None
    return text[: m.end()] + "\n"


def fill_appendix(text: str, rng: random.Random) -> str | None:
    if _END_OF_TERMS.search(text) is None:
        return None
    tail_at = _END_OF_TERMS.search(text).end()
    head, tail = text[:tail_at], text[tail_at:]
    for rx, value in _PLACEHOLDERS:
        tail = rx.sub(value, tail)
    return None if tail == text[tail_at:] else head + tail


_HEADING = re.compile(r"^(\s*)((?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z][A-Z ,.'-]{6,}|Section \d+)\s.*)$")
_URL = re.compile(r"(?<![(<\[])\b(https?://[^\s<>\")]+[^\s<>\").,;])")
_NUMBERED = re.compile(r"^(\s*)(\d{1,2}(?:\.\d{1,2})*)\.(\s)", re.M)


def markdown(text: str, rng: random.Random) -> str:
    """A README-style copy: the title as a heading, short capitalised or numbered headings
    as Markdown headings, section numbers in bold, URLs as links."""
    lines = text.strip("\n").split("\n")
    out = []
    first = True
    for i, line in enumerate(lines):
        stripped = line.strip()
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
        if stripped and first:
            out.append(f"# {stripped}")
            first = False
            continue
        if stripped and prev_blank and next_blank and len(stripped.split()) <= 8:
            out.append(f"## {stripped}")
            continue
        line = _NUMBERED.sub(r"\1**\2.**\3", line)
        line = _URL.sub(lambda m: f"[{m.group(1)}]({m.group(1)})", line)
        out.append(line)
    return "\n".join(out) + "\n"


_MARKER = re.compile(
    r"^\s*(?:[-*\u2022]|\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-z][.)]|\([ivx]{1,4}\)|[ivx]{1,4}\.)\s"
)


def _paragraphs(text: str) -> list[list[str]]:
    """Blocks of lines between blank lines, each cut again where a list item starts."""
    out: list[list[str]] = []
    cur: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if cur:
                out.append(cur)
            out.append([])
            cur = []
        elif _MARKER.match(line) and cur:
            out.append(cur)
            cur = [line]
        else:
            cur.append(line)
    if cur:
        out.append(cur)
    return out


def rewrap(width: int) -> Callable[[str, random.Random], str]:
    """Hard wraps at another width (0: one line per paragraph)."""

    def wrap(text: str, rng: random.Random) -> str:
        out = []
        for para in _paragraphs(text):
            if not para:
                out.append("")
                continue
            joined = " ".join(p.strip() for p in para)
            out.append(joined if width == 0 else textwrap.fill(joined, width))
        return "\n".join(out)

    return wrap


def smart_quotes(text: str, rng: random.Random) -> str | None:
    out = re.sub(r'"([^"\n]{0,200})"', "\u201c\\1\u201d", text)
    out = re.sub(r"``([^`'\n]{0,200})''", "\u201c\\1\u201d", out)
    out = re.sub(r"(?<=\w)'(?=\w)", "\u2019", out)
    return None if out == text else out


def https(text: str, rng: random.Random) -> str | None:
    out = re.sub(r"\bhttp://", "https://", text)
    return None if out == text else out


_FSF_ADDRESSES = (
    "675 Mass Ave, Cambridge, MA 02139, USA",
    "59 Temple Place, Suite 330, Boston, MA 02111-1307 USA",
    "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA",
    "51 Franklin St, Fifth Floor, Boston, MA  02110-1301  USA",
)
_FSF_ADDRESS = re.compile(
    r"(?:675 Mass Ave|59 Temple Place|51 Franklin St(?:reet)?),[^\n]{0,40}?(?:\n[ \t]*)?"
    r"[^\n]{0,30}?MA\s+0\d{4}(?:-\d{4})?,?(?:\s+USA)?"
)


def fsf_address(text: str, rng: random.Random) -> str | None:
    """Another of the Free Software Foundation's postal addresses (old or new)."""
    if not _FSF_ADDRESS.search(text):
        return None
    return _FSF_ADDRESS.sub(lambda m: rng.choice(_FSF_ADDRESSES), text)


def older_gpl2(text: str, rng: random.Random) -> str | None:
    """An older printing of the GPL 2.0 / LGPL 2.x: the 675 Mass Ave address, the "Library"
    GPL named in the preamble, "19yy" in the how-to-apply template."""
    if "Lesser General Public License" not in text or not _FSF_ADDRESS.search(text):
        return None
    if "version 2" not in text.lower():
        return None
    out = _FSF_ADDRESS.sub(_FSF_ADDRESSES[0], text)
    out = out.replace("GNU Lesser General Public License", "GNU Library General Public License")
    return out.replace("<year>", "19yy")


def numbering(style: str) -> Callable[[str, random.Random], str | None]:
    """Another numbering style for numbered items: "1)", "(1)", "Section 1." (an item
    starts after a blank line or a finished sentence, not where a wrap put a number)."""
    rx = re.compile(r"^(\s*)(\d{1,2})\.(\s)")
    repl = {"paren": r"\1\2)\3", "both": r"\1(\2)\3", "section": r"\1Section \2.\3"}[style]

    def renumber(text: str, rng: random.Random) -> str | None:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            prev = lines[i - 1].rstrip() if i else ""
            if not prev or prev[-1] in ".:;":
                lines[i] = rx.sub(repl, line)
        out = "\n".join(lines)
        return None if out == text else out

    return renumber


def project_line(name: str) -> Callable[[str, random.Random], str]:
    """A trailing line that names the project the license is attached to."""

    def add(text: str, rng: random.Random) -> str:
        line = rng.choice(
            [
                PROJECT,
                f"{PROJECT} model weights",
                f"https://huggingface.co/acme/{PROJECT.lower()}",
                f"{PROJECT} is licensed under the {name}.",
                f"The {PROJECT} weights are released under the {name}.",
            ]
        )
        return f"{text.rstrip()}\n\n{line}\n"

    return add


def crlf(text: str, rng: random.Random) -> str:
    return _NEWLINE.sub("\n", text).replace("\n", "\r\n")


def bom(text: str, rng: random.Random) -> str:
    return "\ufeff" + text


def benign(name: str) -> dict[str, Callable[[str, random.Random], str | None]]:
    """The benign transformations, by name (`name`: the license's name, for titles)."""
    return {
        "holder filled in": fill_holders,
        "copyright line on top": prepend_copyright,
        "title line": title(name),
        "appendix dropped": drop_appendix,
        "appendix filled in": fill_appendix,
        "markdown": markdown,
        "wrapped at 60": rewrap(60),
        "wrapped at 100": rewrap(100),
        "one line per paragraph": rewrap(0),
        "smart quotes": smart_quotes,
        "https": https,
        "other FSF address": fsf_address,
        "older GPL 2 printing": older_gpl2,
        "numbering 1)": numbering("paren"),
        "numbering (1)": numbering("both"),
        "numbering Section 1.": numbering("section"),
        "project line": project_line(name),
        "CRLF": crlf,
        "BOM": bom,
    }


# Applied together, in this order (a layout change last: the other edits find their text).
_COMBINABLE = (
    "holder filled in", "title line", "appendix dropped", "appendix filled in", "https",
    "other FSF address", "smart quotes", "numbering 1)", "project line", "markdown",
    "wrapped at 100", "CRLF", "BOM",
)  # fmt: skip


def combined(text: str, name: str, rng: random.Random, n: int) -> tuple[str, list[str]]:
    """`n` benign transformations applied one after the other (those that apply)."""
    pool = benign(name)
    picked = sorted(rng.sample(_COMBINABLE, n), key=_COMBINABLE.index)
    if "appendix dropped" in picked and "appendix filled in" in picked:
        picked.remove("appendix filled in")
    used = []
    for key in picked:
        out = pool[key](text, rng)
        if out is not None:
            text = out
            used.append(key)
    return text, used


# --- restrictive edits -----------------------------------------------------------------

ADDED: dict[str, tuple[str, ...]] = {
    "commercial": (
        "You may not use the Software for commercial purposes.",
        "Commercial use requires a separate license from the copyright holder.",
        "Use by for-profit companies is excluded from this license.",
        "This grant covers non-commercial use only.",
        "Selling the Work, or any service built on it, is forbidden.",
    ),
    "field of use": (
        "The Software shall not be used for military purposes.",
        "Any use in weapons, surveillance or law enforcement is excluded.",
        "Use in medical diagnosis is not licensed.",
        "You agree not to deploy the Model in any critical infrastructure.",
        "The Work is licensed for academic research and evaluation.",
    ),
    "revocation": (
        "The licensor may revoke this license at any time.",
        "These rights end automatically whenever the authors decide, upon notice.",
        f"{HOLDER} reserves the right to withdraw this grant without notice.",
        "This permission is revocable.",
    ),
    "threshold": (
        "If your products have more than 100 million monthly active users, you must request"
        f" a license from {HOLDER}.",
        "Entities with annual revenue above USD 10 million need a commercial agreement.",
        "Deployments serving over 1,000,000 daily users require written permission.",
    ),
    "attribution": (
        f'Any product using the Work must display "Built with {PROJECT}" prominently.',
        f"You must credit {HOLDER} on the front page of your website.",
        f'Every derivative model\'s name must begin with "{PROJECT}".',
    ),
    "outputs": (
        "You may not use outputs of the Model to train other models.",
        "Outputs generated with the Software can't be used to develop competing products.",
        f"Results produced by the model belong to {HOLDER}.",
    ),
}
ADDED_ZH: dict[str, tuple[str, ...]] = {
    "commercial": ("未经发布者书面授权，不得将本模型用于商业用途。", "本协议仅允许非商业使用。"),
    "field of use": ("不得将本模型用于军事用途。", "禁止将本模型用于医疗诊断。"),
    "revocation": ("发布者有权随时撤销本许可。",),
    "threshold": ("月活跃用户超过1亿的使用者须另行取得发布者授权。",),
    "attribution": ("使用者须在产品界面显著标注“基于本模型构建”。",),
    "outputs": ("不得使用本模型的输出训练其他模型。",),
}
NARROWING = (
    "for non-commercial purposes",
    "solely for research",
    "for personal use only",
    "within the United States only",
)
NARROWING_ZH = ("仅限非商业目的", "仅用于学术研究")
PLACES = ("end", "top", "middle", "inline")


@dataclass(frozen=True)
class Edit:
    kind: str  # "commercial", "removed permission", ...
    text: str
    line: int  # 1-based line of the edit in the edited text (a removal: the line before)
    how: str  # what was done, for reports


def _blocks(lines: list[str]) -> list[int]:
    """Indexes of lines that start a paragraph (after a blank line) past the title."""
    return [
        i for i in range(2, len(lines)) if not lines[i - 1].strip() and lines[i].strip()
    ]  # fmt: skip


def _insert(text: str, clause: str, place: str) -> tuple[str, int]:
    lines = text.rstrip("\n").split("\n")
    if place == "end":
        return "\n".join([*lines, "", clause]) + "\n", len(lines) + 2
    starts = _blocks(lines) or [len(lines)]
    if place == "top":
        at = starts[0]
    elif place == "middle":
        at = starts[len(starts) // 2]
    else:  # inline: after the first sentence that ends inside a paragraph line
        for i in range(len(starts) // 3, len(lines)):
            line = lines[i]
            m = re.search(r"[.;](?=\s+\S)|[\u3002\uff1b](?=\S)", line)
            if (m and len(line.split()) >= 4) or (m and _HAN.search(line)):
                sep = "" if _HAN.search(clause) else " "
                lines[i] = line[: m.end()] + sep + clause + line[m.end() :]
                return "\n".join(lines) + "\n", i + 1
        return _insert(text, clause, "end")
    return "\n".join([*lines[:at], clause, "", *lines[at:]]) + "\n", at + 1


def added_clauses(text: str, chinese: bool = False) -> list[Edit]:
    """Each added clause of the catalogue, its place rotating among end / top / middle /
    inline (a sentence put inside an existing paragraph line)."""
    out = []
    n = 0
    for kind, phrasings in (ADDED_ZH if chinese else ADDED).items():
        for clause in phrasings:
            for place in (PLACES[n % 4], PLACES[(n + 2) % 4]):
                edited, line = _insert(text, clause, place)
                out.append(Edit(kind, edited, line, f"{place}: {clause}"))
            n += 1
    return out


_GRANT = re.compile(
    r"\b(?:hereby grant(?:s|ed)?|are permitted|is granted|grants? (?:you|to you)|to deal in"
    r"|permission to use|free to copy)\b",
    re.I,
)
_GRANT_ZH = re.compile(r"授予|许可您|允许")


def narrowed_grants(text: str, chinese: bool = False) -> list[Edit]:
    """A few words put into the grant ("... to use, copy ... for non-commercial purposes")."""
    lines = text.split("\n")
    rx = _GRANT_ZH if chinese else _GRANT
    out = []
    for phrase in NARROWING_ZH if chinese else NARROWING:
        for i, line in enumerate(lines):
            m = rx.search(line)
            if m:
                sep = "" if chinese else " "
                edited = (
                    line[: m.end()] + sep + phrase + ("，" if chinese else "") + line[m.end() :]
                )
                new = "\n".join([*lines[:i], edited, *lines[i + 1 :]])
                out.append(Edit("narrowed grant", new, i + 1, f"'{phrase}' after '{m.group()}'"))
                break
    return out


_PERMISSIONS = (
    "sublicense", "sell", "modify", "merge", "publish", "distribute", "copy", "use",
    "reproduce", "publicly display", "publicly perform", "prepare Derivative Works of",
    "commercial", "adapt", "share",
)  # fmt: skip
_PERMISSIONS_ZH = ("分发", "修改", "商业", "共享")


def removed_permissions(text: str, chinese: bool = False) -> list[Edit]:
    """One permission taken out of a list of them ("use, copy, modify, ... sell")."""
    lines = text.split("\n")
    out = []
    words = _PERMISSIONS_ZH if chinese else _PERMISSIONS
    for word in words:
        if chinese:
            rx = re.compile(f"[、，]?{word}")
        else:  # in a list: a comma, "and" or "or" beside it
            rx = re.compile(rf"(?:,\s*(?:and/or |and |or )?{word}\b|\b{word},\s*)", re.I)
        for i, line in enumerate(lines):
            if "copyright" in line.lower() or "warrant" in line.lower():
                continue
            m = rx.search(line)
            if m:
                edited = line[: m.start()] + line[m.end() :]
                new = "\n".join([*lines[:i], edited, *lines[i + 1 :]])
                out.append(Edit("removed permission", new, i + 1, f"'{word}' removed"))
                break
        if len(out) >= 3:
            break
    return out


def removed_grant(text: str, chinese: bool = False) -> list[Edit]:
    """The paragraph holding the grant removed."""
    lines = text.split("\n")
    rx = _GRANT_ZH if chinese else _GRANT
    for i, line in enumerate(lines):
        if rx.search(line) and i > 0:
            a = i
            while a > 0 and lines[a - 1].strip():
                a -= 1
            b = i
            while b + 1 < len(lines) and lines[b + 1].strip():
                b += 1
            new = "\n".join([*lines[:a], *lines[b + 1 :]])
            return [Edit("removed permission", new, max(a, 1), "grant paragraph removed")]
    return []


_NUMBER = re.compile(r"(?<=[a-z(,] )\(?(\d{1,3}(?:,\d{3})*)\)?(?= [a-z])")
_NUMBER_ZH = re.compile(r"(?<=[\u4e00-\u9fff])(\d{1,4})(?=[\u4e00-\u9fff])")


def changed_numbers(text: str, chinese: bool = False) -> list[Edit]:
    """A number in the prose changed ("thirty (30) days" -> "(3) days", "version 2" ->
    "version 4"); not a list marker, a year or a postal address."""
    out = []
    rx = _NUMBER_ZH if chinese else _NUMBER
    for i, line in enumerate(text.split("\n")):
        low = line.lower()
        if "copyright" in low or " ma " in low or "street" in low:
            continue
        m = rx.search(line)
        if m is None or len(m.group(1)) == 4:
            continue
        old = m.group(1)
        new_num = str(int(old.replace(",", "")) * 3 + 1)
        edited = line[: m.start(1)] + new_num + line[m.end(1) :]
        lines = text.split("\n")
        lines[i] = edited
        out.append(Edit("changed number", "\n".join(lines), i + 1, f"{old} -> {new_num}"))
        if len(out) >= 2:
            break
    return out


_NOT = re.compile(r"\b(?:not|never)\s+", re.I)
_NOT_ZH = re.compile(r"不(?=得|能|可)|禁止|无权")


def dropped_nots(text: str, chinese: bool = False) -> list[Edit]:
    """A "not" dropped (the first, one in the middle, the last)."""
    lines = text.split("\n")
    hits = [
        (i, m)
        for i, line in enumerate(lines)
        for m in (_NOT_ZH if chinese else _NOT).finditer(line)
    ]
    picked = sorted({0, len(hits) // 2, len(hits) - 1}) if hits else []
    out = []
    for i, m in (hits[k] for k in picked):
        line = lines[i]
        instead = "可" if chinese and m.group() != "不" else ""  # 禁止 -> 可, 不得 -> 得
        edited = line[: m.start()] + instead + line[m.end() :]
        new = "\n".join([*lines[:i], edited, *lines[i + 1 :]])
        out.append(Edit("dropped not", new, i + 1, f"'{m.group().strip()}' dropped"))
    return out


def restrictive(text: str, chinese: bool = False) -> list[Edit]:
    """Every restrictive edit of `text`."""
    return [
        *added_clauses(text, chinese),
        *narrowed_grants(text, chinese),
        *removed_permissions(text, chinese),
        *removed_grant(text, chinese),
        *changed_numbers(text, chinese),
        *dropped_nots(text, chinese),
    ]
