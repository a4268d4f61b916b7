"""Property tests (issue #7): any bytes decode to text or a one-line TextError, and
tokens keep their invariants whatever the text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import FAST, license_like

from licscan.detect.normalize import tokenize
from licscan.sources.files import MAX_TEXT_BYTES, TextError, decode

# --- text normaliser and classify ------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=600) | license_like.map(lambda t: t.encode("utf-16")))
def test_decode_gives_text_or_a_text_error(data):
    try:
        text = decode(data)
    except TextError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(text, str)


def test_decode_refuses_oversize_input():
    with pytest.raises(TextError, match="too large"):
        decode(b"a" * (MAX_TEXT_BYTES + 1))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=license_like | st.text(max_size=400))
def test_tokens_keep_their_invariants(text):
    tokens = tokenize(text)
    assert len(tokens.words) == len(tokens.lines)
    assert tokens.lines == sorted(tokens.lines)
    assert all(1 <= n <= tokens.line_count for n in tokens.lines)
    assert all(w and w == w.lower() and not any(c.isspace() for c in w) for w in tokens.words)
    # sentences partition the tokens, in order
    flat = [i for start, end in tokens.sentences for i in range(start, end)]
    assert flat == list(range(len(tokens.words)))
    assert all(end > start for start, end in tokens.sentences)
    # line-ending and BOM variants are the same text
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    assert tokenize("\ufeff" + unix.replace("\n", "\r\n")).words == tokens.words
