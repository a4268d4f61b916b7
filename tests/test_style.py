"""The code base stays ruff clean: CI enforces what the README promises."""

import ast
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from paths import ROOT


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("ruff is part of the [test] extra and must be installed")
    return [exe]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_clean(args: list[str]) -> None:
    done = subprocess.run(_ruff() + args, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_test_modules_have_unique_names() -> None:
    """pytest imports test modules by file name (no __init__.py in tests/): two folders
    holding one name would clash, so each name is used once."""
    tests = ROOT / "tests"
    names = Counter(p.name for p in tests.rglob("*.py") if "fixtures" not in p.parts)
    assert [n for n, count in names.items() if count > 1] == []
    assert [p for p in tests.rglob("__init__.py") if "fixtures" not in p.parts] == []


# The closed vocabularies are spelled once, as the enums of licscan/model.py.  A category
# name anywhere else, or a comparison with a verdict or severity name, is a string that
# should be a member (a typo in it would silently never match).
CATEGORY_NAMES = {"osi-open", "open-weight", "source-available", "unknown"}
JUDGEMENT_NAMES = {"pass", "warn", "fail", "error", "info", "block"}  # verdicts, severities
# The same words meaning something else: (file, a fragment of the line).
NOT_VOCABULARY = {
    ("licscan/report/sarif.py", "m.revision or 'unknown'"),  # a revision not known
    ("licscan/sources/hfcache.py", '("other", "unknown")'),  # card values naming no license
}


def _names(node: ast.expr) -> list[str]:
    """The string constants a comparison operand spells: one, or a tuple/set/list of them."""
    items = node.elts if isinstance(node, ast.Tuple | ast.Set | ast.List) else [node]
    return [n.value for n in items if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def vocabulary_sites(package: Path) -> list[str]:
    """`file:line: word` for each category name outside model.py and each comparison
    (==, !=, in, not in) with a verdict or severity name, in the package's modules."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines), rel)):
            words: list[str] = []
            if isinstance(node, ast.Constant) and rel != "licscan/model.py":
                words = [node.value] if node.value in CATEGORY_NAMES else []
            elif isinstance(node, ast.Compare) and all(
                isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops
            ):
                sides = [node.left, *node.comparators]
                words = [w for side in sides for w in _names(side) if w in JUDGEMENT_NAMES]
            line = lines[node.lineno - 1] if words else ""
            if words and not any(rel == f and bit in line for f, bit in NOT_VOCABULARY):
                found.append(f"{rel}:{node.lineno}: {', '.join(words)}")
    return sorted(found)


def test_vocabulary_is_spelled_once() -> None:
    assert vocabulary_sites(ROOT / "licscan") == []


def test_vocabulary_scan_finds_strings(tmp_path: Path) -> None:
    package = tmp_path / "licscan"
    package.mkdir()
    (package / "model.py").write_text('ORDER = ("osi-open", "unknown")\nok = v == "fail"\n')
    (package / "judge.py").write_text(
        'floor = "open-weight"\n'
        'if sev in ("block", "warn") or verdict != "pass":\n    pass\n'
        'if "error" in {v for v in x}:\n    pass\n'
        'kind = "error"  # not compared: another meaning\n'
    )
    assert vocabulary_sites(package) == [
        "licscan/judge.py:1: open-weight",
        "licscan/judge.py:2: block, warn",
        "licscan/judge.py:2: pass",
        "licscan/judge.py:4: error",
        "licscan/model.py:2: fail",
    ]
