"""Property tests (issue #7): whatever a stranger writes in a policy, the loader
answers with a policy or a PolicyError naming file:line; a valid policy is applied as
written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST, any_text, located, project_folder

from licscan.engine.policy import display_path, load_policy
from licscan.errors import PolicyError
from licscan.model import FLAG_IDS, SEVERITIES, USES


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return project_folder(tmp_path_factory.mktemp("props"))


# --- policy --------------------------------------------------------------------------------


@FAST
@given(body=any_text)
def test_policy_loader_answers_or_names_file_and_line(folder, body):
    path = folder / "policy.yaml"
    path.write_text(body, encoding="utf-8")
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        located(exc.errors, display_path(path), body)
        return
    assert policy.categories["commercial"]["unknown"].severity == "block"  # fail closed
    for table in (policy.flags, policy.categories):
        assert all(r.severity in SEVERITIES for rules in table.values() for r in rules.values())


@FAST
@given(
    flags=st.dictionaries(st.sampled_from(FLAG_IDS), st.sampled_from(SEVERITIES), max_size=6),
    extends=st.sampled_from(USES),
)
def test_valid_policy_is_applied_as_written(folder, flags, extends):
    """Oracle: each flag severity written is the one the loaded policy uses, with its line."""
    lines = [f"extends: {extends}", "flags:"] + [f"  {f}: {s}" for f, s in flags.items()]
    path = folder / "valid-policy.yaml"
    path.write_text("\n".join(lines) + "\n" if flags else f"extends: {extends}\n")
    policy = load_policy(path)
    assert policy.uses == [extends]
    for i, (flag, sev) in enumerate(flags.items()):
        rule = policy.flags[extends][flag]
        assert rule.severity == sev and rule.source.line == i + 3
