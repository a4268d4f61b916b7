"""Property tests (issue #7): whatever a stranger writes in a model card, a manifest, a
policy or a license file, the parsers never crash.  Each answers with a result or with
the error type its module defines (UsageError / PolicyError naming file:line, TextError,
a one-line card problem, an `error` on a classification), and what it returns keeps its
invariants.  Where valid input can be generated, the result is checked against it too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licscan.detect.normalize import MAX_TEXT_BYTES, TextError, decode, tokenize
from licscan.engine.classify import classify_path, classify_text
from licscan.engine.policy import display_path, load_policy
from licscan.errors import PolicyError, UsageError
from licscan.hubref import normalize_repo_ref
from licscan.model import CATEGORY_ORDER, FLAG_IDS, SEVERITIES, USES, CardInfo
from licscan.sources.card import card_from_data, parse_card
from licscan.sources.manifest import load_manifest

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


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A project folder with what manifests may point at (models/x, p.yaml)."""
    root = tmp_path_factory.mktemp("props")
    (root / "models" / "x").mkdir(parents=True)
    (root / "p.yaml").write_text("extends: research\n")
    return root


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _located(errors: list[str], label: str, text: str) -> None:
    """Each error is one line starting 'label:N: ' with N a line of the file."""
    for message in errors:
        m = re.match(rf"{re.escape(label)}:(\d+): \S", message)
        assert m and message.splitlines() == [message], message
        assert 1 <= int(m.group(1)) <= _lines(text) + 1, message


# --- model card --------------------------------------------------------------------------


def _check_card(card: CardInfo, text: str) -> None:
    assert isinstance(card, CardInfo)
    assert all(isinstance(p, str) and p.splitlines() == [p] for p in card.problems)
    for items in (card.licenses, card.tags, card.datasets):
        assert all(isinstance(x, str) and x == x.strip() and x for x in items)
    assert all(normalize_repo_ref(b) == b for b in card.base_models)
    for field_ in (card.license_name, card.license_link, card.base_model_relation):
        assert field_ is None or isinstance(field_, str)
    n = _lines(text.replace("\r\n", "\n").replace("\r", "\n"))  # as editors count lines
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


# --- manifest ------------------------------------------------------------------------------


@FAST
@given(body=any_text | st.binary(max_size=120).map(lambda b: b.decode("latin-1")))
def test_manifest_loader_answers_or_names_file_and_line(folder, body):
    path = folder / "licscan.yaml"
    path.write_text(body, encoding="utf-8")
    try:
        manifest = load_manifest(path)
    except UsageError as exc:
        _located(exc.errors, str(path), body)
        return
    assert all(t.kind in ("hub", "local") and t.location[0] == str(path) for t in manifest.targets)
    assert all(u in USES for u in manifest.use)


@FAST
@given(value=scalar, key=st.sampled_from(["path", "policy"]))
def test_manifest_paths_answer_or_name_file_and_line(folder, value, key):
    """Folder and policy paths (NUL bytes, ~unknown-user, names too long) are checked."""
    body = f"models:\n  - path: {value}\n" if key == "path" else f"policy: {value}\nmodels: [a/b]\n"
    path = folder / "paths.yaml"
    path.write_text(body, encoding="utf-8")
    try:
        manifest = load_manifest(path)
    except UsageError as exc:
        _located(exc.errors, str(path), body)
        return
    assert all(Path(t.path).is_dir() for t in manifest.targets if t.kind == "local")


@FAST
@given(body=st.binary(max_size=200))
def test_manifest_with_undecodable_bytes_is_a_usage_error(folder, body):
    path = folder / "bytes.yaml"
    path.write_bytes(body)
    try:
        load_manifest(path)
    except UsageError as exc:
        assert str(exc).startswith(f"{path}:")


@FAST
@given(
    entries=st.lists(
        st.tuples(
            repo_id,
            st.none() | st.from_regex(r"[a-f0-9]{40}|v[0-9]", fullmatch=True),
            st.lists(st.sampled_from(USES), max_size=2, unique=True),
        ),
        min_size=1,
        max_size=8,
    ),
    mapping=st.booleans(),
)
def test_valid_manifest_is_read_as_written(folder, entries, mapping):
    """Oracle: every entry, in order, with its revision, use and line."""
    lines = ["use: [commercial]", "models:"]
    for repo, rev, use in entries:
        if mapping or use:
            lines += [f"  - id: {repo}"] + ([f"    revision: '{rev}'"] if rev else [])
            lines += [f"    use: [{', '.join(use)}]"] if use else []
        else:
            lines.append(f"  - {repo}@{rev}" if rev else f"  - {repo}")
    path = folder / "valid.yaml"
    path.write_text("\n".join(lines) + "\n")
    targets = load_manifest(path).targets
    assert [(t.repo_id, t.revision, list(t.use)) for t in targets] == [
        (r, v, u) for r, v, u in entries
    ]
    text = path.read_text().split("\n")
    assert all(t.location[1] >= 1 and t.repo_id in text[t.location[1] - 1] for t in targets)


# --- policy --------------------------------------------------------------------------------


@FAST
@given(body=any_text)
def test_policy_loader_answers_or_names_file_and_line(folder, body):
    path = folder / "policy.yaml"
    path.write_text(body, encoding="utf-8")
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        _located(exc.errors, display_path(path), body)
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
        assert rule.severity == sev and rule.source.endswith(f":{i + 3}")


# --- text normaliser and classify ------------------------------------------------------------

WORDS = [
    "license", "non-commercial", "research only", "(a)", "1.", "iv.", "Copyright (c) 2024 X",
    "All rights reserved.", "<b>", "</b>", "<!-- c -->", "[x](http://y)", "&amp;", "&#0;",
    "\u201cquoted\u201d", "\n", "\n\n", "\r\n", "\r", "  ", ".", ";", "700 million",
    "monthly active users", "you may not use outputs to train", "Llama", "Apache License",
    "Version 2.0", "第一条 许可", "- ", "* ", "#", "Page 3 of 9", "\ufeff", "\u00ad", "\x00",
]  # fmt: skip
license_like = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=80).map(" ".join)


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
    result = classify_path(str(path))
    assert result.category in CATEGORY_ORDER
    assert result.error is None or (result.error and "\n" not in result.error)


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
