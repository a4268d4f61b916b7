"""Property tests (issue #7): whatever a stranger writes in a model card, the card
parser answers with a card whose problems are one line each, and valid cards are read
as written."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST, KEYS, any_text, json_value, line_count, repo_id

from licscan.hubref import normalize_repo_ref
from licscan.model import CardInfo
from licscan.sources.card import card_from_data, parse_card

# --- model card --------------------------------------------------------------------------


def _check_card(card: CardInfo, text: str) -> None:
    assert isinstance(card, CardInfo)
    assert all(isinstance(p, str) and p.splitlines() == [p] for p in card.problems)
    for items in (card.licenses, card.tags, card.datasets):
        assert all(isinstance(x, str) and x == x.strip() and x for x in items)
    assert all(normalize_repo_ref(b) == b for b in card.base_models)
    for field_ in (card.license_name, card.license_link, card.base_model_relation):
        assert field_ is None or isinstance(field_, str)
    n = line_count(text.replace("\r\n", "\n").replace("\r", "\n"))  # as editors count lines
    assert all(isinstance(v, int) and 1 <= v <= n for v in card.key_lines.values())


@FAST
@given(body=any_text, where=st.sampled_from(["top", "bom-crlf", "below-prose", "bare"]))
def test_card_parser_never_raises(body, where):
    text = {
        "top": f"---\n{body}\n---\n# Model\n",
        "bom-crlf": f"\ufeff---\n{body}\n---\nbody\n".replace("\n", "\r\n"),
        "below-prose": f"# Model\n\nSome prose.\n\n---\nlicense: mit\n{body}\n---\n",
        "bare": body,
    }[where]
    _check_card(parse_card(text), text)


@FAST
@given(data=json_value)
def test_card_from_api_data_never_raises(data):
    card = card_from_data(data)
    assert all(isinstance(x, str) for x in card.licenses + card.tags + card.base_models)
    assert all(isinstance(p, str) and p.splitlines() == [p] for p in card.problems)


@FAST
@given(
    licenses=st.lists(
        st.sampled_from(["mit", "apache-2.0", "llama3.1", "other", "MIT"]), min_size=1, max_size=3
    ),
    bases=st.lists(repo_id, max_size=3),
    padding=st.lists(st.sampled_from(KEYS[5:12]), max_size=3, unique=True),
)
def test_valid_card_is_read_as_written(licenses, bases, padding):
    """Oracle: a card written by a YAML dumper reads back as written, with key lines."""
    meta = {k: "x" for k in padding}
    meta["license"] = licenses if len(licenses) > 1 else licenses[0]
    if bases:
        meta["base_model"] = bases if len(bases) > 1 else bases[0]
    text = "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n# Model\n"
    card = parse_card(text)
    assert card.licenses == licenses
    assert card.base_models == list(dict.fromkeys(bases))
    assert text.split("\n")[card.key_lines["license"] - 1].startswith("license:")
    _check_card(card, text)
