"""The sentences a notice pointing to a license carries besides the one naming it (pure).

"Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
except in compliance with the License.  You may obtain a copy of the License at <url>.
Unless required by applicable law ..., distributed on an "AS IS" BASIS, WITHOUT WARRANTIES
... See the License for the specific language governing permissions and limitations."  A
notice that says only this is the named license: its compliance clause, its pointer to the
full text, its disclaimer and its "see the License" line add no term.

Each form is a set of words a sentence must hold and the only words it may hold (normalised
words, URLs already dropped): a single other word ("commercial", "only", "research") makes
it a sentence of substance, which the notice then adds to the license.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LICENSE = _words("license licence")
_ACTS = _words("you may not use this these the file files work works model models weights")
# (words it must hold, words of which it must hold one, the only words it may hold)
_FORMS: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...] = (
    (  # "you may not use this file except in compliance with the License"
        _words("except compliance with"),
        _LICENSE,
        _ACTS | _LICENSE | _words("code software except in compliance with"),
    ),
    (  # "you may obtain a copy of the License at", "the full license can be found at"
        frozenset(),
        _words("obtain read find found view see get download consult available"),
        _LICENSE
        | _words(
            "you may can obtain read find found view see get download consult available a copy "
            "of the full text at in on online here is be file"
        ),
    ),
    (  # "distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND"
        _words("without"),
        _words("warranties warranty"),
        _ACTS
        | _LICENSE
        | _words(
            "code software materials unless required requires by applicable law or agreed to in "
            "writing distributed provided under is are on an as basis without warranties "
            "warranty conditions of any kind either express implied otherwise and"
        ),
    ),
    (  # "See the License for the specific language governing permissions and limitations"
        _words("specific language governing"),
        _LICENSE,
        _LICENSE | _words("see the for specific language governing permissions and limitations"),
    ),
)


def conventional(words: list[str]) -> bool:
    """Is this sentence one a license notice carries without adding a term?"""
    held = set(words)
    return bool(held) and any(
        must <= held and not one.isdisjoint(held) and held <= may for must, one, may in _FORMS
    )
