"""Read a hunspell dictionary (.aff + .dic) and expand it into word forms.

Only what the Swedish dictionary (Debian's ``hunspell-sv``) uses is read:
single-character flags, suffix rules (with continuation flags that mark
linking forms such as ``friskvårds-``), and the compound flags.  Each form
gets a bit set of roles:

``WORD``    may stand alone;
``BEGIN``   may begin a compound (COMPOUNDBEGIN, or a linking form with it);
``MIDDLE``  may stand inside a compound (COMPOUNDMIDDLE);
``END``     may end a compound (COMPOUNDEND, with any suffix);
``PRE`` / ``POST``  the two halves of the adjective and verb COMPOUNDRULEs
            (``)k`` and ``>j``: ``genom`` + ``tänkt``).
``LEMMA``   is an entry of the .dic itself (``stöd`` the noun), not only a
            form a suffix rule makes (``fortsätt`` from ``fortsätta``).

Compound checking itself lives in :mod:`lexicon`; this module only expands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

WORD, BEGIN, MIDDLE, END, PRE, POST = 1, 2, 4, 8, 16, 32
LEMMA = 64  # the form is a dictionary entry itself, not only made by a suffix rule

_DEFAULT_FLAGS = {
    "COMPOUNDBEGIN": "X",
    "COMPOUNDMIDDLE": "U",
    "COMPOUNDEND": "Y",
    "ONLYINCOMPOUND": "Z",
    "NEEDAFFIX": "¤",
    "FORBIDDENWORD": "%",
    "COMPOUNDPERMITFLAG": "W",
}


@dataclass(frozen=True, slots=True)
class SuffixRule:
    strip: str
    add: str
    cont: str  # continuation flags of the affixed form
    cond: re.Pattern[str] | None


@dataclass(slots=True)
class AffixFile:
    flags: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_FLAGS))
    suffixes: dict[str, list[SuffixRule]] = field(default_factory=dict)
    pre_flags: str = ""   # first element of a two-element COMPOUNDRULE
    post_flags: str = ""  # second element


def read_aff(path: Path) -> AffixFile:
    """Parse the parts of an .aff file that :func:`expand_dic` needs."""
    aff = AffixFile()
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    i = 0
    while i < len(lines):
        parts = lines[i].split()
        i += 1
        if not parts or parts[0].startswith("#"):
            continue
        key = parts[0]
        if key in aff.flags and len(parts) >= 2:
            aff.flags[key] = parts[1]
        elif key == "COMPOUNDRULE" and len(parts) >= 2:
            rule = parts[1]
            # only the plain two-flag rules (")k", ">j"); numeric rules are skipped
            if len(rule) == 2 and not any(c in "*?" for c in rule) and not rule.isdigit():
                aff.pre_flags += rule[0]
                aff.post_flags += rule[1]
        elif key == "SFX" and len(parts) >= 4 and parts[3].isdigit():
            flag, count = parts[1], int(parts[3])
            rules = aff.suffixes.setdefault(flag, [])
            for line in lines[i:i + count]:
                rule = _parse_rule(line.split())
                if rule is not None:
                    rules.append(rule)
            i += count
    return aff


def _parse_rule(fields: list[str]) -> SuffixRule | None:
    if len(fields) < 4 or fields[0] != "SFX":
        return None
    strip = "" if fields[2] == "0" else fields[2]
    add, _, cont = fields[3].partition("/")
    add = "" if add == "0" else add
    cond = fields[4] if len(fields) > 4 else "."
    pattern = None if cond == "." else re.compile("(?:" + cond + ")$")
    return SuffixRule(strip, add, cont, pattern)


def expand_dic(dic: Path, aff: AffixFile) -> dict[str, int]:
    """Every form the dictionary accepts, with its role bits."""
    f = aff.flags
    begin, middle, end = f["COMPOUNDBEGIN"], f["COMPOUNDMIDDLE"], f["COMPOUNDEND"]
    only_cpd, need_affix, forbidden = f["ONLYINCOMPOUND"], f["NEEDAFFIX"], f["FORBIDDENWORD"]
    forms: dict[str, int] = {}

    def add(form: str, roles: int) -> None:
        if roles:
            forms[form] = forms.get(form, 0) | roles

    lines = dic.read_text(encoding="utf-8", errors="replace").splitlines()
    for line in lines[1:]:
        stem, _, flags = line.strip().partition("/")
        if not stem or forbidden in flags:
            continue
        stem_is_post = any(c in flags for c in aff.post_flags)
        roles = 0
        if need_affix not in flags and only_cpd not in flags:
            roles |= WORD
        if begin in flags:
            roles |= BEGIN
        if middle in flags:
            roles |= MIDDLE
        if end in flags:
            roles |= END
        if any(c in flags for c in aff.pre_flags):
            roles |= PRE
        if stem_is_post:
            roles |= POST
        add(stem, roles | LEMMA)
        for flag in flags:
            for rule in aff.suffixes.get(flag, ()):
                if rule.strip and not stem.endswith(rule.strip):
                    continue
                if rule.cond is not None and not rule.cond.search(stem):
                    continue
                form = stem[:len(stem) - len(rule.strip)] + rule.add
                add(form, _suffixed_roles(rule.cont, flags, f, stem_is_post))
    return forms


def _suffixed_roles(cont: str, stem_flags: str, f: dict[str, str], post: bool) -> int:
    if cont:  # a linking form ("friskvårds-"): only what its own flags say
        roles = 0
        if f["ONLYINCOMPOUND"] not in cont:
            roles |= WORD
        if f["COMPOUNDBEGIN"] in cont:
            roles |= BEGIN
        if f["COMPOUNDMIDDLE"] in cont:
            roles |= MIDDLE
        return roles
    roles = 0
    if f["ONLYINCOMPOUND"] not in stem_flags:
        roles |= WORD
    if f["COMPOUNDEND"] in stem_flags:
        roles |= END  # an inflected form may end a compound
    if post:
        roles |= POST
    return roles


def read_wordlist(path: Path) -> list[str]:
    """A plain word list (Debian's ``wswedish``: ISO-8859-1, one word a line)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return [w.strip() for w in text.splitlines() if w.strip()]
