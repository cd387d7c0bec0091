"""Restore Swedish diacritics in free text, titles and streams.

``repair_text`` respells words in place (line breaks and spacing kept), then
respells vocabulary phrases; ``repair_title`` first tries the canonical goal
titles as whole phrases.  Whether a text lost its diacritics is decided from
the text itself (:meth:`Repairer.is_degraded`); a clean text is only touched
where a word carries an OCR glyph, so born-digital text comes out unchanged.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import TextIO

from .language import END, NUM, START, LanguageModel, context_fold, word_class
from .lexicon import Lexicon, fold, get_lexicon
from .phrases import PhraseTable, TitleMatcher, respell_like
from .seen import SeenSpellings
from .tokens import TokenRepairer, has_noise
from .vocabulary import Vocabulary, load_vocabulary

TOKEN_RE = re.compile(r"(?:[^\W_]|[&¢])+")
_SENTENCE_BREAK = re.compile(r"[.!?:;•]|\n\s*\n")
# OCR reads a capital I as "|": "| den här rapporten" -> "I den här rapporten"
_BAR_I = re.compile(r"(^[ \t]*|[.!?:][ \t]+)\|(?=[ \t]+[^\W\d_])", re.MULTILINE)
# ... a spaced en dash (the Swedish dash) as an em dash, and a bullet as "¢", "*" or "«"
_EM_DASH = re.compile(r"(?<=[ \t])—(?=[ \t])")
_BULLET = re.compile(r"(?:^|(?<=[ \t]))(?:¢|(?<![^\s:])[*«])(?=[ \t]+[A-ZÅÄÖ])", re.MULTILINE)
MIN_SUSPECTS = 1
LOCAL_EVIDENCE = 8      # words for a paragraph to overrule the text-wide decision
_LINE_BREAK = re.compile(r"[ \t]*\r?\n\s*")
_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n\s*)")
_ACCENTS = set("åäöÅÄÖ")
_HEADING_NUMBER = re.compile(r"[ \t]*\d+(?:\.\d+)*\.?[ \t]+")   # "3.1.1 " opening a line
UNIT_LETTERS = frozenset("gkhlmst")   # "5 m", "3 h": a lone letter after a number is a unit


class Repairer:
    """Lexicon, vocabulary and language model, bundled for repeated use."""

    def __init__(self, vocabulary: Vocabulary | None = None, lexicon: Lexicon | None = None):
        self.vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
        self.lexicon = lexicon if lexicon is not None else get_lexicon()
        self.model = LanguageModel(self.lexicon, self.vocabulary)
        self.tokens = TokenRepairer(self.lexicon, self.model, self.vocabulary.words)
        self.phrases = PhraseTable(self.vocabulary)
        self.titles = TitleMatcher(self.vocabulary.goals)
        self._suspects: dict[str, bool] = {}

    # ------------------------------------------------------------ the gate
    def is_degraded(self, text: str) -> bool:
        """Has this text lost its diacritics?

        Counts words spelled with å/ä/ö against *suspects*: words that are no
        Swedish word as they stand but are one with å/ä/ö restored, or carry
        an OCR glyph, or are valid but far likelier with diacritics (``for``,
        ``Ange``).  Clean Swedish has many of the first and almost none of
        the second; OCR without a Swedish model the reverse.
        """
        accented, suspects = self._evidence(text)
        return suspects >= MIN_SUSPECTS and suspects >= accented

    def _evidence(self, text: str) -> tuple[int, int]:
        accented, suspects = 0, 0
        for word in set(TOKEN_RE.findall(text)):
            if sum(c.isalpha() for c in word) < 2 or self.tokens.skip(word):
                continue
            if _ACCENTS.intersection(word):
                accented += 1
            elif self._suspect(word):
                suspects += 1
        return accented, suspects

    def _suspect(self, word: str) -> bool:
        found = self._suspects.get(word)
        if found is None:
            found = self._suspects[word] = self._suspect_uncached(word)
        return found

    def _suspect_uncached(self, word: str) -> bool:
        if has_noise(word):
            return not self.tokens.is_valid(word)
        if not self.tokens.is_valid(word):
            key = fold(word)
            if any(f != key for f in self.lexicon.words_by_fold(key)):
                return True
            return any("".join(parts) != key for parts in self.lexicon.compounds_by_fold(key))
        # valid, but would be respelled even without context ("for" -> "för")
        return self.tokens.repair(word, "", "", degraded=True) != word

    # ------------------------------------------------------------ document evidence
    def seen_in(self, text: str, degraded: bool = True) -> SeenSpellings:
        """Spellings ``text`` settles: its words with å/ä/ö, and words that are no
        word as they stand with one clearly likeliest spelling (``starks`` -> ``stärks``)."""
        seen = SeenSpellings()
        text = unicodedata.normalize("NFC", text)
        words: dict[str, bool] = {}
        for m in TOKEN_RE.finditer(text):
            words[m.group()] = words.get(m.group(), False) or text[m.end():m.end() + 1] == "-"
        for word, before_hyphen in words.items():
            if len(word) < 2 or before_hyphen or self.tokens.skip(word):
                continue  # (a word before a hyphen may be a compound's first part)
            if _ACCENTS.intersection(word):
                if self.tokens.is_valid(word):
                    seen.add(word)
            elif degraded or has_noise(word):
                settled = self.tokens.settled(word, degraded)
                if settled is not None:
                    seen.add(settled)
        return seen

    # ------------------------------------------------------------ text
    def repair_text(self, text: str, degraded: bool | None = None,
                    seen: SeenSpellings | None = None) -> str:
        """``text`` with diacritics restored; unchanged if nothing needs it.

        ``seen``: spellings settled elsewhere in the same document (default: in ``text``)."""
        if not text:
            return text
        text = unicodedata.normalize("NFC", text)
        if degraded is None:
            degraded = self.is_degraded(text)
        if seen is None:
            seen = self.seen_in(text, degraded) if degraded else SeenSpellings()
        pieces = _PARAGRAPH_BREAK.split(text)
        if len(pieces) == 1:
            return self._repair_block(text, degraded, seen)
        # paragraphs with enough evidence of their own decide for themselves
        # (a report whose text layer is clean on some pages and OCR on others)
        out = []
        for piece in pieces:
            if _PARAGRAPH_BREAK.fullmatch(piece) or not piece.strip():
                out.append(piece)
                continue
            accented, suspects = self._evidence(piece)
            local = degraded
            if accented + suspects >= LOCAL_EVIDENCE:
                local = suspects >= accented
            out.append(self._repair_block(piece, local, seen))
        return "".join(out)

    def _repair_block(self, text: str, degraded: bool, seen: SeenSpellings) -> str:
        if degraded:
            text = fix_marks(text)
        text = self._repair_words(text, degraded, seen)
        if degraded:
            text = "\n".join(self.phrases.repair_line(line) for line in text.split("\n"))
        return text

    def _repair_words(self, text: str, degraded: bool, seen: SeenSpellings) -> str:
        """Respell each word in place, with its neighbours as context."""
        matches = list(TOKEN_RE.finditer(text))
        if not matches:
            return text
        parts, last, prev = [], 0, START
        prev_titled = False   # the previous word is capitalised and not its sentence's first
        for k, m in enumerate(matches):
            gap_before = text[last:m.start()]
            if _breaks_sentence(gap_before):
                prev = START
            nxt = matches[k + 1] if k + 1 < len(matches) else None
            if nxt is None or _breaks_sentence(text[m.end():nxt.start()]):
                next_fold = END
            else:
                next_fold = context_fold(nxt.group())
            before_hyphen = text[m.end():m.end() + 1] == "-"
            lone = (nxt is not None and next_fold != END and _spaces(gap_before) and prev != START
                    and _spaces(text[m.end():nxt.start()])
                    and (prev != NUM or m.group() not in UNIT_LETTERS)
                    and (prev == NUM or self.tokens.is_valid(prev)))  # not a broken word's tail
            inside = prev != START and "\n" not in gap_before
            # after a heading's number or a capitalised word inside a sentence, a capital
            # is meant ("3.1.1 Äldreomsorgen", a table cell "Slutdatum Öppna")
            titled = inside and (prev_titled or (prev == NUM and _HEADING_NUMBER.fullmatch(
                text, text.rfind("\n", 0, m.start()) + 1, m.start()) is not None))
            fixed = self.tokens.repair(m.group(), prev, next_fold, degraded=degraded,
                                       before_hyphen=before_hyphen, lone=lone, inside=inside,
                                       seen=seen, titled=titled)
            prev_titled = prev != START and fixed[:1].isupper()
            parts.append(gap_before)
            parts.append(fixed)
            last = m.end()
            prev = word_class(fixed)
        parts.append(text[last:])
        return "".join(parts)

    # ------------------------------------------------------------ titles
    def repair_title(self, text: str, degraded: bool | None = None,
                     seen: SeenSpellings | None = None) -> str:
        """A goal or activity title: words spelled as in a matching canonical goal
        title, else token repair.  A title is one line (a wrapped heading is joined)."""
        if not text:
            return text
        text = _LINE_BREAK.sub(" ", unicodedata.normalize("NFC", text).strip())
        if degraded is None:
            degraded = self.is_degraded(text)
        if degraded:
            text = fix_marks(text)
        canonical = self.titles.match(text, exact_fold=not degraded)
        if canonical is None:
            return self.repair_text(text, degraded, seen)
        word_repair = functools.partial(self._repair_word, degraded=degraded, seen=seen)
        return respell_like(text, canonical, word_repair, self.tokens.is_valid)

    def _repair_word(self, word: str, degraded: bool, seen: SeenSpellings | None) -> str:
        return self.tokens.repair(word, START, "", degraded=degraded, seen=seen)


def fix_marks(text: str) -> str:
    """OCR's readings of marks in a degraded text: ``|`` for a sentence's ``I``,
    ``—`` for the spaced dash ``–``, ``¢``/``*``/``«`` for a bullet ``•``."""
    text = _BAR_I.sub(r"\1I", text)
    text = _EM_DASH.sub("–", text)
    return _BULLET.sub("•", text)


def _spaces(gap: str) -> bool:
    return bool(gap) and not gap.strip()


def _breaks_sentence(gap: str) -> bool:
    return bool(_SENTENCE_BREAK.search(gap))


@functools.lru_cache(maxsize=8)
def get_repairer(vocab: Vocabulary | None = None) -> Repairer:
    """A shared :class:`Repairer` (the package vocabulary when ``vocab`` is None)."""
    return Repairer(vocab)


def repair_text(text: str, vocab: Vocabulary | None = None) -> str:
    """Restore å, ä and ö in free text; a correct text comes back unchanged."""
    return get_repairer(vocab).repair_text(text)


def repair_title(text: str, vocab: Vocabulary | None = None) -> str:
    """Restore a goal or activity title (canonical goal title if one matches)."""
    return get_repairer(vocab).repair_title(text)


def repair_stream(infile: TextIO | None = None, outfile: TextIO | None = None,
                  vocab_files=()) -> None:
    """Read all of ``infile``, write it repaired to ``outfile`` (``repair-text``).

    Defaults are stdin and stdout; ``vocab_files`` are extra vocabulary files.
    """
    infile = sys.stdin if infile is None else infile
    outfile = sys.stdout if outfile is None else outfile
    vocab = load_vocabulary(tuple(vocab_files)) if vocab_files else None
    text = infile.read()
    outfile.write(in_input_form(text, get_repairer(vocab).repair_text(text)))
    outfile.flush()


def in_input_form(original: str, repaired: str) -> str:
    """``repaired`` (NFC, as every output string) in the Unicode form ``original`` came in.

    A line that needed no repair comes back exactly as it was read, byte for byte,
    whatever its normal form (NFD text from a Mac stays NFD). A repaired line is NFD
    when the input was NFD text (decomposed characters, and nothing composed), else
    NFC. When repair joined or split lines, the whole text follows that rule."""
    if unicodedata.normalize("NFC", original) == repaired:
        return original
    form = ("NFD" if original != unicodedata.normalize("NFC", original)
            and unicodedata.is_normalized("NFD", original) else "NFC")
    before, after = original.split("\n"), repaired.split("\n")
    if len(before) != len(after):
        return unicodedata.normalize(form, repaired)
    return "\n".join(b if unicodedata.normalize("NFC", b) == a else unicodedata.normalize(form, a)
                     for b, a in zip(before, after))
