"""Hypothesis strategies shared by the property tests (issue #7): YAML-shaped text that
hits the loaders' corners, JSON values, license-like text, and the checks every loader's
error must pass (one line, naming file:line)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

# --- strategies: YAML-shaped text that hits the loaders' corners ---------------------------

KEYS = [
    "license", "licence", "license_name", "license_link", "base_model", "base_model_relation",
    "datasets", "tags", "extra_gated_prompt", "models", "use", "policy", "id", "path",
    "revision", "note", "extends", "flags", "categories", "waivers", "allow_licenses",
    "deny_licenses", "allow_models", "deny_models", "organisation", "allow_errors", "lineage",
    "max_depth", "unresolved", "model", "reason", "approver", "expires", "monthly_active_users",
    "annual_revenue_usd", "commercial", "research", "non-commercial", "unknown", "<<",
]  # fmt: skip
WEIRD = [
    "mit", "other", "[]", "{}", "~", "true", "-1", "1e400", "0x1F", ".nan", "2026-01-01",
    "2026-13-45", "'x'", '"y\\n z"', "!!binary aGk=", "!!binary %%", "!!int x", "!!float x",
    "!!timestamp foo", "!!bool maybe", "!!str 1", "!!python/name:os.system", "!local x",
    "&a x", "*a", "*undefined", "org/name", "org/name@v1", "a/b@", "../x", "a--b/c", "*",
    "[ab", "block", "warn", "info", "research", "models/x", "p.yaml", "9" * 30, "@", "`x",
    "%x", "|", ">-", "? x", "- -", "\t", "#", "\x01", "\u2028", "\ufeff", "é",
    '"x\\0y.yaml"', "~no-such-user-licscan/x", "d/" * 200 + ".yaml", "models/x/" + "n" * 300,
]  # fmt: skip
scalar = st.sampled_from(WEIRD) | st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=10
)
key = st.sampled_from(KEYS) | scalar
value = st.recursive(
    scalar,
    lambda inner: (
        st.tuples(st.just("L"), st.lists(inner, max_size=4))
        | st.tuples(st.just("M"), st.lists(st.tuples(key, inner), max_size=4))
    ),
    max_leaves=20,
)


def render(v, indent: int) -> str:
    """A value as block YAML (mappings ("M", pairs), lists ("L", items), scalars as is)."""
    if isinstance(v, str):
        return " " + v
    kind, items = v
    pad = " " * indent
    if kind == "L":
        return "".join(f"\n{pad}-{render(x, indent + 2)}" for x in items) or " []"
    return "".join(f"\n{pad}{k}:{render(x, indent + 2)}" for k, x in items) or " {}"


yaml_doc = st.lists(st.tuples(key, value), max_size=6).map(
    lambda pairs: render(("M", pairs), 0).lstrip("\n")
)
any_text = yaml_doc | st.text(max_size=300)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=20,
)
repo_id = st.from_regex(
    r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,3})?/[A-Za-z0-9][A-Za-z0-9_]{0,8}([.-][A-Za-z0-9]{1,3})?",
    fullmatch=True,
)


WORDS = [
    "license", "non-commercial", "research only", "(a)", "1.", "iv.", "Copyright (c) 2024 X",
    "All rights reserved.", "<b>", "</b>", "<!-- c -->", "[x](http://y)", "&amp;", "&#0;",
    "\u201cquoted\u201d", "\n", "\n\n", "\r\n", "\r", "  ", ".", ";", "700 million",
    "monthly active users", "you may not use outputs to train", "Llama", "Apache License",
    "Version 2.0", "第一条 许可", "- ", "* ", "#", "Page 3 of 9", "\ufeff", "\u00ad", "\x00",
]  # fmt: skip
license_like = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=80).map(" ".join)


def line_count(text: str) -> int:
    return text.count("\n") + 1


def located(errors: list[str], label: str, text: str) -> None:
    """Each error is one line starting 'label:N: ' with N a line of the file."""
    for message in errors:
        m = re.match(rf"{re.escape(label)}:(\d+): \S", message)
        assert m and message.splitlines() == [message], message
        assert 1 <= int(m.group(1)) <= line_count(text) + 1, message


def project_folder(root: Path) -> Path:
    """A project folder with what manifests may point at (models/x, p.yaml)."""
    (root / "models" / "x").mkdir(parents=True)
    (root / "p.yaml").write_text("extends: research\n")
    return root
