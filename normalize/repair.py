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

from .language import END, START, word_class
from .lexicon import Lexicon, fold, get_lexicon
from .language import LanguageModel
from .phrases import PhraseTable, TitleMatcher
from .tokens import TokenRepairer, has_noise
from .vocabulary import Vocabulary, load_vocabulary

TOKEN_RE = re.compile(r"(?:[^\W_]|[&¢])+")
_SENTENCE_BREAK = re.compile(r"[.!?:;]|\n\s*\n")
_BAR_I = re.compile(r"^(\s*)\|(?= [a-zåäö])", re.MULTILINE)   # "| den här" -> "I den här"
MIN_SUSPECTS = 1
_ACCENTS = set("åäöÅÄÖ")


class Repairer:
    """Lexicon, vocabulary and language model, bundled for repeated use."""

    def __init__(self, vocabulary: Vocabulary | None = None, lexicon: Lexicon | None = None):
        self.vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
        self.lexicon = lexicon if lexicon is not None else get_lexicon()
        self.model = LanguageModel(self.lexicon, self.vocabulary)
        self.tokens = TokenRepairer(self.lexicon, self.model, self.vocabulary.words)
        self.phrases = PhraseTable(self.vocabulary)
        self.titles = TitleMatcher(self.vocabulary.goals)

    # ------------------------------------------------------------ the gate
    def is_degraded(self, text: str) -> bool:
        """Has this text lost its diacritics?

        Counts words spelled with å/ä/ö against words that are no Swedish
        word as they stand but are one once å/ä/ö are restored (or carry an
        OCR glyph).  Clean Swedish has many of the first and almost none of
        the second; OCR without a Swedish model the reverse.
        """
        accented, suspects = 0, 0
        for word in set(TOKEN_RE.findall(text)):
            if sum(c.isalpha() for c in word) < 2 or self.tokens.skip(word):
                continue
            if _ACCENTS.intersection(word):
                accented += 1
            elif self._suspect(word):
                suspects += 1
        return suspects >= MIN_SUSPECTS and suspects >= accented

    def _suspect(self, word: str) -> bool:
        if self.tokens.is_valid(word):
            return False
        if has_noise(word):
            return True
        key = fold(word)
        return any(f != key for f in self.lexicon.words_by_fold(key))

    # ------------------------------------------------------------ text
    def repair_text(self, text: str, degraded: bool | None = None) -> str:
        """``text`` with diacritics restored; unchanged if nothing needs it."""
        if not text:
            return text
        text = unicodedata.normalize("NFC", text)
        if degraded is None:
            degraded = self.is_degraded(text)
        if degraded:
            text = _BAR_I.sub(r"\1I", text)
        text = self._repair_words(text, degraded)
        if degraded:
            text = "\n".join(self.phrases.repair_line(line) for line in text.split("\n"))
        return text

    def _repair_words(self, text: str, degraded: bool) -> str:
        """Respell each word in place, with its neighbours as context."""
        matches = list(TOKEN_RE.finditer(text))
        if not matches:
            return text
        parts, last, prev = [], 0, START
        for k, m in enumerate(matches):
            gap_before = text[last:m.start()]
            if _breaks_sentence(gap_before):
                prev = START
            nxt = matches[k + 1] if k + 1 < len(matches) else None
            if nxt is None or _breaks_sentence(text[m.end():nxt.start()]):
                next_fold = END
            else:
                next_fold = word_class(fold(nxt.group()))
            before_hyphen = text[m.end():m.end() + 1] == "-"
            fixed = self.tokens.repair(m.group(), prev, next_fold, degraded=degraded,
                                       before_hyphen=before_hyphen)
            parts.append(gap_before)
            parts.append(fixed)
            last = m.end()
            prev = word_class(fixed)
        parts.append(text[last:])
        return "".join(parts)

    # ------------------------------------------------------------ titles
    def repair_title(self, text: str, degraded: bool | None = None) -> str:
        """A goal or activity title: a canonical goal title if one matches, else token repair."""
        if not text:
            return text
        text = unicodedata.normalize("NFC", text)
        if degraded is None:
            degraded = self.is_degraded(text)
        canonical = self.titles.match(text, exact_fold=not degraded)
        if canonical is not None:
            return canonical
        return self.repair_text(text, degraded)


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
    outfile.write(get_repairer(vocab).repair_text(infile.read()))
    outfile.flush()
