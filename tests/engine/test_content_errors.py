"""Which unreadable license file is a finding about the file (oversized, binary: the repo
ships something that is not a license text) and which a failure to fetch it: decided
today by two word lists (engine.assess and sources.hub).  Issue 16 (S8e) pins this truth
table before the lists become one typed field.  They agree on every message but one: a
BOM-declared UTF-16 text whose decoder says "illegal encoding" is a content finding for
the engine's list (it has "encoding") and a fetch failure for the Hub's; kept as it is
and pinned here until the lead decides (the plan assumed no message had the word)."""

from __future__ import annotations

import pytest

from licscan.engine.assess import _content_error as engine_says
from licscan.model import LicenseFile
from licscan.sources.files import LICENSE_CAP, TextError, decode, decode_text, oversize_error
from licscan.sources.hub import _content_error as hub_says


def _decode_error(data: bytes) -> str:
    with pytest.raises((TextError, ValueError)) as caught:
        decode_text(data)
    return f"LICENSE: {caught.value}"


def _messages() -> list[tuple[str, bool]]:
    """(message, is it about the content) for every kind of error a source writes."""
    with pytest.raises(TextError) as too_large:
        decode(b"a" * 1_000_001)
    return [
        (oversize_error("LICENSE", LICENSE_CAP + 1), True),  # local, Hub, supplied
        (_decode_error(b"\x00\x01\x02" * 100), True),  # binary content
        (f"LICENSE: {too_large.value}", True),  # between the text limit and the cap
        (_decode_error(b"\xff\xfe" + b"\x00\xd8"), False),  # a BOM that does not decode
        ("LICENSE: cannot read: Permission denied", False),
        ("LICENSE: not in the local cache (offline)", False),
        ("LICENSE: gated repo, no token given", False),
        ("LICENSE: 404 Not Found: the file is not in the repository", False),
        ("LICENSE: timed out after 60 s", False),
    ]


@pytest.mark.parametrize(("message", "content"), _messages())
def test_both_lists_put_each_message_on_the_same_side(message: str, content: bool) -> None:
    lf = LicenseFile("LICENSE", None, error=message)
    assert engine_says(message) is content
    assert hub_says(lf) is content


def test_the_one_message_the_lists_disagree_on() -> None:
    # b"\xff\xfe" (UTF-16 LE) then a low surrogate first: the decoder's "illegal encoding"
    message = _decode_error(b"\xff\xfe" + b"\x00\xdc\x00\xd8")
    assert message.endswith("not valid utf-16 text: illegal encoding"), message
    assert engine_says(message) is True
    assert hub_says(LicenseFile("LICENSE", None, error=message)) is False


def test_the_messages_are_the_ones_sources_write() -> None:
    assert "binary content" in _decode_error(b"\x00\x01\x02" * 100)
    assert "not valid utf-16 text" in _decode_error(b"\xff\xfe" + b"\x00\xd8")
