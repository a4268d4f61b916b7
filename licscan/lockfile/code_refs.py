"""Hub models named in Python sources: `from_pretrained("org/name")` and friends.

Read with `ast`, never imported or run.  A reference is a string literal (or a module-level
constant assigned once from one) passed where a loader takes a model id:

    AutoModel.from_pretrained("org/name", revision="v1")   -> org/name@v1
    pipeline("text-generation", model="org/name")          -> org/name
    snapshot_download("org/name") / hf_hub_download(repo_id="org/name", filename=...)
    SentenceTransformer("org/name") / LLM(model="org/name")

Dynamic values (parameters, f-strings with fields, concatenations), local paths
("./model", "/models/x", a folder that exists beside the file) and datasets/spaces
(`repo_type="dataset"`) are not references.  `# licscan: ignore` on the line skips one.
Notebooks, configs and shell scripts: refs_formats.py, which also reads files.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from licscan.hubref import is_named_repo_id
from licscan.model import ModelReference

# huggingface_hub's repo id rules: [namespace/]name of word chars . - ; no "--" or "..".
IGNORE = re.compile(r"#\s*licscan\s*:\s*ignore\b", re.I)
# A file name, not a repo: weights, configs, archives.
_FILE_SUFFIX = re.compile(
    r"\.(?:bin|pt|pth|ckpt|safetensors|gguf|onnx|h5|json|ya?ml|txt|zip|tar|gz|pkl)$", re.I
)


@dataclass(frozen=True)
class _Loader:
    """Where a loader takes the model id: a positional index and keyword names."""

    position: int | None
    keywords: tuple[str, ...]
    revision: bool = True  # takes `revision=`


_LOADERS: dict[str, _Loader] = {
    "from_pretrained": _Loader(0, ("pretrained_model_name_or_path", "model_id")),
    "pipeline": _Loader(1, ("model",)),
    "snapshot_download": _Loader(0, ("repo_id",)),
    "hf_hub_download": _Loader(0, ("repo_id",)),
    "hf_hub_url": _Loader(0, ("repo_id",)),
    "model_info": _Loader(0, ("repo_id",)),
    "SentenceTransformer": _Loader(0, ("model_name_or_path",)),
    "CrossEncoder": _Loader(0, ("model_name_or_path", "model_name")),
    "LLM": _Loader(0, ("model",)),  # vLLM
}
_NOT_MODELS = ("dataset", "datasets", "space", "spaces")
# Most files of a repository name no loader: they are not even parsed.
MENTIONS = re.compile("|".join(_LOADERS))


def find_references(source: str, path: str = "<string>") -> list[ModelReference]:
    """Every model reference in one Python source, in line order.  SyntaxError propagates."""
    tree = ast.parse(source, filename=path)
    lines = source.splitlines()
    constants = _module_constants(tree)
    base = Path(path).parent
    found: list[ModelReference] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node.func)
        loader = _LOADERS.get(name or "")
        if loader is None or _not_a_model(node):
            continue
        for value in _model_args(node, name or "", loader):
            repo_id = _static(value, constants)
            if repo_id is None or not looks_like_repo(repo_id, base):
                continue
            line = value.lineno
            if ignored(lines, node.lineno, line):
                continue
            revision = _static(_keyword(node, "revision"), constants) if loader.revision else None
            found.append(ModelReference(repo_id, revision or None, path, line, name or ""))
    found.sort(key=lambda r: (r.line, r.repo_id))
    return found


# --- the call -----------------------------------------------------------------------------


def _callee(func: ast.expr) -> str | None:
    """`f(...)` -> f; `a.b.f(...)` -> f."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _receiver(func: ast.expr) -> str:
    """`PeftModel.from_pretrained` -> "PeftModel"."""
    if isinstance(func, ast.Attribute):
        value = func.value
        if isinstance(value, ast.Name):
            return value.id
        if isinstance(value, ast.Attribute):
            return value.attr
    return ""


def _model_args(node: ast.Call, name: str, loader: _Loader) -> list[ast.expr]:
    args: list[ast.expr] = []
    position = loader.position
    if name == "from_pretrained" and _receiver(node.func).startswith(("PeftModel", "PeftMixed")):
        position = 1  # PeftModel.from_pretrained(base_model, "org/adapter")
    starred = any(isinstance(a, ast.Starred) for a in node.args[: (position or 0) + 1])
    if position is not None and not starred and len(node.args) > position:
        args.append(node.args[position])
    args.extend(kw.value for kw in node.keywords if kw.arg in loader.keywords)
    return args


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _not_a_model(node: ast.Call) -> bool:
    repo_type = _keyword(node, "repo_type")
    value = repo_type.value if isinstance(repo_type, ast.Constant) else None
    return isinstance(value, str) and value.lower() in _NOT_MODELS


# --- values ---------------------------------------------------------------------------------


def _static(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    """A string known without running the code: a literal, an f-string without fields, or a
    module-level name assigned exactly once from a literal."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return "".join(parts) if len(parts) == len(node.values) else None
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """NAME = "literal" at module level, for names bound nowhere else in the module."""
    literal: dict[str, str] = {}
    for stmt in tree.body:
        target, value = _simple_assign(stmt)
        if target and isinstance(value, ast.Constant) and isinstance(value.value, str):
            literal[target] = value.value
    if not literal:
        return {}
    bindings: dict[str, int] = {}
    for node in ast.walk(tree):
        for name in _bound_names(node):
            bindings[name] = bindings.get(name, 0) + 1
    return {k: v for k, v in literal.items() if bindings.get(k) == 1}


def _simple_assign(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
        return stmt.target.id, stmt.value
    return None, None


def _bound_names(node: ast.AST) -> list[str]:
    """Names a node binds (assignments, loops, parameters, imports, ...)."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return [node.id]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.alias):
        return [(node.asname or node.name).split(".")[0]]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    return []


def looks_like_repo(value: str, base: Path) -> bool:
    """A Hub repo id, not a local path or a file."""
    v = value.strip()
    if v != value or not is_named_repo_id(v):
        return False  # also rejects "./x", "/abs", "~/x", "a/b/c", "C:\\x"
    if v.startswith((".", "-")) or v.endswith(".") or _FILE_SUFFIX.search(v):
        return False
    try:
        return not (Path(v).is_dir() or (base / v).is_dir())  # an existing local folder
    except OSError:
        return True


def ignored(lines: list[str], *line_numbers: int) -> bool:
    return any(0 < n <= len(lines) and IGNORE.search(lines[n - 1]) for n in line_numbers)
