"""The located reader every licscan YAML file is read with (licscan/yamlschema.py): every
problem collected with its file:line, sorted, raised once as the caller's error type."""

from __future__ import annotations

import pytest

from licscan.errors import ManifestError, PolicyError
from licscan.yamlschema import Bool, Date, Int, OneOf, Reader, Str, expected

USES = ("commercial", "research")


def read(text: str, error=PolicyError) -> tuple[Reader, dict]:
    r = Reader("f.yaml", error)
    root = r.compose(text)
    return r, r.mapping(root, ("name", "size", "on", "day", "use", "tags"), "file")


def test_problems_are_collected_sorted_by_line_and_raised_once() -> None:
    r, fields = read("size: many\nname: ''\nnmae: x\nname: again\n")
    r.value(fields["name"][1], "'name'", Str())
    r.value(fields["size"][1], "'size'", Int(1, 10, "{what} must be 1 to 10, got {kind}"))
    with pytest.raises(PolicyError) as err:
        r.fail_if_errors()
    assert err.value.errors == [
        "f.yaml:1: 'size' must be 1 to 10, got str 'many'",
        "f.yaml:2: 'name' must be a non-empty string, got str ''",
        "f.yaml:3: unknown key 'nmae' in file (did you mean 'name'?)",
        "f.yaml:4: duplicate key 'name' in file",
    ]
    assert str(err.value).count("\n") == 3


def test_problems_can_keep_the_order_they_were_found() -> None:
    r = Reader("m.yaml", ManifestError)
    r.error(5, "second line")
    r.error(2, "first line")
    with pytest.raises(ManifestError) as err:
        r.fail_if_errors(by_line=False)
    assert str(err.value) == "m.yaml:5: second line\nm.yaml:2: first line"


def test_a_syntax_error_is_raised_at_once_with_its_line() -> None:
    with pytest.raises(ManifestError, match=r"^f\.yaml:2: YAML error: mapping values"):
        Reader("f.yaml", ManifestError).compose("a: 1\nb: c: d\n")


def test_unknown_keys_can_list_what_is_expected() -> None:
    r = Reader("f.yaml", PolicyError)
    r.mapping(r.compose("colour: red\n"), ("name", "size"), "entry", expected)
    assert r.errors == ["f.yaml:1: unknown key 'colour' in entry (expected name, size)"]


@pytest.mark.parametrize(
    ("text", "spec", "value", "error"),
    [
        ("on: true", Bool(), True, None),
        ("on: 1", Bool(), None, "'on' must be true or false, got int '1'"),
        ("size: 3", Int(1, 10, "{what} bad"), 3, None),
        ("size: true", Int(0, None, "{what} bad"), None, "'size' bad"),  # never a bool
        ("size: 11", Int(1, 10, "{what} bad"), None, "'size' bad"),
        ("day: 2026-01-31", Date(), "2026-01-31", None),
        ("day: '2026-01-31 '", Date(), "2026-01-31", None),
        ("day: soon", Date(), None, "bad date 'soon' (expected YYYY-MM-DD)"),
        ("use: reserch", OneOf(USES, "unknown use {value}{hint}"), None,
         "unknown use 'reserch' (did you mean 'research'?)"),
        ("name: ' x '", Str(), "x", None),
    ],
)  # fmt: skip
def test_specs(text: str, spec, value, error) -> None:
    r, fields = read(text + "\n")
    ((name, (_, node)),) = fields.items()
    assert r.value(node, f"'{name}'", spec) == value
    assert r.errors == ([f"f.yaml:1: {error}"] if error else [])


def test_items_take_a_scalar_as_a_list_of_one_and_skip_bad_entries() -> None:
    r, fields = read("tags: a\nname: [b, '', c]\n")
    assert [v for v, _ in r.items(fields["tags"][1], "'tags'", Str())] == ["a"]
    assert [v for v, _ in r.items(fields["name"][1], "'name'", Str())] == ["b", "c"]
    assert r.errors == ["f.yaml:2: an entry of 'name' must be a non-empty string, got str ''"]
    r.items(r.compose("x: {a: 1}\n").value[0][1], "'x'", Str())
    assert r.errors[-1] == "f.yaml:1: 'x' must be a list of strings, got a mapping"


def test_per_use_values_and_named_entries() -> None:
    sev = OneOf(("block", "warn"), "unknown severity {value} for {what}")
    r = Reader("p.yaml", PolicyError)
    root = r.compose("a: warn\nb: {research: block, comercial: warn}\nc: loud\nzz: warn\n")
    got = {
        name: [(use, value) for use, value, _ in r.per_use(item[1], name, sev, USES)]
        for name, item in r.entries(root, ("a", "b", "c"), "flag")
    }
    assert got == {"a": [(None, "warn")], "b": [("research", "block")], "c": []}
    assert sorted(r.errors) == [
        "p.yaml:2: unknown use 'comercial' (did you mean 'commercial'?)",
        "p.yaml:3: unknown severity 'loud' for c",
        "p.yaml:4: unknown flag 'zz'",
    ]


def test_a_key_holding_a_line_break_stays_on_one_line() -> None:
    r = Reader("f.yaml", PolicyError)
    r.mapping(r.compose('"a\\nb": 1\n'), ("name",), "file")
    assert r.errors == ["f.yaml:1: unknown key 'a\\nb' in file"]
