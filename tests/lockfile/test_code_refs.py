"""Model references in Python sources (licscan.lockfile.code_refs): what counts as a Hub model
a program loads, and what must not (dynamic values, local paths, datasets)."""

from __future__ import annotations

import textwrap

import pytest

from licscan.lockfile.code_refs import find_references
from licscan.lockfile.code_refs_formats import find_in_files


def refs(source: str, path: str = "app.py") -> list[tuple[str, int, str]]:
    found = find_references(textwrap.dedent(source), path)
    return [(r.ref, r.line, r.call) for r in found]


# --- positives -------------------------------------------------------------------------------


def test_the_common_loaders():
    src = """
        from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline
        from huggingface_hub import hf_hub_download, snapshot_download
        import transformers

        tok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B")
        model = AutoModelForCausalLM.from_pretrained(
            "meta-llama/Llama-3.1-8B",
            torch_dtype="auto",
        )
        clf = pipeline("text-classification", model="acme/classifier")
        gen = transformers.pipeline(task="text-generation", model="acme/gen", tokenizer=tok)
        path = hf_hub_download(repo_id="acme/gguf", filename="model.gguf")
        folder = snapshot_download("acme/snap")
        both = pipeline("summarization", "acme/positional-model")
    """
    assert refs(src) == [
        ("meta-llama/Llama-3.1-8B", 6, "from_pretrained"),
        ("meta-llama/Llama-3.1-8B", 8, "from_pretrained"),
        ("acme/classifier", 11, "pipeline"),
        ("acme/gen", 12, "pipeline"),
        ("acme/gguf", 13, "hf_hub_download"),
        ("acme/snap", 14, "snapshot_download"),
        ("acme/positional-model", 15, "pipeline"),
    ]


def test_revision_keyword_pins_the_reference():
    src = """
        m = AutoModel.from_pretrained("acme/m", revision="v1.0")
        f = hf_hub_download("acme/f", "config.json",
                            revision="0e9e39f249a16976918f6564b8830bc894c89659")
        s = snapshot_download(repo_id="acme/s", revision=REV)
    """
    assert [r for r, _, _ in refs(src)] == [
        "acme/m@v1.0",
        "acme/f@0e9e39f249a16976918f6564b8830bc894c89659",
        "acme/s",  # a dynamic revision: the id still counts, unpinned
    ]


def test_keyword_forms_and_other_libraries():
    src = """
        a = AutoModel.from_pretrained(pretrained_model_name_or_path="acme/kw")
        b = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
        c = CrossEncoder(model_name_or_path="acme/reranker")
        d = LLM(model="acme/vllm-model")
        e = PeftModel.from_pretrained(base, "acme/lora-adapter")
        f = DiffusionPipeline.from_pretrained("black-forest-labs/FLUX.1-dev")
        g = AutoModel.from_pretrained("gpt2")
    """
    assert [r for r, _, _ in refs(src)] == [
        "acme/kw",
        "sentence-transformers/all-MiniLM-L6-v2",
        "acme/reranker",
        "acme/vllm-model",
        "acme/lora-adapter",
        "black-forest-labs/FLUX.1-dev",
        "gpt2",
    ]


def test_module_constant_assigned_once_is_resolved():
    src = """
        MODEL_ID = "acme/from-constant"
        REVISION: str = "v2"

        def load():
            return AutoModel.from_pretrained(MODEL_ID, revision=REVISION)
    """
    assert refs(src) == [("acme/from-constant@v2", 6, "from_pretrained")]


def test_fstring_without_fields_is_static():
    assert [r for r, _, _ in refs('m = AutoModel.from_pretrained(f"acme/plain")')] == ["acme/plain"]


# --- negatives -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "m = AutoModel.from_pretrained(name)",  # a variable
        "def f(model_id):\n    return AutoModel.from_pretrained(model_id)",  # a parameter
        'm = AutoModel.from_pretrained(f"acme/{size}")',  # an f-string with a field
        'm = AutoModel.from_pretrained("acme/" + size)',  # a concatenation
        'm = AutoModel.from_pretrained("./model")',  # local paths
        'm = AutoModel.from_pretrained("../checkpoints/best")',
        'm = AutoModel.from_pretrained("/models/llama")',
        'm = AutoModel.from_pretrained("~/models/x")',
        'm = AutoModel.from_pretrained("runs/exp1/checkpoint-500")',
        'm = AutoModel.from_pretrained("C:\\\\models\\\\x")',
        'm = AutoModel.from_pretrained("acme/model.safetensors")',  # a file
        'd = snapshot_download("acme/data", repo_type="dataset")',  # not a model
        'd = hf_hub_download(repo_id="acme/space", filename="app.py", repo_type="space")',
        'p = pipeline("text-generation")',  # the task, no model
        'x = load_model("acme/not-a-loader")',  # not a loader we know
        "m = AutoModel.from_pretrained(*args)",
        'm = AutoModel.from_pretrained("bad--id")',  # not a valid repo id
        'm = AutoModel.from_pretrained("")',
        'm = AutoModel.from_pretrained("acme/x")  # licscan: ignore',  # opted out
        '# AutoModel.from_pretrained("acme/in-a-comment")',
        "s = \"AutoModel.from_pretrained('acme/in-a-string')\"",
    ],
)
def test_not_references(src):
    assert refs(src) == []


def test_constant_rebound_elsewhere_is_dynamic():
    src = """
        MODEL = "acme/first"
        if big:
            MODEL = "acme/second"
        m = AutoModel.from_pretrained(MODEL)

        NAME = "acme/shadowed"
        def f(NAME):
            return AutoModel.from_pretrained(NAME)
    """
    assert refs(src) == []


def test_existing_folder_beside_the_file_is_local(tmp_path):
    (tmp_path / "checkpoint").mkdir()
    src = 'a = AutoModel.from_pretrained("checkpoint")\nb = AutoModel.from_pretrained("acme/hub")\n'
    found = find_references(src, str(tmp_path / "train.py"))
    assert [r.ref for r in found] == ["acme/hub"]


# --- files -----------------------------------------------------------------------------------


def test_find_in_files_reports_file_and_line_and_bad_files(tmp_path):
    good = tmp_path / "good.py"
    good.write_text('\n\nm = AutoModel.from_pretrained("acme/x")\n', encoding="utf-8")
    broken = tmp_path / "broken.py"
    broken.write_text("m = AutoModel.from_pretrained(\ndef f(:\n", encoding="utf-8")
    unrelated = tmp_path / "py2.py"  # names no loader: cannot hold a reference, not parsed
    unrelated.write_text("print 'hello'\n", encoding="utf-8")
    binary = tmp_path / "bin.py"
    binary.write_bytes(b"\xff\xfe\x00garbage\x00")
    paths = [good, broken, unrelated, binary, tmp_path / "gone.py"]
    found, problems = find_in_files([str(x) for x in paths])
    assert [(r.file, r.line, r.ref) for r in found] == [(str(good), 3, "acme/x")]
    assert len(problems) == 3
    assert problems[0].startswith(f"{broken}:2: not valid Python")
    assert problems[1].startswith(f"{binary}:1: cannot read")
    assert problems[2].startswith(f"{tmp_path / 'gone.py'}:1: cannot read")
