"""Model references outside Python sources (licscan.lockfile.code_refs_formats): notebooks,
YAML / JSON / TOML configs, shell scripts and Dockerfiles."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from licscan.lockfile.code_refs_formats import file_kind, find_in_files


def found(tmp_path: Path, name: str, text: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    refs, problems = find_in_files([str(path)])
    prefix = f"{tmp_path}/"
    return ([(r.where.removeprefix(prefix), r.ref, r.call) for r in refs],
            [p.removeprefix(prefix) for p in problems])  # fmt: skip


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({
        "cells": [{"cell_type": kind, "metadata": {}, "source": src.splitlines(keepends=True),
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                  for kind, src in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })  # fmt: skip


# --- notebooks -----------------------------------------------------------------------------------


def test_notebook_code_cells_name_the_cell(tmp_path):
    nb = notebook(
        ("markdown", 'We compare with AutoModel.from_pretrained("acme/in-prose").\n'),
        ("code", "%pip install -q transformers\nimport torch\n"),
        ("code", 'from transformers import pipeline\n\nclf = pipeline("ner", model="acme/ner")\n'),
        ("raw", 'snapshot_download("acme/raw")\n'),
        ("code", "for i in range(2):\n    %time m = AutoModel.from_pretrained('acme/loop')\n"),
        ("code", "!hf download acme/bang --revision v2\nfiles = !ls\n"),
        ("code", "%%bash\nset -e\nhuggingface-cli download acme/bash-cell\n"),
        ("code", "%%html\n<p>AutoModel.from_pretrained(</p>\n"),  # another language
    )
    refs, problems = found(tmp_path, "eval.ipynb", nb)
    assert problems == []
    assert refs == [
        ("eval.ipynb:cell 3:3", "acme/ner", "pipeline"),
        ("eval.ipynb:cell 6:1", "acme/bang@v2", "hf download"),
        ("eval.ipynb:cell 7:3", "acme/bash-cell", "huggingface-cli download"),
    ]  # the %time line magic hides its call from Python, like any magic (see below)


def test_notebook_source_as_one_string_and_line_magic_inside_a_block(tmp_path):
    nb = json.loads(notebook(("code", "x = 1\n")))
    nb["cells"][0]["source"] = (
        "if True:\n    %matplotlib inline\n    m = AutoModel.from_pretrained('acme/s')\n"
    )
    refs, problems = found(tmp_path, "a.ipynb", json.dumps(nb))
    assert problems == [] and refs == [("a.ipynb:cell 1:3", "acme/s", "from_pretrained")]


def test_broken_notebooks_fail_closed(tmp_path):
    _, problems = found(tmp_path, "bad.ipynb", '{"cells": [')
    assert problems and problems[0].startswith("bad.ipynb:1: not a valid notebook")
    _, problems = found(tmp_path, "nocells.ipynb", '{"metadata": {}}')
    assert problems == ["nocells.ipynb:1: not a valid notebook: it has no list of cells"]
    nb = notebook(("code", "import os\n"), ("code", "m = AutoModel.from_pretrained(\ndef f(:\n"))
    _, problems = found(tmp_path, "syntax.ipynb", nb)
    assert len(problems) == 1 and problems[0].startswith("syntax.ipynb:cell 2:2: not valid Python")


# --- configs -------------------------------------------------------------------------------------


def test_yaml_training_config(tmp_path):
    refs, problems = found(tmp_path, "configs/train.yaml", """\
        # axolotl-style
        base_model: acme/base
        model_revision: v1.1
        datasets:
          - path: acme/data           # not a model key
        teacher:
          model_name_or_path: acme/teacher
        merge:
          base_model:
            - acme/merge-a
            - acme/merge-b
        judge:
          model: gpt-4o               # a bare word under `model`: an API model, not a repo
        reranker:
          model: acme/reranker
        local:
          pretrained_model_name_or_path: ./checkpoints/best
        tokenizer:
          model_id: acme/ignored  # licscan: ignore
        serve: !Sub "${Model}"        # CloudFormation-style tags are fine
    """)  # fmt: skip
    assert problems == []
    assert refs == [
        ("configs/train.yaml:2", "acme/base@v1.1", "config:base_model"),
        ("configs/train.yaml:7", "acme/teacher", "config:model_name_or_path"),
        ("configs/train.yaml:10", "acme/merge-a", "config:base_model"),
        ("configs/train.yaml:11", "acme/merge-b", "config:base_model"),
        ("configs/train.yaml:15", "acme/reranker", "config:model"),
    ]


def test_yaml_every_document_and_broken_yaml(tmp_path):
    refs, _ = found(tmp_path, "k8s.yml", "kind: A\n---\nspec:\n  model_id: acme/served\n")
    assert refs == [("k8s.yml:4", "acme/served", "config:model_id")]
    _, problems = found(tmp_path, "broken.yaml", "model_id: acme/x\n  bad: [\n")
    assert problems and problems[0].startswith("broken.yaml:") and "not valid YAML" in problems[0]
    # a config naming no model key is not even parsed, so its syntax is not our business
    assert found(tmp_path, "other.yaml", "a: [\n") == ([], [])


def test_json_and_toml_configs(tmp_path):
    refs, problems = found(tmp_path, "adapter/adapter_config.json", """\
        {
          "peft_type": "LORA",
          "base_model_name_or_path": "acme/llama-base",
          "revision": null,
          "r": 8
        }
    """)  # fmt: skip
    assert problems == []
    assert refs == [
        ("adapter/adapter_config.json:3", "acme/llama-base", "config:base_model_name_or_path")
    ]
    refs, problems = found(tmp_path, "pyproject.toml", """\
        [tool.eval]
        model_id = "acme/toml-model"
        revision = "0e9e39f249a16976918f6564b8830bc894c89659"

        [tool.other]
        model = "small"
    """)  # fmt: skip
    assert problems == []
    assert refs == [("pyproject.toml:2", "acme/toml-model@0e9e39f249a16976918f6564b8830bc894c89659",
                     "config:model_id")]  # fmt: skip
    _, problems = found(tmp_path, "bad.json", '{"model_id": "acme/x",\n}')
    assert problems and problems[0].startswith("bad.json:2: not valid JSON")
    _, problems = found(tmp_path, "bad.toml", 'model_id = "acme/x"\nmodel = \n')
    assert problems and problems[0].startswith("bad.toml:2: not valid TOML")


# --- shell scripts and Dockerfiles ---------------------------------------------------------------


def test_shell_download_commands(tmp_path):
    refs, problems = found(tmp_path, "scripts/fetch.sh", """\
        #!/usr/bin/env bash
        set -euo pipefail
        # huggingface-cli download acme/commented-out
        huggingface-cli download acme/one --local-dir ./models/one
        hf download --revision v3 acme/two config.json tokenizer.json
        hf download acme/three \\
            --include "*.safetensors" \\
            --revision=0e9e39f
        hf download acme/data --repo-type dataset
        hf download acme/space --type=space
        hf download hf://datasets/acme/ultrachat
        hf download hf://acme/four@v1
        hf download "$MODEL_ID"
        hf download acme/skipped  # licscan: ignore
        cd /srv && hf download acme/five && echo done
        echo "hf download is our tool"
    """)  # fmt: skip
    assert problems == []
    assert refs == [
        ("scripts/fetch.sh:4", "acme/one", "huggingface-cli download"),
        ("scripts/fetch.sh:5", "acme/two@v3", "hf download"),
        ("scripts/fetch.sh:6", "acme/three@0e9e39f", "hf download"),
        ("scripts/fetch.sh:12", "acme/four@v1", "hf download"),
        ("scripts/fetch.sh:15", "acme/five", "hf download"),
    ]


def test_dockerfile_run_lines(tmp_path):
    refs, _ = found(tmp_path, "Dockerfile", """\
        FROM python:3.12
        RUN pip install -U "huggingface_hub[cli]" && \\
            huggingface-cli download acme/served --local-dir /models/served
        RUN bash -c "hf download acme/quoted --quiet"
    """)  # fmt: skip
    assert refs == [
        ("Dockerfile:2", "acme/served", "huggingface-cli download"),
        ("Dockerfile:4", "acme/quoted", "hf download"),
    ]


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("train.py", "", "python"),
        ("tool", "#!/usr/bin/env python3\n", "python"),
        ("fetch", "#!/bin/bash\n", "shell"),
        ("fetch", "#!/usr/bin/env -S bash -e\n", "shell"),
        ("run.sh", "", "shell"),
        ("Dockerfile.gpu", "", "shell"),
        ("Containerfile", "", "shell"),
        ("eval.ipynb", "", "notebook"),
        ("cfg.YML", "", "yaml"),
        ("cfg.json", "", "json"),
        ("pyproject.toml", "", "toml"),
    ],
)
def test_file_kind(name, head, kind):
    assert file_kind(name, head) == kind


def test_check_refs_reads_every_kind_but_licscans_own_files(lock_project, monkeypatch):
    from licscan.lockfile.precommit import check_refs

    p = lock_project
    (p.dir / "policy.yaml").write_text(
        "extends: commercial\nwaivers:\n  - model: acme/waived-elsewhere\n    reason: r\n"
        "    approver: a@example.com\n    expires: 2030-01-01\n"
    )
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    p.lock()
    (p.dir / "eval.ipynb").write_text(
        notebook(("code", "m = AutoModel.from_pretrained('acme/nc')\n"))
    )
    (p.dir / "train.yaml").write_text("model_name_or_path: acme/unlisted\n")
    (p.dir / "run.sh").write_text("hf download acme/open\n")
    files = ["eval.ipynb", "train.yaml", "run.sh", "licscan.yaml", "policy.yaml", "licscan.lock"]
    monkeypatch.chdir(p.dir)
    check = check_refs(files, "licscan.yaml")
    lines = [m.message for m in check.problems]
    assert lines[0].startswith("eval.ipynb:cell 1:1: acme/nc: fails the policy (commercial)")
    assert lines[1:] == ["train.yaml:1: acme/unlisted: not in licscan.yaml"]
    assert check.counts == {"fail": 1, "pass": 1}  # run.sh's acme/open passes
