"""Shared vocabulary of the clause detectors: negation cues, numbers, harm categories.

Patterns are generic legal English (Chinese is read by clause_zh), never sentences of a
particular license: they must recognise paraphrases and licenses published tomorrow.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from licscan.detect.clause_text import declare_keys
from licscan.detect.fastre import compile_fast

_I = re.IGNORECASE


def key_test(keys: tuple[str, ...]) -> Callable[[str], bool]:
    """A test "does this lower-case text hold one of `keys`?" that survives hard wraps:
    a key of several words matches when each of its words is present."""
    single = tuple(k.strip() for k in keys if " " not in k.strip())
    multi = tuple(tuple(k.split()) for k in keys if " " in k.strip())
    if not multi:  # the common case, without generator overhead (called per segment)

        def test_single(low: str) -> bool:
            for k in single:  # noqa: SIM110 - a loop: no generator object per call
                if k in low:
                    return True
            return False

        return test_single

    def test(low: str) -> bool:  # (loops, not any/all: no generator objects per call)
        for k in single:
            if k in low:
                return True
        for words in multi:
            for w in words:
                if w not in low:
                    break
            else:
                return True
        return False

    return test


class Cue:
    """A regex tried only when the text holds one of its keys (lower-case substrings):
    the substring test is nearly free, an IGNORECASE alternation is not."""

    def __init__(self, keys: tuple[str, ...], pattern: str, flags: int = _I) -> None:
        self.has_key = key_test(keys)
        self.rx = compile_fast(pattern, flags)

    def search(self, text: str) -> re.Match[str] | None:
        if not self.has_key(text.lower()):
            return None
        return self.rx.search(text)


NONCOM = r"(?:non[\s-]*commercial(?:ly)?|noncommercial(?:ly)?)"
NOT_NON = r"(?<![nN]on[\s-])(?<![nN]on)"  # "commercial" that is not "non-commercial"

# Something is forbidden: "may not", "agree not to", "is prohibited", "no right to" ...
NEG_KEYS = declare_keys("not", "n't", "prohibit", "forbid", "refrain", "nor ", "never", "no ")
NEG_RE = Cue(
    NEG_KEYS,
    r"\b(?:(?:may|shall|will|must|can|should|could|do|does)\s+not\b|cannot\b|can't\b|won't\b"
    r"|mustn't\b|shan't\b|agrees?\s+(?:that\s+\w+\s+(?:will|shall)\s+)?not\b|not\s+to\b"
    r"|(?:is|are|be)\s+(?:strictly\s+)?(?:prohibited|forbidden)|prohibit(?:ed|s)?\b|forbid"
    r"|refrain\s+from|\bnor\b|\bno\s+(?:right|rights|license|licence|permission)\b|\bnever\b"
    r"|not\s+(?:be\s+)?(?:permitted|allowed|licensed|authori[sz]ed|granted)"
    r"|\bnot\s+(?:use|permit|allow)\b|have\s+no\s+right)",
)
# The licensor (not the user) promising not to do something: not a restriction on you.
LICENSOR_PROMISE_RE = Cue(
    (
        "licensor",
        "we",
        "company",
        "waive",
        "assert",
        "sue",
        "assign",
        "transfer",
        "warrant",
        "represent",
        "infring",
        "constitut",
    ),
    r"\bnot\s+(?:to\s+)?(?:assert|sue|bring\s+(?:a\s+)?claim|assign|transfer|delegate)\b"
    r"|\b(?:does|do)\s+not\s+(?:infringe|constitute)|\bwarrant|\brepresents?\s+that|"
    r"\b(?:licensor|we|the\s+company)\b[^.;]{0,60}\b(?:agrees?\s+not|will\s+not\s+assert)|\bwaive",
)
# Softeners: an encouraged or optional act is not an obligation.
OPTIONAL_RE = Cue(
    ("encourag", "optional", "required", "need", "option", "discretion", "welcome", "appreciate"),
    r"\bencourag\w*|\boptional\w*|\bnot\s+(?:be\s+)?required|\bneed\s+not\b"
    r"|\bat\s+(?:your|its)\s+(?:option|discretion)|\bare\s+welcome\s+to|\bappreciate",
)
OUTPUT_WORDS = (
    r"(?:outputs?|results|generated\s+(?:content|data|text|images?)|synthetic\s+(?:training\s+)?data"
    r"|(?:data|text|content|images?|audio)\s+(?:produced|generated|created)\s+(?:by|with|using)"
    r"|data\s+(?:produced|generated)|completions?|responses|generations"
    # "any text or other content they generate", "anything the model produces"
    r"|(?:text|content|data|images?|audio|anything|material)\s+(?:that\s+)?(?:it|they|the\s+"
    r"(?:model|materials|weights|software))\s+(?:generates?|produces?))"
)
# A key of each form (most text names no output; "data" alone is no key: every form that
# holds it holds "generat", "produced", "created" or "synthetic" too).
OUTPUT_KEYS = ("output", "results", "generat", "synthetic", "completion", "response",
               "produce", "created")  # fmt: skip
OUTPUT_RE = Cue(OUTPUT_KEYS, OUTPUT_WORDS)
OUTPUT_WORD_RE = compile_fast(r"\b" + OUTPUT_WORDS, _I)  # starting a word
MODEL_WORDS = (
    r"(?:models?|llms?|language\s+models?|ai\b|a\.i\.|artificial\s+intelligence|machine[\s-]+learning"
    r"|neural\s+networks?|foundation(?:al)?\s+models?|systems?|technolog(?:y|ies))"
)
TRAIN_VERBS = (
    r"(?:train|training|pre[\s-]*train|fine[\s-]*tun\w*|distil\w*|improv\w*|develop\b|build\b"
    r"|creat\w*|enhanc\w*|initiali[sz]\w*|bootstrap\w*)"
)
# A substring of every TRAIN_VERBS form (the key of a rule that names training).
TRAIN_KEYS = ("train", "tun", "distil", "improv", "develop", "build", "creat", "enhanc",
              "initiali", "bootstrap")  # fmt: skip

# --- numbers ---------------------------------------------------------------------------

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100,
}  # fmt: skip
_SCALES = {
    "thousand": 10**3, "k": 10**3, "million": 10**6, "mio": 10**6, "m": 10**6, "mm": 10**6,
    "billion": 10**9, "bn": 10**9, "b": 10**9,
}  # fmt: skip
_WORDNUM = (  # spelled-out numbers, only before a scale word: "seven hundred million"
    r"(?:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+hundred)?(?:[\s-]+(?:one|two|three|four|five|"
    r"six|seven|eight|nine))?(?=[\s-]+(?:thousand|million|billion)))"
)
NUMBER_RE = compile_fast(
    r"(?P<cur>US\s?\$|USD\s?\$?|\$|€|EUR\s?|£|GBP\s?|¥|RMB\s?|CNY\s?|JPY\s?)?\s?"
    r"(?P<num>\d{1,3}(?:[,\s.]\d{3})+(?!\d)|\d+(?:\.\d+)?|" + _WORDNUM + r")"
    r"(?:\s*(?P<scale>thousand|million|billion|mio|mm|bn|[kmb](?![a-z])))?"
    r"(?P<cur2>\s*(?:\(?(?:US|U\.S\.)\s+dollars?\)?|dollars?|USD|euros?|EUR|pounds?|GBP|RMB|CNY|yuan|JPY|yen))?",
    _I,
)


def parse_number(m: re.Match[str]) -> int | None:
    """Integer value of a NUMBER_RE match ("700 million" -> 700000000), None if not one."""
    raw = m.group("num").lower()
    scale = _SCALES.get((m.group("scale") or "").lower().strip(), 1)
    if raw[0].isdigit():
        if re.fullmatch(r"\d{1,3}(?:[,\s.]\d{3})+", raw):
            value = float(re.sub(r"[,\s.]", "", raw))
        else:
            value = float(raw)
    else:
        words = re.split(r"[\s-]+", raw)
        part = 0.0
        for w in words:
            n = _WORD_NUMBERS.get(w)
            if n is None:
                return None
            part = part * n if n == 100 else part + n
        value = part
    return round(value * scale)


def currency_of(m: re.Match[str]) -> str | None:
    text = f"{m.group('cur') or ''} {m.group('cur2') or ''}".lower()
    if not text.strip():
        return None
    for code, cues in (
        ("EUR", ("€", "eur")),
        ("GBP", ("£", "gbp", "pound")),
        ("CNY", ("rmb", "cny", "yuan")),
        ("JPY", ("jpy", "yen")),
        ("USD", ("$", "usd", "dollar")),
    ):
        if any(c in text for c in cues):
            return code
    return None


# --- harm categories of acceptable-use lists ----------------------------------------------

# Word-start stems of what acceptable-use lists prohibit, by category.  Found with plain
# substring search (a regex alternation of a hundred words is slow in Python).
_HARMS: dict[str, tuple[str, ...]] = {
    "military use": (
        "militar", "warfare", "weapon", "nuclear", "munition", "espionage", "explosive",
        "bioweapon", "chemical or biological", "biological or chemical",
    ),
    "surveillance": (
        "surveil", "biometric", "facial recognition", "track individuals", "tracking individuals",
        "identify individuals", "identifying individuals", "monitor individuals", "track people",
    ),
    "discrimination": (
        "discriminate", "discriminates", "discriminating", "discrimination",
        "protected characteristic", "social scor",
    ),
    "harassment": (
        "harass", "bully", "bullying", "intimidat", "hate speech", "hateful", "defam", "stalk",
        "threaten",
    ),
    "child safety": (
        "minors", "child sexual", "child abuse", "child exploit", "csam", "exploit children",
        "harm children",
    ),
    "deception": (
        "disinformation", "misinformation", "false information", "false or inaccurate",
        "false and inaccurate", "false or misleading", "impersonat", "deceiv", "deceptive",
        "deepfake", "fraud", "spam", "phishing", "human-generated", "human generated",
        "machine-generated", "machine generated",
        # voice cloning: "imitate the voice of a real person", "clone someone's voice"
        "imitate the voice", "imitating the voice", "imitate a real", "imitate real",
        "imitate another person", "mimic the voice", "mimicking the voice", "voice clon",
        "clone the voice", "cloning the voice", "clone voices", "clone a person", "clone someone",
    ),
    "violence": (
        "violen", "terror", "self-harm", "self harm", "suicid", "extremis", "genocid",
        "trafficking", "torture",
    ),
    "malware": (
        "malware", "malicious code", "malicious software", "cyber attack", "cyberattack",
        "cyber-attack", "ransomware", "computer virus", "denial of service", "denial-of-service",
    ),
    "high-stakes decisions": (
        "medical advice", "medical diagnos", "automated decision", "law enforcement",
        "credit scor", "high-stakes decision", "high stakes decision", "high-risk decision",
        "clinical", "border control",
    ),
    "circumvention": (
        "reverse engineer", "reverse-engineer", "decompil", "disassembl", "circumvent", "bypass",
        "work around any technical",
    ),
    "public order": (
        "national security", "critical infrastructure", "social order", "state power",
        "national unity", "social stability", "public order",
    ),
    "sexual content": ("sexual", "pornograph", "obscen"),
}  # fmt: skip
HARM_KEYS: tuple[str, ...] = tuple(k for stems in _HARMS.values() for k in stems)
_HARM_OF = {k: name for name, stems in _HARMS.items() for k in stems}
_BY_PREFIX: dict[str, list[str]] = {}
for _key in HARM_KEYS:
    _BY_PREFIX.setdefault(_key.split()[0][:4], []).append(_key)
_PREFIXES = frozenset(_BY_PREFIX)


def harms_in(low: str) -> list[tuple[int, int, str]]:
    """(start, end, category) of every harm stem that starts a word in `low`, in order.

    The 4-letter starts of the words are intersected with the stems' first: most
    segments name no harm and cost one split and one set operation."""
    starts = {w.lstrip("(\"'-[*")[:4] for w in low.split()} & _PREFIXES
    if not starts:
        return []
    out = []
    for prefix in starts:
        for key in _BY_PREFIX[prefix]:
            pos = low.find(key)
            while pos >= 0:
                if pos == 0 or not low[pos - 1].isalnum():
                    end = pos + len(key)
                    while end < len(low) and low[end].isalnum():
                        end += 1
                    out.append((pos, end, _HARM_OF[key]))
                    break
                pos = low.find(key, pos + 1)
    out.sort()
    return out
