"""Lines that open a section: headings (numbered, led by a profile's prefix, or plain) and labels.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.blocktypes import Label
from malrapport.extract.layout import Line
from malrapport.extract.match import HEADING_NUMBER, best_at, fold_words, match_at
from malrapport.extract.profile import HeadingRule, Profile
from malrapport.normalize.labels import assessment_key

# A heading line is this much larger than body text (when not bold).
HEADING_SIZE_FACTOR = 1.08
# OCR sizes are estimates: a chapter heading must stand out more (an icon read as
# "9" before "Uppfyllt" is not chapter 9).
OCR_HEADING_SIZE_FACTOR = 1.25
OCR_PLAIN_HEADING_FACTOR = 1.45
LABEL_SIMILARITY = 80


def label(line: Line, profile: Profile) -> Label | None:
    """A label line (``Bedömning``, ``Kommentar``, ``Måluppfyllelse: Uppnått``) or None.

    The label must open the line and stand out: alone on its line, in bold,
    followed by a colon, or (an assessment label) followed by an assessment.
    """
    words = fold_words(line.words)
    if not words:
        return None
    for role in ("assessment", "comment"):
        hit = best_at(profile.labels.get(role, ()), words, 0, threshold=LABEL_SIMILARITY)
        if hit is None:
            continue
        phrase, m = hit
        rest = " ".join(w.text for w in line.words[m.end:])
        last = line.words[m.end - 1]
        colon = last.text.rstrip().endswith(":")
        alone = m.end == len(line.words)
        styled = last.bold or colon or alone
        if role == "assessment" and not styled and assessment_key(rest, profile.assessments):
            styled = True
        if styled:
            how = "alone" if alone else "bold" if last.bold else "colon" if colon else "assessment after it"
            return Label(role, rest, line.page, line, f"{role} label {phrase.text!r} ({how})")
    return None


def heading_number(line: Line, size: float) -> str | None:
    """The heading number if this line opens a numbered heading, else None."""
    m = HEADING_NUMBER.match(line.words[0].text)
    if not m or len(line.words) < 2:
        return None
    number = m.group(1)
    ocr = any(w.approximate for w in line.words)
    factor = OCR_HEADING_SIZE_FACTOR if ocr else HEADING_SIZE_FACTOR
    styled = line.bold or line.size >= factor * size
    nxt = line.words[1].text[:1]
    if "." in number:
        # Estimated sizes (OCR layers) may put a heading below the body size.
        floor = 0.8 if ocr else 0.92
        ok = (nxt.isupper() or nxt.isdigit() or nxt in "|") and line.size >= floor * size
        return number if ok else None
    return number if styled and nxt.isupper() and int(number) < 30 else None


@dataclass(frozen=True, slots=True)
class Prefixed:
    rule: HeadingRule
    number: str | None
    skip: int  # words of the prefix


def prefixed_heading(line: Line, profile: Profile, size: float) -> Prefixed | None:
    """A heading led by the words of one of the profile's rules (``Nämndmål: …``)."""
    if not profile.headings:
        return None
    words = fold_words(line.words)
    ocr = any(w.approximate for w in line.words)
    larger = line.size >= HEADING_SIZE_FACTOR * size
    styled = line.bold or larger or (ocr and line.size >= 0.9 * size)
    if not styled:
        return None
    best = None
    for rule in profile.headings:
        m = match_at(rule.phrase, words, 0)
        if not m:
            continue
        # a scan has no bold: a prefix printed with a colon must show it, or stand out by size
        if ocr and not larger and rule.phrase.colon and not _colon_after(line, m.end):
            continue
        if best is None or m.end > best.skip:
            best = Prefixed(rule, m.number, m.end)
    if best is None or (best.skip >= len(line.words) and best.rule.role == "goal"):
        return None
    return best


def _colon_after(line: Line, end: int) -> bool:
    """A colon right after the first ``end`` words of the line (on the last, or alone)."""
    if line.words[end - 1].text.rstrip().endswith(":"):
        return True
    return end < len(line.words) and line.words[end].text.startswith(":")


def plain_heading(line: Line, size: float, prev: Line | None) -> bool:
    """A heading without number or known prefix (``Ekonomi``, ``Sammanfattning``): bold
    and larger than the body, or much larger, with space above it. It ends a goal's
    section. OCR sizes are estimates (a short line's can be a third off), so a scan's
    heading must stand out more and begin with a capital."""
    if not any(c.isalpha() for c in line.text):
        return False
    if prev is not None and prev.page == line.page and line.top - prev.bottom < 0.6 * line.size:
        return False  # no space above: a line of the text or table before
    if any(w.approximate for w in line.words):
        return (line.size >= OCR_PLAIN_HEADING_FACTOR * size and len(line.words) <= 8
                and line.words[0].text[:1].isupper())
    short = len(line.words) <= 8
    return (line.bold and line.size >= (1.05 if short else 1.15) * size) or line.size >= 1.35 * size


@dataclass
class HeadingState:
    number: str | None = None
    skip: int = 0
    role: str = "goal"
    level: str | None = None
    parent: str | None = None
    why: str = ""

    def set(self, number, skip, role, level, parent, why) -> None:
        self.number, self.skip, self.role, self.level, self.parent, self.why = (
            number, skip, role, level, parent, why)

    def reset(self) -> None:
        self.set(None, 0, "goal", None, None, "")


def _expected_after(number: str) -> set[str]:
    """Heading numbers that may follow ``number``: its first child, its next sibling,
    and the next sibling of each of its ancestors."""
    parts = [int(p) for p in number.split(".")]
    expected = {".".join(map(str, parts + [1]))}
    for depth in range(1, len(parts) + 1):
        head = parts[:depth - 1] + [parts[depth - 1] + 1]
        expected.add(".".join(map(str, head)))
    return expected


def dotless_heading(line: Line, size: float, last: str | None) -> str | None:
    """An OCR'd heading whose number lost its dots, restored from the heading sequence."""
    first = line.words[0]
    if (not first.approximate or not first.text.isdigit() or not 2 <= len(first.text) <= 4
            or len(line.words) < 2 or not line.words[1].text[:1].isupper()
            or line.size < HEADING_SIZE_FACTOR * size):
        return None
    number = _restore_dots(first.text, last)
    return number if "." in number else None


def _restore_dots(number: str, last: str | None) -> str:
    """OCR may drop the dots of a heading number (``13`` for ``1.3``): when the
    number with dots put back is what the previous heading leads us to expect,
    take that; otherwise keep the number as read."""
    if last is None or len(number) < 2:
        return number
    expected = _expected_after(last)
    if number in expected:
        return number
    for dots in range(1, 1 << (len(number) - 1)):
        parts, start = [], 0
        for i in range(1, len(number)):
            if dots >> (i - 1) & 1:
                parts.append(number[start:i])
                start = i
        candidate = ".".join(parts + [number[start:]])
        if candidate in expected:
            return candidate
    return number
