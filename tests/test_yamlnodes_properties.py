"""Property test: the located YAML reader (licscan.yamlnodes) takes libyaml's fast path
yet fails exactly like the pure parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST


@FAST
@given(
    st.text(
        alphabet=st.sampled_from(list("a:- []{}\"'#!&*?|>\t\n\x00\x07é\u2028\ud800")), max_size=40
    )
)
def test_located_yaml_fast_path_fails_like_the_pure_parser(text):
    """yamlnodes.compose takes libyaml's fast path, yet never raises anything but
    YamlSyntaxError, and a rejected text gets the pure parser's (precise) error line."""
    import yaml as pyyaml

    from licscan.yamlnodes import YamlSyntaxError, compose, error_line

    try:
        node = compose(text)
    except YamlSyntaxError as exc:
        with pytest.raises(pyyaml.YAMLError) as pure:
            pyyaml.compose(text, Loader=pyyaml.SafeLoader)
        assert exc.line == error_line(pure.value, text)
        return
    assert node is None or isinstance(node, pyyaml.Node)
