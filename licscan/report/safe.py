"""Output that reaches a terminal, a file or a pull-request comment carries no control
characters, whatever the card, license file, folder name or Hub answer held.

An ESC sequence in a card's `license_name` would recolour, clear or retitle the terminal
that prints it (OSC 8 even plants hyperlinks), BEL rings it, a carriage return overwrites
the line before it, and bidi overrides reorder what a reviewer reads.  A raw `@name` in a
Markdown report pings that GitHub user wherever the report is posted as a comment.

`clean_output(fmt, text)` is the last step of every report (licscan.report.render);
`strip_controls` is what the command line applies to everything else it prints.
"""

from __future__ import annotations

import re

# In terminal text, whole sequences go first, so "ESC[2J" leaves no "[2J" behind: CSI (7-
# and 8-bit), OSC/DCS/SOS/PM/APC strings with their terminator, two-character escapes.
# (Structured formats lose the control characters only: a sequence matched across JSON
# or HTML syntax would take the syntax with it.)
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
# C0 but tab and newline, DEL, C1, and the bidi embeddings, overrides and isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SGR = re.compile(r"(\x1b\[[0-9;]*m)")  # colours licscan's own text report sets
# A JSON string escape: \uXXXX or one character (so an escaped backslash stays one token).
_JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.S)
_JSON_FORMATS = ("json", "sarif", "cyclonedx", "spdx")
# `@name` or `@org/team` where GitHub would see a mention (not an e-mail, not org/x@rev).
_MENTION = re.compile(r"(?<![\w@/.`-])@(?=[A-Za-z0-9])")
_CODE = re.compile(r"(^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\2[ \t]*$|\Z)|`+[^`\n]*`+)", re.M | re.S)


def strip_controls(text: str, keep_sgr: bool = False) -> str:
    """`text` without control characters (tab and newline stay).  keep_sgr: colour
    sequences stay (licscan's coloured table; untrusted values were cleaned before)."""
    if keep_sgr:
        parts = _SGR.split(text)
        return "".join(p if i % 2 else strip_controls(p) for i, p in enumerate(parts))
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def strip_chars(text: str) -> str:
    """`text` without control characters, each removed alone (what structured formats get)."""
    return _CONTROLS.sub("", text)


def clean_output(fmt: str, text: str) -> str:
    """A rendered report, safe to print, write or post."""
    if fmt == "text":
        return strip_controls(text, keep_sgr=True)
    if fmt in _JSON_FORMATS:
        text = _JSON_ESCAPE.sub(_json_escape, text)
    text = strip_chars(text)
    return neutralise_mentions(text) if fmt == "markdown" else text


def neutralise_mentions(markdown: str) -> str:
    """`@name` outside code becomes `@&#8203;name`: it reads the same, and pings no one."""
    out, pos = [], 0
    for m in _CODE.finditer(markdown):
        out.append(_MENTION.sub("@&#8203;", markdown[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_MENTION.sub("@&#8203;", markdown[pos:]))
    return "".join(out)


def _json_escape(m: re.Match[str]) -> str:
    """Drop an escaped control character (\\u001b, \\b, \\f, \\r), keep every other escape."""
    e = m.group(1)
    if e in ("b", "f", "r"):
        return ""
    if len(e) == 5 and _CONTROLS.match(chr(int(e[1:], 16))):
        return ""
    return m.group(0)
