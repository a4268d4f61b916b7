"""A small Hub for census tests: one organisation with every kind of model a census
meets, a model tree under an outside base, and a model of another organisation.

    acme/a-relabel     apache-2.0 fine-tune of acme/z-chat (listed *before* its base)
    acme/b-custom      `other` + a custom LICENSE (invented text) -> read, by blob id
    acme/c-custom      the same LICENSE bytes (same blob id)      -> not downloaded again
    acme/d-mit         mit, with a LICENSE                          -> judged from the card
    acme/e-none        no license at all                           -> fails (commercial)
    acme/z-chat        llama3.1 fine-tune of meta-llama/Llama-3.1-8B (outside the org)
    meta-llama/Llama-3.1-8B      the tree's root (llama3.1, no files but the card)
    q/chat-gguf        quantized from acme/z-chat
    lora/chat-adapter  adapter on meta-llama/Llama-3.1-8B
    mix/merge          merge of acme/d-mit and acme/z-chat
    other/tool         mit, another organisation
"""

from __future__ import annotations

import yaml
from paths import DATA

UNSEEN = DATA / "unseen"
ACME = ["acme/a-relabel", "acme/b-custom", "acme/c-custom", "acme/d-mit", "acme/e-none",
        "acme/z-chat"]  # fmt: skip
MIT = "MIT License\n\nCopyright (c) 2025 Acme\n\nPermission is hereby granted, free of charge.\n"


def card(body: str = "# model\n", **keys: object) -> str:
    return "---\n" + yaml.safe_dump(keys, sort_keys=True) + "---\n\n" + body


def build_org(hub) -> None:
    custom = (UNSEEN / "acme-open-model-license.txt").read_text(encoding="utf-8")
    weights = {"model.safetensors": "w"}
    hub.add_model("meta-llama/Llama-3.1-8B", {"README.md": card(license="llama3.1"), **weights})
    hub.add_model(
        "acme/a-relabel",
        {"README.md": card(license="apache-2.0", base_model="acme/z-chat"), **weights},
    )
    hub.add_model("acme/b-custom", {"README.md": card(license="other", license_name="acme-oml",
                                                      license_link="LICENSE"),
                                    "LICENSE": custom, **weights})  # fmt: skip
    hub.add_model("acme/c-custom", {"README.md": card(license="other", license_name="acme-oml"),
                                    "LICENSE": custom, **weights})  # fmt: skip
    hub.add_model("acme/d-mit", {"README.md": card(license="mit"), "LICENSE": MIT, **weights})
    hub.add_model("acme/e-none", {"README.md": card(tags=["demo"]), **weights})
    hub.add_model("acme/z-chat", {"README.md": card(license="llama3.1",
                                                    base_model="meta-llama/Llama-3.1-8B"),
                                  **weights})  # fmt: skip
    hub.add_model("q/chat-gguf", {"README.md": card(license="llama3.1", base_model="acme/z-chat",
                                                    base_model_relation="quantized"),
                                  "chat.Q4.gguf": "g"})  # fmt: skip
    hub.add_model("lora/chat-adapter", {"README.md": card(license="llama3.1",
                                                          base_model="meta-llama/Llama-3.1-8B",
                                                          base_model_relation="adapter"),
                                        "adapter_model.safetensors": "a"})  # fmt: skip
    hub.add_model(
        "mix/merge",
        {
            "README.md": card(
                license="llama3.1",
                base_model=["acme/d-mit", "acme/z-chat"],
                base_model_relation="merge",
            ),
            **weights,
        },
    )
    hub.add_model("other/tool", {"README.md": card(license="mit"), **weights})


def api_calls(hub, repo_id: str) -> int:
    """model_info requests for one repo (any revision)."""
    return hub.count(f"/api/models/{repo_id}", method="GET")


def listing_calls(hub) -> int:
    return hub.requests["GET /api/models"]
