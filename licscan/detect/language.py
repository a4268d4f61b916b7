"""Which language a text is written in, as far as the clause detectors are concerned.

licscan reads English and Chinese.  A text mostly in another language may withhold
anything, so it must not be judged from the few English words it holds: classify calls it
`unknown` and names the language.  Scripts tell most languages apart; among texts in Latin
script, the share of each language's most common short words does (German, French, ...).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

READ = ("English", "Chinese")
UNREAD_SHARE = 0.3  # this much of a text in a language licscan does not read: not read

_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
# (script, language it implies, character class); Han is Chinese unless kana say Japanese.
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(f"[{chars}]"))
    for name, chars in (
        ("Chinese", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"),
        ("Japanese", "\u3040-\u30ff"),
        ("Korean", "\uac00-\ud7af\u1100-\u11ff"),
        ("Russian or another Cyrillic-script language", "\u0400-\u04ff"),
        ("Greek", "\u0370-\u03ff"),
        ("Arabic or another Arabic-script language", "\u0600-\u06ff"),
        ("Hebrew", "\u0590-\u05ff"),
        ("Hindi or another Devanagari-script language", "\u0900-\u097f"),
        ("Thai", "\u0e00-\u0e7f"),
    )
)
# The commonest short words of languages written in Latin script.
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in (
        ("English", "the of and to in or any this you shall be by for with that is are not as"),
        ("German", "der die das und oder nicht ist mit von den dem des ein eine zu für auf wird"),
        ("French", "le la les et ou des du une un est pour que qui dans sur par ce cette aux"),
        ("Spanish", "el los las del que en por para con una es se su al lo como"),
        ("Italian", "il lo gli di che per con una del della non sono nel alla questo"),
        ("Portuguese", "os do da dos das que em para com uma não por ao pelo esta"),
        ("Dutch", "de het een en van niet op te dat die voor met zijn bij deze"),
    )
}
_WORD_RE = re.compile(r"[a-z\u00df-\u024f]+")


@dataclass(frozen=True)
class Reading:
    """The language licscan found a text to be mostly written in, and not read."""

    language: str
    share: float  # of the text's letters

    @property
    def note(self) -> str:
        return (
            f"about {self.share:.0%} of the text is in {self.language}, which licscan does not "
            "read: no clause could be established, a person must read it"
        )


def unread(text: str) -> Reading | None:
    """The language a text is mostly written in, when licscan does not read it."""
    words = Counter(_WORD_RE.findall(text.lower()))  # (counted at C speed)
    latin = sum(len(w) * n for w, n in words.items())
    scripts: dict[str, int] = {}
    if not text.isascii():
        rest = "".join(_NON_ASCII_RE.findall(text))
        for name, rx in _SCRIPTS:
            n = len(rx.findall(rest))
            if n:
                scripts[name] = n
        if scripts.get("Japanese", 0) >= 0.1 * (
            scripts.get("Japanese", 0) + scripts.get("Chinese", 0)
        ):
            scripts["Japanese"] = scripts.get("Japanese", 0) + scripts.pop("Chinese", 0)
    total = latin + sum(scripts.values())
    if not total:
        return None
    lang, share = _latin_language(words)
    if lang:
        scripts[lang] = scripts.get(lang, 0) + int(latin * share)
    unread_counts = {k: v for k, v in scripts.items() if k not in READ}
    if sum(unread_counts.values()) < UNREAD_SHARE * total:
        return None
    name, n = max(unread_counts.items(), key=lambda kv: kv[1])
    return Reading(name, sum(unread_counts.values()) / total)


def _latin_language(words: Counter[str]) -> tuple[str | None, float]:
    """The likeliest language other than English of the Latin-script words, and its share
    of them (judged by the commonest short words of each language)."""
    counts = {lang: sum(words.get(w, 0) for w in common) for lang, common in _STOPWORDS.items()}
    english = counts.pop("English")
    lang = max(counts, key=lambda k: counts[k])
    if counts[lang] < 20:
        return None, 0.0
    return lang, counts[lang] / (counts[lang] + english)
