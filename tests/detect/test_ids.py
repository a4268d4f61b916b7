"""Hub ids, SPDX ids and expressions, names -> knowledge-base keys."""

from __future__ import annotations

import pytest

from licscan.knowledge import resolve_expression, resolve_license_id


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("llama3.1", "llama-3.1"),
        ("Llama 3.1 Community License Agreement", "llama-3.1"),
        ("LicenseRef-hf-llama3", "llama-3"),
        ("bsl-1.0", "bsl-1.0"),
        ("gpl-3.0", "gpl-3.0-only"),
        ("GPL-3.0-or-later", "gpl-3.0-or-later"),
        ("GPL-2.0+", "gpl-2.0-or-later"),
        ("Apache License 2.0", "apache-2.0"),
        ("apache 2.0", "apache-2.0"),
        ("CC-BY-NC-SA-4.0", "cc-by-nc-sa-4.0"),
        ("Apache-2.0 WITH LLVM-exception", "apache-2.0"),
        ("mnpl", "mistral-non-production-0.1"),
    ],
)
def test_resolves(value: str, key: str) -> None:
    assert resolve_license_id(value) == key


@pytest.mark.parametrize("value", ["other", "unknown", "", "NOASSERTION", "made-up-license-9"])
def test_unresolvable(value: str) -> None:
    assert resolve_license_id(value) is None


def test_expressions_pick_what_binds() -> None:
    assert resolve_license_id("MIT OR Apache-2.0") in ("mit", "apache-2.0")
    assert resolve_license_id("MIT OR CC-BY-NC-4.0") == "mit"  # the licensee may choose
    assert resolve_license_id("Apache-2.0 AND CC-BY-NC-4.0") == "cc-by-nc-4.0"  # both bind
    assert resolve_license_id("CC-BY-NC-4.0 AND made-up-thing") is None  # cannot say
    assert sorted(resolve_expression("MIT OR Apache-2.0")) == ["apache-2.0", "mit"]


def test_every_spdx_alias_of_a_known_license_resolves_without_parsing() -> None:
    """A single id is looked up, never parsed: so every name license-expression maps to
    an SPDX id the knowledge base knows must be one of that entry's names or aliases."""
    from license_expression import get_spdx_licensing

    from licscan.knowledge import load_knowledge

    kb, licensing = load_knowledge(), get_spdx_licensing()
    missing = []
    for key, symbol in licensing.known_symbols.items():
        entry = kb.lookup(key)
        if entry is None:
            continue
        for name in (key, *(getattr(symbol, "aliases", ()) or ())):
            if resolve_license_id(name) != entry.key:
                missing.append(f"{name} -> {entry.key}")
    assert not missing, "add as aliases in rules/licenses: " + ", ".join(missing)


def test_a_generic_license_name_selects_no_vendors_entry() -> None:
    # "Modified MIT" names a kind of license, not Moonshot's: which modification is unknown
    for value in ("modified-mit", "Modified MIT License"):
        assert resolve_license_id(value) is None
