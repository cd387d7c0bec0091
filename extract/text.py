"""Text of lines as record fields: icons stripped, bullets kept, paragraphs joined."""
from __future__ import annotations

from functools import lru_cache

from malrapport.extract.layout import Line
from malrapport.normalize.labels import ASSESSMENTS, STATUSES, fold

# A bullet as drawn, and as OCR reads it.
BULLETS = {"•", "·", "«", "»", "©", "®", "°", "●", "▪", "■", "◦"}
# After "studie-" these words stand apart: "studie- och yrkesvägledning".
_STAND_APART = {"och", "eller", "samt", "resp", "respektive", "till", "men", "som"}


def join_words(words) -> str:
    """Words joined by spaces, except a word broken after its hyphen at the end of a
    line (``e-`` / ``legitimation``) or a range after its dash (``4–`` / ``6``), which
    are one word again."""
    out = ""
    for word in words:
        if (out.endswith("-") and len(out) > 1 and out[-2].isalpha() and word[:1].islower()
                and fold(word).strip(",.;:") not in _STAND_APART):
            out += word
        elif out.endswith(("–", "-")) and len(out) > 1 and out[-2].isdigit() and word[:1].isdigit():
            out += word  # a range broken after its dash: "4–" / "6"
        else:
            out += (" " if out else "") + word
    return out


@lru_cache(maxsize=64)
def folded_labels(*vocabularies: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(label) for vocabulary in vocabularies for label in vocabulary)


def strip_icon(text: str | None, labels: frozenset[str] | None = None) -> str:
    """Drop OCR renderings of the coloured circle (``@``, ``®)``, ``O``, ``Oe``) before a label.

    The least-stripped reading that is exactly one of ``labels`` (folded; the
    profile's statuses and assessments, FORMAT.md's by default) wins; otherwise
    leading one-letter and symbol tokens go (no label starts with one).
    """
    if labels is None:
        labels = folded_labels(tuple(STATUSES), tuple(ASSESSMENTS))
    if not text:
        return ""
    words = text.split()
    for n in range(min(3, len(words))):
        if fold(" ".join(words[n:])) in labels:
            return " ".join(words[n:])
    while len(words) > 1 and (not any(c.isalpha() for c in words[0]) or len(words[0]) == 1):
        words = words[1:]
    if words and not any(c.isalpha() for c in words[0]):
        words = words[1:]
    return " ".join(words)


def lines_text(lines: list[Line]) -> str:
    """Lines joined by spaces; a bulleted line starts a line of its own, behind ``•``."""
    text = ""
    for line in lines:
        words = [w.text for w in line.words]
        if len(words) > 1 and words[0] in BULLETS:
            text += ("\n" if text else "") + "• " + " ".join(words[1:])
        else:
            text = join_words([text, *words]) if text else " ".join(words)
    return text


def join_parts(parts: list[str]) -> str | None:
    """Paragraphs joined by newlines, except a sentence cut by a page break, rejoined by a space."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not text:
            text = part
        elif text[-1] not in ".!?:;)»”\"" and part[:1].islower():
            text += " " + part
        else:
            text += "\n" + part
    return text or None
