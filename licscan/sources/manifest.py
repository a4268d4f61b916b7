"""The model manifest (contracts.md): parsed with a line for every error.

    use: [commercial]                  # default use for every model
    policy: licscan-policy.yaml        # optional, relative to the manifest
    models:
      - org/name@<revision>            # a Hub repo id, optionally pinned
      - id: org/other                  # the same as a mapping...
        revision: v1.0                 # ...with an optional revision
        use: [research]                # per-model use
      - path: models/our-finetune      # a local folder, relative to the manifest
      - id: meta-llama/Llama-3.1-8B    # gated: its license text as procurement holds it
        license_file: legal/llama-3.1.txt

Every problem is reported as `file:line: message`, all of them at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from licscan.errors import ManifestError
from licscan.hubref import parse_repo_ref
from licscan.model import USES, Manifest, SuppliedLicense, Target
from licscan.sources.targets import hub_target, local_target
from licscan.yamlnodes import TooLarge, kind, read_document, scalar
from licscan.yamlschema import OneOf, Reader, Str, expected

TOP_KEYS = ("use", "policy", "models")
ENTRY_KEYS = ("id", "path", "revision", "use", "note", "license_file")
_USE = OneOf(USES, f"unknown use {{value}} (expected one of {', '.join(USES)})")


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest; raise ManifestError naming file:line for each problem."""
    path = Path(path)
    try:
        text = read_document(path)
    except (OSError, UnicodeDecodeError, TooLarge) as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc}") from None
    return _Parser(path).parse(text)


class _Parser(Reader):
    def __init__(self, path: Path) -> None:
        super().__init__(str(path), ManifestError)
        self.path = path
        self.base = path.resolve().parent

    def parse(self, text: str) -> Manifest:
        root = self.compose(text)
        manifest = Manifest(path=str(self.path))
        if root is None:
            self.error(1, "empty manifest (expected 'models:')")
        elif not isinstance(root, yaml.MappingNode):
            self.error(root, "a manifest is a mapping with a 'models:' list")
        else:
            self._top(root, manifest)
        self.fail_if_errors(by_line=False)  # in the order found: an entry's keys, then its checks
        return manifest

    def _top(self, root: yaml.MappingNode, manifest: Manifest) -> None:
        fields = self._mapping(root, TOP_KEYS, "manifest")
        if "use" in fields:
            manifest.use = self._uses(fields["use"])
        if "policy" in fields:
            manifest.policy = self._policy(fields["policy"])
        models = fields.get("models")
        if models is None:
            self.error(root, "no 'models:' list")
        elif not isinstance(models, yaml.SequenceNode):
            self.error(models, "'models' must be a list of models")
        else:
            for item in models.value:
                target = self._entry(item)
                if target is not None:
                    manifest.targets.append(target)

    def _mapping(self, node: yaml.MappingNode, allowed: tuple[str, ...], what: str) -> dict:
        """{key: value node}: unknown keys are errors that list the allowed ones."""
        return {k: v for k, (_, v) in self.mapping(node, allowed, what, expected).items()}

    def _entry(self, node: yaml.Node) -> Target | None:
        loc = (str(self.path), self.line(node))
        if isinstance(node, yaml.ScalarNode):
            return self._hub(node, scalar(node), None, (), loc)
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "a model is a repo id string or a mapping with 'id' or 'path'")
            return None
        fields = self._mapping(node, ENTRY_KEYS, "model entry")
        use = self._uses(fields["use"]) if "use" in fields else []
        if ("id" in fields) == ("path" in fields):
            self.error(node, "a model entry needs exactly one of 'id' or 'path'")
            return None
        supplied = self._license_file(fields["license_file"]) if "license_file" in fields else None
        if "path" in fields:
            if "revision" in fields:
                self.error(
                    fields["revision"], "'revision' applies to Hub models ('id'), not 'path'"
                )
            target = self._local(fields["path"], use, loc)
        else:
            revision = (
                self._string(fields["revision"], "revision") if "revision" in fields else None
            )
            ref = self._string(fields["id"], "id")
            target = self._hub(fields["id"], ref, revision, use, loc) if ref else None
        return dataclasses.replace(target, license_file=supplied) if target else None

    def _license_file(self, node: yaml.Node) -> SuppliedLicense | None:
        """The reviewer's copy of the model's license text (licscan.sources.supplied)."""
        value = self._string(node, "license_file")
        path, kind = self._locate(node, value, "license_file") if value else (None, None)
        if value and path and kind != "file":
            self.error(node, f"license_file '{value}' not found (resolved to {path})")
            return None
        return SuppliedLicense(str(path), value) if path and value else None

    def _hub(self, node, ref, revision, use, loc) -> Target | None:
        if not isinstance(ref, str) or not ref.strip():
            self.error(node, f"a model must be a repo id (org/name[@revision]), got {kind(node)}")
            return None
        try:
            parse_repo_ref(ref)
            if revision:
                if "@" in ref:
                    self.error(node, f"'{ref}' has an @revision and a 'revision' key; use one")
                    return None
                ref = f"{ref}@{revision}"
                parse_repo_ref(ref)
            return hub_target(ref, location=loc, use=use)
        except ValueError as exc:
            self.error(node, str(exc))
            return None

    def _local(self, node: yaml.Node, use, loc) -> Target | None:
        rel = self._string(node, "path")
        if rel is None:
            return None
        folder, kind = self._locate(node, rel, "path")
        if folder is None:
            return None
        if kind != "folder":
            what = "is not a folder" if kind else "not found"
            self.error(node, f"path '{rel}' {what} (resolved to {folder})")
            return None
        return local_target(rel, folder, location=loc, use=use)

    def _locate(self, node: yaml.Node, value: str, key: str) -> tuple[Path | None, str | None]:
        """(resolved path, "folder" | "file" | None if absent); an unusable path (NUL byte,
        too long, ~unknown-user) is an error here rather than a crash later."""
        try:
            path = (self.base / Path(value).expanduser()).resolve()
            kind = "folder" if path.is_dir() else "file" if path.exists() else None
        except (OSError, ValueError, RuntimeError) as exc:
            self.error(node, f"'{key}' {value[:80]!r} is not a usable path ({exc})"[:300])
            return None, None
        return path, kind

    def _uses(self, node: yaml.Node) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            items = [node]
        elif isinstance(node, yaml.SequenceNode):
            items = node.value
        else:
            self.error(node, "'use' must be a use case or a list of them")
            return []
        return [u for item in items if (u := self.value(item, "'use'", _USE)) is not None]

    def _policy(self, node: yaml.Node) -> str | None:
        value = self._string(node, "policy")
        if value is None:
            return None
        looks_like_file = value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value
        if not looks_like_file:
            return value  # a preset name, resolved by the policy loader
        path, kind = self._locate(node, value, "policy")
        if path is None:
            return None
        if kind != "file":
            self.error(node, f"policy file '{value}' not found (resolved to {path})")
        return str(path)

    def _string(self, node: yaml.Node, key: str) -> str | None:
        return self.value(node, f"'{key}'", Str())
