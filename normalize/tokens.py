"""Token repair: restore å, ä and ö in one word, from OCR confusions.

A word that lost its diacritics has the *fold* of the right word
(``malen`` for ``målen``).  OCR glyph confusions are mapped into that fold
space first (``&`` and ``6`` stand for an accented letter, ``é`` for ö, å or
ä, rarer ones like ``d`` for ä cost more), then the lexicon names the
dictionary forms with each fold, and the language model picks one.

Two modes:

* ``degraded`` (the text as a whole lost its diacritics): every word may be
  respelled, including valid ASCII words that are much likelier with
  diacritics (``for`` -> ``för``, ``ar`` -> ``är``).
* otherwise (a clean text): only words that carry an OCR glyph (``&``,
  ``6``, ``¢``, ``é``) and are not words as they stand are touched, so a
  correct text comes out unchanged.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Hamming

from .grammar import ARTICLES, WordClasses, definite, finite_after_article
from .hunspell import BEGIN, WORD
from .language import START, LanguageModel
from .lexicon import Lexicon, fold
from .seen import SeenSpellings
from .splits import loose_compounds

PRIMARY_COST = 0.05    # per restored letter: fewer changes win a tie
SECONDARY_COST = 1.5   # a rarer confusion (d -> ä, i -> å, ...)
INSERT_COST = 0.6      # a lost letter put back ("kning" -> "ökning"): dictionary forms only
LOOSE_COST = 0.5       # a split the dictionary's compound rules do not make
ARTICLE_VERB_PENALTY = 2.0  # an infinitive between an article and a definite noun
IMPERATIVE_PENALTY = 1.0  # a bare verb stem ("fortsätt", "stör") inside a sentence
SEEN_BONUS = 2.0       # the document settles this spelling (or its stem) elsewhere ...
SETTLED_MARGIN = 1.0   # ... where its likeliest spelling leads the next by this much
KEEP_BONUS = 0.0       # a valid word stays unless another spelling is clearly likelier
KEEP_COMPOUND = 0.2    # ... less so a word that is valid only as a compound
MAX_VARIANTS = 48
# A word that is no word may be a vocabulary word (the municipality's own, learned from
# its clean reports, or the shipped one) with letters OCR misread beyond diacritics
# ("hilsofrimjande" for "hälsofrämjande", "stjarmmarkning" for "stjärnmärkning"):
NEAR_MIN_LETTERS = 8   # ... alone from this length, one misread letter in NEAR_PER_LETTERS
NEAR_PER_LETTERS = 7
NEAR_SHORT_LETTERS = 4  # shorter words (one misread letter) only where both neighbours
NEAR_COST = 2.0        # ... are seen beside the vocabulary word ("ett Skat utbud"); per letter

# multi-character glyphs first: (noisy text, fold letters, accent required, cost).
# Cost 0.0 marks a glyph that only OCR writes; > 0 a reading that also occurs in
# correct text, tried only when the word as it stands is no Swedish word.
_PATTERNS: tuple[tuple[str, str, bool, float], ...] = (
    ("¢6", "o", True, 0.0), ("¢o", "o", True, 0.0),
    ("éa", "a", True, 0.0), ("èa", "a", True, 0.0),
    ("éo", "o", True, 0.0), ("oé", "o", True, 0.0), ("èo", "o", True, 0.0),
    ("dé", "o", True, 0.0),                              # "ndéjdhet", "déppet"
    ("6é", "o", True, 0.0), ("ié", "o", True, 0.0), ("ié", "a", True, 0.0),  # "behiéver"
    ("ii", "a", True, 0.3),                              # the dots of ä as a second i: "liingre"
    ("ao", "o", True, SECONDARY_COST), ("da", "a", True, SECONDARY_COST),
    ("ai", "a", True, SECONDARY_COST), ("ia", "a", True, SECONDARY_COST),   # "kainna", "viantar"
    ("aa", "a", True, SECONDARY_COST),                   # "MAanatlig", "Aandamalsenliga"
)
_GLYPHS: dict[str, tuple[tuple[str, bool, float], ...]] = {
    "&": (("a", True, 0.0),),
    "6": (("o", True, 0.0),),
    "4": (("a", True, 0.0),),                             # "4r", "utsl4pp"
    "¢": (("o", True, 0.0),),
    "é": (("o", True, 0.0), ("a", True, 0.0), ("e", False, 0.2)),
    "è": (("o", True, 0.0), ("a", True, 0.0), ("e", False, 0.2)),
    "ê": (("o", True, 0.0), ("a", True, 0.0), ("e", False, 0.2)),
}
# rarer single-letter readings: (fold letter, accent required)
_SECONDARY: dict[str, tuple[tuple[str, bool], ...]] = {
    "d": (("a", True), ("o", True)), "i": (("a", True),), "l": (("o", True),),
    "a": (("o", True),), "y": (("v", False),),
}
# ... and rarer readings of other letters, tried the same way ("uppfylit", "awvikelse")
_SECONDARY_PLAIN: dict[str, tuple[str, ...]] = {"i": ("l",), "w": ("v", "vv")}
NOISE_CHARS = frozenset("&6¢éèê")
_MULTI_NOISE = ("ii", "dé")
_ACCENTED = frozenset("åäöÅÄÖ")
_VOWELS = frozenset("aeiouy")
_LONE_WORDS = frozenset("iåäöoae")   # one-letter words (or letters OCR keeps alone)
LONE_MIN_ZIPF = 5.5    # a lone letter becomes only a very common word: "r" -> "är", "p" -> "på"


@dataclass(frozen=True, slots=True)
class Variant:
    key: str                       # fold-space spelling
    required: tuple[int, ...]      # positions in key that must carry an accent
    cost: float
    secondary: bool


@dataclass(frozen=True, slots=True)
class Candidate:
    form: str          # lexicon spelling (lower case unless a proper noun)
    cost: float
    parts: tuple[str, ...] = ()   # compound parts; () for a dictionary form
    identity: bool = False
    score: float | None = None    # a loose split's own score, in place of the language model's
    near: bool = False            # a vocabulary word with letters misread beyond diacritics

    @property
    def compound(self) -> bool:
        return bool(self.parts)


def has_noise(token: str) -> bool:
    """Does the word carry an OCR glyph standing for å, ä or ö?"""
    if "&" in token or "¢" in token or any(c in "éèê" for c in token):
        return True
    for digit in "64":
        if digit in token:  # "6ka", "4r": a digit among letters, nothing else
            letters = sum(c.isalpha() for c in token)
            if letters >= 1 and all(c.isalpha() or c in "64" for c in token):
                return True
    return False


def _mid_word_g(token: str, i: int) -> bool:
    """A capital G between lower-case letters: OCR's reading of ö ("behGriga")."""
    return (0 < i < len(token) - 1 and token[i] == "G"
            and token[i - 1].islower() and token[i + 1].islower())


@functools.lru_cache(maxsize=50_000)
def fold_variants(token: str, allow_secondary: bool) -> tuple[Variant, ...]:
    """The fold-space spellings an OCR token may stand for, cheapest first."""
    low = token.lower()
    if (not allow_secondary and not NOISE_CHARS.intersection(low) and "4" not in low
            and not any(m in low for m in _MULTI_NOISE) and "G" not in token[1:]):
        return (Variant(fold(low), (), 0.0, False),)   # the common case: nothing to branch on
    if low.startswith("i6"):  # "I6pande": capital I read for l
        low = "l" + low[1:]
    n = len(low)
    folded = fold(low)
    patterns = [[p for p in _PATTERNS if low.startswith(p[0], i) and (p[3] < 1.0 or allow_secondary)]
                for i in range(n)]
    out: list[Variant] = []

    def walk(i: int, key: str, req: tuple[int, ...], cost: float, sec: bool) -> None:
        if len(out) >= MAX_VARIANTS:
            return
        if i == n:
            out.append(Variant(key, req, cost, sec))
            return
        for text, letters, must, c in patterns[i]:
            if c < 1.0 or not sec:
                walk(i + len(text), key + letters, req + ((len(key),) if must else ()),
                     cost + c, sec or c >= 1.0)
        ch = low[i]
        if ch in _GLYPHS:
            for letters, must, c in _GLYPHS[ch]:
                walk(i + 1, key + letters, req + ((len(key),) if must else ()), cost + c, sec)
            return
        if _mid_word_g(token, i):
            walk(i + 1, key + "o", req + (len(key),), cost, sec)
        walk(i + 1, key + folded[i], req, cost, sec)
        if allow_secondary and not sec and ch in _SECONDARY and (i > 0 or ch in "di"):
            for letters, must in _SECONDARY[ch]:
                walk(i + 1, key + letters, req + ((len(key),) if must else ()), cost + SECONDARY_COST, True)
        if allow_secondary and not sec and i > 0 and ch in _SECONDARY_PLAIN:
            for letters in _SECONDARY_PLAIN[ch]:
                walk(i + 1, key + letters, req, cost + SECONDARY_COST, True)
        if allow_secondary and not sec and i == 0 and token[:1] == "G":  # "Gppnare"
            walk(i + 1, key + "o", req + (0,), cost + SECONDARY_COST, True)

    walk(0, "", (), 0.0, False)
    out.sort(key=lambda v: v.cost)
    return tuple(out)


def insertion_variants(token: str) -> list[Variant]:
    """Spellings with one å, ä or ö put back where OCR dropped it ("kning" -> "ökning")."""
    out: list[Variant] = []
    for v in fold_variants(token, False)[:4]:
        for p in range(len(v.key) + 1):
            required = tuple(i + (i >= p) for i in v.required) + (p,)
            for letter in "ao":
                out.append(Variant(v.key[:p] + letter + v.key[p:], required, v.cost + INSERT_COST, True))
    return out


def loose_variants(lexicon: Lexicon, token: str) -> list[Candidate]:
    """Loose compound splits (``splits``) of the token's fold-space spellings."""
    out = []
    for v in fold_variants(token, False)[:4]:
        for score, parts in loose_compounds(lexicon, v.key):
            form = "".join(parts)
            if _accents_fit(form, v.key, v.required) and _case_fits(token, form):
                out.append(Candidate(form, v.cost + LOOSE_COST + PRIMARY_COST * _changes(form, v.key),
                                     parts, score=score))
    return out


class TokenRepairer:
    """Chooses the spelling of one word; candidates are cached per token."""

    def __init__(self, lexicon: Lexicon, model: LanguageModel, vocab_words=frozenset()):
        self.lexicon = lexicon
        self.model = model
        self.vocab_folds: dict[str, set[str]] = {}
        for w in vocab_words:
            self.vocab_folds.setdefault(fold(w), set()).add(w)
        self.vocab_words = frozenset(vocab_words)
        # vocabulary words with å/ä/ö by length, folded: what a misread word may be (near)
        self.near_words: dict[int, dict[str, list[str]]] = {}
        for w in self.vocab_words:
            if len(w) >= NEAR_SHORT_LETTERS and _ACCENTED.intersection(w) and w.isalpha():
                self.near_words.setdefault(len(w), {}).setdefault(fold(w), []).append(w)
        self.near_keys = {n: list(words) for n, words in self.near_words.items()}
        self.grammar = WordClasses(lexicon)
        self.candidates = functools.lru_cache(maxsize=100_000)(self._candidates)
        self.lost_letter = functools.lru_cache(maxsize=64)(self._lost_letter)
        self.skip = functools.lru_cache(maxsize=100_000)(self._skip)

    # -- validity
    def is_valid(self, token: str) -> bool:
        return token in self.vocab_words or self.lexicon.is_word(token)

    def _skip(self, token: str) -> bool:
        """Numbers, abbreviations and words without a letter are left alone."""
        letters = sum(c.isalpha() for c in token)
        if letters == 0:
            return True
        if any(c.isdigit() for c in token) and not has_noise(token):
            return True
        if token.isupper() and len(token) <= 5 and not self.vocab_folds.get(fold(token)):
            return True  # NPF, SKR, IFO, SPSM, MIUN ...
        return False

    # -- candidates
    def _candidates(self, token: str, before_hyphen: bool, degraded: bool) -> tuple[Candidate, ...]:
        identity = self.is_valid(token)
        if not degraded and (identity or not has_noise(token)):
            return ()
        is_form = identity and (self.lexicon.is_form(token) or token in self.vocab_words)
        found: dict[str, Candidate] = {}
        self._collect(found, token, fold_variants(token, False), before_hyphen, direct_only=is_form)
        lower = token.lower()
        # rarer confusions land on dictionary forms only, and must be far likelier than
        # every plain reading, the word itself included ("dr" -> "är", "förbittra" -> "förbättra")
        rare: dict[str, Candidate] = {}
        self._collect(rare, token, fold_variants(token, True), before_hyphen, direct_only=True)
        plain = [self.model.unigram(c.form, c.parts) for c in found.values() if c.form.lower() != lower]
        if identity:
            plain.append(self.model.unigram(token) + (0.0 if is_form else KEEP_COMPOUND))
        bar = max(plain, default=float("-inf"))
        for form, c in rare.items():
            if form not in found and self.model.unigram(form) - c.cost > bar:
                found[form] = c
        if degraded and not identity:
            # a letter OCR dropped ("kning" -> "ökning"), dictionary forms only
            self._collect(found, token, insertion_variants(token), before_hyphen, direct_only=True)
        if degraded and not identity and not found:
            # nothing else: a consonant read for å, ä or ö inside a compound
            # ("budgetuppfdljning"; a vowel read for another, "loggrar", may be meant)
            self._collect(found, token, [v for v in fold_variants(token, True)
                                         if v.secondary and _consonant_misread(token, v)],
                          before_hyphen, direct_only=False, rare_compounds=True)
        if degraded and not identity and (not found or len(token) < NEAR_MIN_LETTERS):
            # a vocabulary word with a letter misread beyond diacritics; a short one only
            # beside the neighbours it is seen with (``repair``)
            for c in self._near(token):
                if c.form not in found:
                    found[c.form] = c
        if not identity and not found:
            for c in loose_variants(self.lexicon, token):
                if c.form not in found or c.cost < found[c.form].cost:
                    found[c.form] = c
        if identity:
            parts = ()
            if not is_form:
                parts = next((p for p in self.lexicon.compounds_by_fold(fold(token)) if "".join(p) == lower),
                             (lower,))
                if any(not c.parts for c in found.values() if c.cost < 1.0):
                    # an ad-hoc compound ("lag|stadium") gives way to a dictionary word ("lågstadium")
                    return tuple(found.values())
            found[token] = Candidate(token, 0.0, parts, identity=True)
        return tuple(found.values())

    def _near(self, token: str) -> list[Candidate]:
        """Vocabulary words with å/ä/ö that ``token`` (no word) spells with a few letters
        misread beyond diacritics: same length, at most one letter in NEAR_PER_LETTERS
        different in fold space (one for a word shorter than NEAR_MIN_LETTERS), and only
        the single nearest (a tie says nothing)."""
        n = len(token)
        words = self.near_words.get(n)
        if not words or (not token.isalpha() and not has_noise(token)):
            return []
        limit = max(1, n // NEAR_PER_LETTERS) if n >= NEAR_MIN_LETTERS else 1
        keys = self.near_keys[n]
        best: dict[str, int] = {}
        for v in fold_variants(token, False)[:4]:
            if len(v.key) != n:
                continue
            for key, d, _ in process.extract(v.key, keys, scorer=Hamming.distance,
                                             score_cutoff=limit, limit=None):
                for form in words[key] if d > 0 else ():
                    if _case_fits(token, form):
                        best[form] = min(d, best.get(form, d))
        if not best:
            return []
        nearest = min(best.values())
        forms = [f for f, d in best.items() if d == nearest]
        if len({fold(f) for f in forms}) > 1:
            return []
        return [Candidate(f, NEAR_COST * nearest, near=True) for f in forms]

    def _beside(self, form: str, prev: str, next_fold: str) -> bool:
        """Is ``form`` seen (corpus, vocabulary phrases) after ``prev`` and before ``next_fold``?"""
        w = form.lower()
        return (prev, w) in self.model.left and (w, next_fold) in self.model.right

    def settled(self, token: str, degraded: bool) -> str | None:
        """The spelling of ``token`` when it is settled without context: the token is
        no word as it stands and one accented spelling is clearly the likeliest."""
        # (a short misread word is a vocabulary word only beside its neighbours: not here)
        cands = [c for c in self.candidates(token, False, degraded)
                 if not (c.near and len(token) < NEAR_MIN_LETTERS)]
        if not cands or any(c.identity or c.score is not None for c in cands):
            return None
        scored = sorted(((self.model.unigram(c.form, c.parts) - c.cost, c.form) for c in cands),
                        reverse=True)
        if len(scored) > 1 and scored[0][0] - scored[1][0] < SETTLED_MARGIN:
            return None
        return scored[0][1]

    def _lost_letter(self, letter: str) -> tuple[Candidate, ...]:
        found: dict[str, Candidate] = {}
        self._collect(found, letter, insertion_variants(letter), False, direct_only=True)
        return tuple(c for c in found.values() if self.lexicon.zipf(c.form) >= LONE_MIN_ZIPF)

    def _collect(self, found: dict[str, Candidate], token: str, variants, before_hyphen: bool,
                 direct_only: bool, rare_compounds: bool = False) -> None:
        for v in variants:
            # a rare confusion must land on a dictionary word, not a compound (unless
            # nothing else is found: ``rare_compounds``)
            direct = direct_only or (v.secondary and not rare_compounds)
            for form, parts in self._forms(v.key, before_hyphen, direct):
                if not _accents_fit(form, v.key, v.required) or not _case_fits(token, form):
                    continue
                cost = v.cost + PRIMARY_COST * _changes(form, v.key)
                old = found.get(form)
                if old is None or cost < old.cost:
                    found[form] = Candidate(form, cost, parts)

    def _forms(self, key: str, before_hyphen: bool, direct_only: bool):
        """Forms spelled ``key`` in fold space; compounds only when no single form is."""
        role = WORD | BEGIN if before_hyphen else WORD
        forms = [f for f in self.lexicon.by_fold(key) if self.lexicon.roles(f) & role]
        forms += [w for w in self.vocab_folds.get(key, ()) if w not in forms]
        if forms or direct_only:
            return [(f, ()) for f in forms]
        return [("".join(parts), parts) for parts in self.lexicon.compounds_by_fold(key)]

    # -- choice
    def repair(self, token: str, prev: str, next_fold: str, *,
               degraded: bool, before_hyphen: bool = False, lone: bool = False,
               inside: bool = False, seen: SeenSpellings | None = None,
               titled: bool = False) -> str:
        """The best spelling of ``token`` in its context (``token`` if none is better).

        ``lone``: the token stands between spaces inside a sentence, not after a
        number (a lone letter there is what is left of a short word, not a unit).
        ``inside``: the token follows a word of its sentence on the same line (no
        heading or table cell starts here).  ``seen``: spellings the document
        settles elsewhere, which make a candidate likelier.  ``titled``: the token
        follows a number or a capitalised word inside its sentence, where a capital
        is meant (a heading's number, a table cell after a header)."""
        if self.skip(token):
            return token
        cands = self.candidates(token, before_hyphen, degraded)
        if lone and degraded and len(token) == 1 and token.islower() and token not in _LONE_WORDS:
            cands = self.lost_letter(token)   # "r" for "är": a word with one letter left
        if not cands:
            if degraded and (token.islower() or prev == START):
                return self.grammar.split_joined(token) or token
            return token
        best, best_score = None, float("-inf")
        for c in cands:
            if c.score is not None and token[:1].isupper() and prev != START and not has_noise(token):
                continue  # a capitalised word inside a sentence may be a name: no loose split
            if c.near and len(token) < NEAR_MIN_LETTERS and not self._beside(c.form, prev, next_fold):
                continue  # a short word misread: only where both neighbours are seen beside it
            base = self.model.unigram(c.form, c.parts) if c.score is None else c.score
            score = base + self.model.context(c.form, prev, next_fold) - c.cost
            if prev in ARTICLES and definite(next_fold) and self.grammar.is_infinitive(c.form):
                score -= ARTICLE_VERB_PENALTY   # "det svara samtalet": an adjective goes there
            if not c.identity and finite_after_article(prev, c.form):
                score -= ARTICLE_VERB_PENALTY   # "ett ar i taget": "år", not "är"
            if c.identity:
                score += KEEP_COMPOUND if c.parts else KEEP_BONUS
            elif inside and self.grammar.is_imperative(c.form):
                score -= IMPERATIVE_PENALTY   # ... and the kin seen elsewhere is no help
            elif seen and seen.supports(c.form, c.parts):
                score += SEEN_BONUS
            if score > best_score or (score == best_score and c.identity):
                best, best_score = c, score
        if best is None or best.identity:
            return token
        if best.near and fold(token[:1]) != fold(best.form[:1]) and not token.isupper():
            # the first letter itself was misread ("Skat" for "ökat"): its case tells nothing
            first = best.form[:1].upper() if prev == START or titled else best.form[:1]
            return first + best.form[1:]
        if (degraded and inside and not titled and token[:1] in "AO" and token[1:].islower()
                and best.form[:1] in "åäö"):
            # OCR reads a lower-case å, ä or ö as a capital: "personer Over 65" is "över"
            return best.form
        return apply_case(token, best.form)


def _consonant_misread(token: str, v: Variant) -> bool:
    """Is every letter ``v`` changes a consonant OCR read for å, ä or ö (``d`` in
    "budgetuppfdljning"), not a vowel that may be meant as it stands?"""
    low = fold(token)
    if len(low) != len(v.key):
        return False
    changed = [(a, b) for a, b in zip(low, v.key) if a != b and a not in NOISE_CHARS]
    return bool(changed) and all(a not in _VOWELS and b in "ao" for a, b in changed)


def _changes(form: str, key: str) -> int:
    return sum(a != b for a, b in zip(form.lower(), key))


def _accents_fit(form: str, key: str, required: tuple[int, ...]) -> bool:
    if len(form) != len(key):
        return False
    return all(form[i] in _ACCENTED or form[i].lower() != key[i] for i in required)


def _case_fits(token: str, form: str) -> bool:
    """A proper noun (``Ånge``) only for a capitalised token, an acronym only for one in capitals."""
    if len(form) > 1 and form.isupper() and not token.isupper():
        return False
    if form[:1].isupper():
        first = next((c for c in token if c.isalpha()), "")
        return first.isupper() or token[:1] in "&6¢"
    return True


def apply_case(token: str, form: str) -> str:
    """Give ``form`` the letter case of ``token``: ``ANGE`` -> ``ÅNGE``, ``Oka`` -> ``Öka``."""
    letters = [c for c in token if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return form.upper()
    if token[:2] in ("I6", "Gp") and token[2:3].islower():  # "I6pande", "Gppnare": a misread lower-case letter
        return form
    if token[:1].isupper():
        return form[:1].upper() + form[1:]
    return form
