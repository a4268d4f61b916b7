"""The package's shape (issue 16): the import contracts of pyproject.toml
[tool.importlinter], checked with import-linter (it follows function-local imports too),
and what the lightest command imports at run time."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest
from paths import ROOT

CONTRACTS = [
    c["id"]
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
]
# Contracts the redesign has not closed yet, with the step of its plan that closes each.
# They must still be broken: one kept by accident moves to the enforced list, so this
# list cannot rot.
NOT_YET: dict[str, str] = {}
HEAVY = ("huggingface_hub", "httpx", "jinja2", "cyclonedx", "spdx_python_model", "rich",
         "license_expression", "yaml", "orjson", "ahocorasick", "opencc")  # fmt: skip


def _lint(contract: str) -> subprocess.CompletedProcess:
    code = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
    return subprocess.run(
        [sys.executable, "-c", code, "pyproject.toml", "--no-cache", "--no-logo",
         "--contract", contract],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_contract_not_yet_kept_is_a_contract() -> None:
    assert set(NOT_YET) <= set(CONTRACTS)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract(contract: str) -> None:
    run = _lint(contract)
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 2+: a bad configuration
    if contract in NOT_YET:
        assert run.returncode == 1, f"{contract} is kept now: move it out of NOT_YET"
    else:
        assert run.returncode == 0, run.stdout


def test_version_imports_nothing_heavy_and_no_other_licscan_module() -> None:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "licscan", "--version"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0 and run.stdout.startswith("licscan, version ")
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert sorted(m for m in imported if m.split(".")[0] in HEAVY) == []
    ours = sorted(m for m in imported if m.split(".")[0] == "licscan")
    # (licscan.__main__ runs as __main__; licscan.errors is the stdlib-only exit codes)
    assert ours == ["licscan", "licscan.cli", "licscan.errors"]


def test_the_command_table_is_every_command_with_the_shared_defaults() -> None:
    """The lazy group lists what its table names, each a real command; the shared options
    take their defaults from the one place of each fact."""
    from click import Context

    from licscan.cli import COMMANDS, main
    from licscan.model import DEFAULT_JOBS

    ctx = Context(main)
    names = main.list_commands(ctx)
    assert names == sorted(COMMANDS) and "scan" in names and "check-refs" in names
    commands = [main.get_command(ctx, n) for n in names]
    assert all(c is not None and c.name == n for c, n in zip(commands, names, strict=True))
    jobs = {p.default for c in commands for p in c.params if p.name == "jobs"}
    assert jobs == {DEFAULT_JOBS}


def test_the_fetcher_keeps_the_protocol_the_engine_knows(tmp_path) -> None:
    """The engine calls what sources/protocol.py declares and nothing else (no probing
    for optional methods): the real Fetcher must offer all of it."""
    from licscan.sources import protocol
    from licscan.sources.fetcher import Fetcher

    fetcher = Fetcher(offline=True, cache_dir=tmp_path)
    assert isinstance(fetcher, protocol.Fetcher) and isinstance(fetcher, protocol.HubFetcher)
    engine = (ROOT / "licscan" / "engine").rglob("*.py")
    probes = [p.name for p in engine if "hasattr(" in p.read_text(encoding="utf-8")]
    assert probes == []
