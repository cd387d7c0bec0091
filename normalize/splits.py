"""Loose compound splits: the last resort for a word the lexicon cannot place.

The hunspell dictionary marks which words may begin, continue or end a
compound, and many everyday compounds fall outside its rules
(``måltids|vänner``, ``två|veckors|period``, ``åter|flyttar|träff``): the
dictionary knows every part but not that they may join.  When a word is no
dictionary form and no strict compound even after its diacritics are
restored, it is split into two or three dictionary words and each part gets its own spelling.  Splits are ranked by
the frequency of their parts; fewer and longer parts first.
"""
from __future__ import annotations

from .hunspell import BEGIN, END, MIDDLE, WORD
from .lexicon import Lexicon

MIN_PART = 3        # letters in a part of a loose split
MAX_PARTS = 3
MAX_SPLITS = 6
_VOWELS = frozenset("aeiouyåäöé")
# pronouns and conjunctions join no compound ("fyrgradig" is no "fyr|grå|dig")
_NO_PART = frozenset("dig mig sig dem oss och att som han hon hen jag vad vem hur".split())
# derivational suffixes that are no words of their own: "ambassadör|skap" (not "skåp")
_SUFFIXES = {"skap": -0.4}


def loose_compounds(lexicon: Lexicon, key: str,
                    limit: int = MAX_SPLITS) -> list[tuple[float, tuple[str, ...]]]:
    """Spellings of the fold-space word ``key`` as 2-3 dictionary words, with their
    scores (higher is better), best first."""
    n = len(key)
    if n < 2 * MIN_PART:
        return []
    # partial[i]: (score, parts) spelling key[:i] as one or more non-final parts
    partial: dict[int, list[tuple[float, tuple[str, ...]]]] = {}
    done: list[tuple[float, tuple[str, ...]]] = []
    for i in range(MIN_PART, n - MIN_PART + 1):
        heads = _parts(lexicon, key[:i], first=True)
        if heads:
            partial.setdefault(i, []).extend((_score(lexicon, h), (h,)) for h in heads)
    for i in range(MIN_PART, n - MIN_PART + 1):
        if i not in partial:
            continue
        heads = sorted(partial[i], reverse=True)[:limit]
        for tail in _parts(lexicon, key[i:], last=True):
            for score, parts in heads:
                done.append((score + _score(lexicon, tail), parts + (tail,)))
        if key[i:] in _SUFFIXES:
            for score, parts in heads:
                done.append((score + _SUFFIXES[key[i:]], parts + (key[i:],)))
        for j in range(i + MIN_PART, n - MIN_PART + 1):
            for mid in _parts(lexicon, key[i:j]):
                for score, parts in heads:
                    if len(parts) + 2 <= MAX_PARTS:
                        partial.setdefault(j, []).append((score + _score(lexicon, mid), parts + (mid,)))
    done.sort(key=lambda sp: (-sp[0], sp[1]))
    out: list[tuple[float, tuple[str, ...]]] = []
    seen: set[tuple[str, ...]] = set()
    for score, parts in done:
        if parts not in seen:
            seen.add(parts)
            out.append((score, parts))
        if len(out) >= limit:
            break
    return out


def _parts(lexicon: Lexicon, key: str, first: bool = False, last: bool = False) -> list[str]:
    """Lower-case dictionary words spelled ``key`` in fold space (genitives such as
    ``måltids`` are forms of their own and serve as linking forms)."""
    if not _VOWELS.intersection(key):
        return []
    role = WORD | END if last else WORD | BEGIN | (0 if first else MIDDLE)
    return [f for f in lexicon.by_fold(key)
            if f.islower() and f not in _NO_PART and lexicon.roles(f) & role]


def _score(lexicon: Lexicon, part: str) -> float:
    # fewer, longer, more frequent parts read as the better split
    return -1.0 + 0.1 * lexicon.zipf(part) + 0.02 * len(part)

