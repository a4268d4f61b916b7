"""Property tests (issue #7): any text or file classifies to a category of the
taxonomy, with evidence inside the text, or an error; never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import license_like, project_folder

from licscan.engine.classify import classify_file, classify_text
from licscan.model import CATEGORY_ORDER, FLAG_IDS
from licscan.sources.files import read_license_path


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return project_folder(tmp_path_factory.mktemp("props"))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=license_like | st.text(max_size=300))
def test_classify_any_text(text):
    result = classify_text(text, "LICENSE")
    assert result.category in CATEGORY_ORDER
    assert 0.0 <= result.match.score <= 1.0 + 1e-9
    assert all(f.id in FLAG_IDS for f in result.flags)
    n = max(1, len(text.splitlines()))
    for ev in (e for f in result.flags for e in f.evidence if e.lines):
        assert 1 <= ev.lines[0] <= ev.lines[1] <= n + 1
    if result.error:
        assert result.category == "unknown" and result.match.key is None


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=400) | license_like.map(str.encode))
def test_classify_any_file(folder, data):
    path = folder / "LICENSE"
    path.write_bytes(data)
    result = classify_file(read_license_path(str(path)))
    assert result.category in CATEGORY_ORDER
    assert result.error is None or (result.error and "\n" not in result.error)
