"""`licscan explain WORD`: a bare word is a license key; one no entry goes by is a typo,
answered offline with the nearest keys (never a trip to the Hub)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from licscan.cli import main
from licscan.knowledge import load_knowledge


@pytest.fixture
def models_asked(monkeypatch) -> list[str]:
    """The subjects `explain` treated as models (the path that fetches)."""
    asked: list[str] = []

    def fake(subject, *_args, **_kw):
        asked.append(subject)
        return 0, f"model {subject}\n"

    monkeypatch.setattr("licscan.cli.scan.explain_model", fake)
    return asked


@pytest.mark.parametrize(
    ("word", "nearest"),
    [
        ("apache2", "apache-2.0"),
        ("cc-by-nc-40", "cc-by-nc-4.0"),
        ("Llama 3.1 Comunity", "llama-3.1"),
        ("gemma-terms-of-uze", "gemma"),
    ],
)
def test_a_mistyped_key_suggests_the_nearest_and_exits_2(models_asked, word, nearest):
    res = CliRunner().invoke(main, ["explain", word])
    assert res.exit_code == 2 and models_asked == []
    first, second = res.stderr.splitlines()
    assert first.startswith(f"licscan: unknown license {word!r}: no key, Hub id")
    assert second.startswith("  did you mean: ") and nearest in second.split(": ", 1)[1]
    assert res.stdout == ""


def test_nothing_close_points_at_the_list(models_asked):
    res = CliRunner().invoke(main, ["explain", "nonsense-word-zz"])
    assert res.exit_code == 2 and models_asked == []
    assert res.stderr.splitlines()[-1] == "  `licscan licenses` lists them all"


def test_models_folders_and_manifests_are_still_models(models_asked, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-model").mkdir()
    for subject in ("acme/model", "acme/model@v1", "my-model", "models.yaml"):
        assert CliRunner().invoke(main, ["explain", subject]).exit_code == 0
    assert models_asked == ["acme/model", "acme/model@v1", "my-model", "models.yaml"]
    # a known key, Hub id or name is explained from the knowledge base
    res = CliRunner().invoke(main, ["explain", "llama3.2"])
    assert res.exit_code == 0 and res.stdout.startswith("llama-3.2: ")


def test_suggestions_come_from_every_name_an_entry_goes_by():
    kb = load_knowledge()
    assert kb.suggest("apache-2")[0] == "apache-2.0"
    assert kb.suggest("MIT Licence")[0] == "mit"  # a name, spelt the British way
    assert kb.suggest("qqqqqqqq") == []
