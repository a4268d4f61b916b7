"""License ids and names -> knowledge-base keys.

Accepts what model cards and manifests carry: Hub ids (`llama3.1`, `bsl-1.0`),
SPDX ids and expressions (`GPL-3.0-or-later`, `MIT OR Apache-2.0`), ScanCode keys,
`LicenseRef-hf-*` references and free-form `license_name` values.  A single id or
name is looked up directly (every alias `license-expression` knows for a knowledge-base
SPDX id is one of its aliases: a test checks it); only an expression is parsed with
`license-expression`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from licscan.model import CATEGORY_ORDER, NOT_A_LICENSE_ID, KnowledgeBase, strictest

_LICENSEREF_RE = re.compile(r"^licenseref-(?:hf-|scancode-)?", re.I)


def resolve_license_id(kb: KnowledgeBase, value: str) -> str | None:
    """The key in `kb` a license id, expression or name stands for, or None.

    For an expression, `A AND B` resolves to the stricter of the two (both bind),
    `A OR B` to the more open one (the licensee may choose)."""
    if not isinstance(value, str):
        return None
    return _resolve(kb, value)


@lru_cache(maxsize=4096)  # a scan of a thousand cards meets the same few ids
def _resolve(kb: KnowledgeBase, value: str) -> str | None:
    text = value.strip().strip("\"'")
    if text.lower() in NOT_A_LICENSE_ID:
        return None
    for candidate in (text, _LICENSEREF_RE.sub("", text)):
        entry = kb.lookup(candidate)
        if entry:
            return entry.key
    if re.search(r"\s(?:and|or|with)\s|[()]", text, re.I):
        return _resolve_expression(kb, text)
    return None  # (the SPDX aliases license-expression knows are knowledge-base aliases)


def resolve_expression(kb: KnowledgeBase, value: str) -> list[str]:
    """Every knowledge-base key named in an SPDX expression (unknown symbols skipped)."""
    parsed = _parse(value)
    if parsed is None:
        key = resolve_license_id(kb, value)
        return [key] if key else []
    keys = []
    for symbol in parsed.symbols:
        key = resolve_license_id(kb, str(symbol.key))
        if key and key not in keys:
            keys.append(key)
    return keys


def _resolve_expression(kb: KnowledgeBase, text: str) -> str | None:
    parsed = _parse(text)
    if parsed is None:
        return None
    return _fold(kb, parsed)


def _fold(kb: KnowledgeBase, node) -> str | None:
    from license_expression import AND, OR

    if isinstance(node, AND | OR):
        keys = [_fold(kb, arg) for arg in node.args]
        if isinstance(node, AND):
            if any(k is None for k in keys):
                return None  # an unknown part binds too: cannot say
            return _by_category(kb, keys, strictest_first=True)
        known = [k for k in keys if k]
        return _by_category(kb, known, strictest_first=False) if known else None
    key = getattr(node, "key", None)
    if key is None:  # a WITH exception: the license part decides
        key = getattr(getattr(node, "license_symbol", None), "key", None)
    return resolve_license_id(kb, str(key)) if key else None


def _by_category(kb: KnowledgeBase, keys: list[str], strictest_first: bool) -> str | None:
    if not keys:
        return None
    cats = [kb.entries[k].category for k in keys]
    target = strictest(cats) if strictest_first else min(cats, key=CATEGORY_ORDER.index)
    return keys[cats.index(target)]


@lru_cache(maxsize=4096)  # cards repeat the same few names; a parse costs ~0.5 ms
def _parse(text: str):
    licensing = _licensing()
    try:
        return licensing.parse(text, validate=False, strict=False)
    except Exception:  # ExpressionError and friends: not an expression
        return None


@cache
def _licensing():
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()
