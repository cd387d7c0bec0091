"""Report title, body, municipality, kind, year and period, read from the first pages.

The title is the first line (of the first pages and the running header and
footer) that matches one of the profile's title forms; the form gives the kind,
and the period from a tertial number, a month or a fixed period. Lines are cut
at wide gaps first, so a header with the title left and the municipality right
gives both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from malrapport.extract.layout import Line, split_at_gaps
from malrapport.extract.profile import Profile, TitleForm
from malrapport.normalize.labels import fold

YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
MUNICIPALITY = re.compile(r"\b([A-ZÅÄÖ][\wåäöÅÄÖéü-]+(?:-[A-ZÅÄÖ][\wåäö]+)?) (kommun|stad)\b")
NOT_A_NAME = ("varje", "hela", "denna", "var", "en", "vilken")
# Lines looked at for the title when no title form matches.
FALLBACK_LINES = 40


@dataclass(frozen=True)
class ReportMeta:
    title: str | None
    kind: str | None
    year: int | None
    period: str | None
    municipality: str | None
    body: str | None


def read_metadata(first_pages: list[Line], running: list[Line], profile: Profile) -> ReportMeta:
    """``first_pages``: all lines of the first two pages, running header/footer included."""
    lines = [seg for line in first_pages + running for seg in split_at_gaps(line)]
    title, kind, year, period = _title(lines, profile)
    if year is None:
        year = _year(title, lines)
    return ReportMeta(title, kind, year, period, _municipality(lines), _body(lines, profile))


def _candidates(lines: list[Line]) -> list[tuple[list[str], str]]:
    """Each line's words with their folded text, and a title wrapped over two lines
    (two lines of one size and weight, one under the other) joined."""
    out = []
    for i, line in enumerate(lines):
        words = [w.text for w in line.words]
        out.append((words, fold(" ".join(words))))
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (nxt is not None and nxt.page == line.page and abs(nxt.size - line.size) < 0.5
                and nxt.bold == line.bold and 0 < nxt.ymid - line.ymid < 1.6 * line.size):
            both = words + [w.text for w in nxt.words]
            out.append((both, fold(" ".join(both))))
    return out


def _span_words(words: list[str], start: int, end: int, periods: dict[str, str]) -> str:
    """The words of a line that a match over its folded text covers, as printed; a
    short rest of the line that names a period (``, helår``) belongs to the title too."""
    spans, pos = [], 0
    for word in words:
        f = fold(word)
        spans.append((pos, pos + len(f), word, f))
        pos += len(f) + 1
    inside = [i for i, (a, b, _w, f) in enumerate(spans)
              if b > start and a < end and any(c.isalnum() for c in f)]
    if not inside:
        return ""
    first, last = inside[0], inside[-1]
    rest = [f.strip(",.;:()") for _a, _b, _w, f in spans[last + 1:]]
    if rest and len(rest) <= 3 and any(r in periods for r in rest):
        last = len(spans) - 1
    return " ".join(w for _a, _b, w, _f in spans[first:last + 1])


def title_match(lines: list[Line], profile: Profile) -> tuple[str, TitleForm, re.Match] | None:
    """The first line (or wrapped pair) that matches one of the profile's title forms,
    forms in order; the title is the part of the line the form covers."""
    candidates = _candidates(lines)
    for form in profile.titles:
        for words, f in candidates:
            m = form.pattern.search(f)
            if m:
                title = _span_words(words, m.start(), m.end(), profile.months) or " ".join(words)
                return _as_the_form_spells(title, form), form, m
    return None


def _as_the_form_spells(title: str, form: TitleForm) -> str:
    """The title's words in the spelling of the form's own words where OCR read them
    with a look-alike letter (``Ärsredovisning`` for ``Årsredovisning``): same folded word."""
    spelled = {fold(w): w for w in re.findall(r"[^\W\d_]+", re.sub(r"\{[^}]*\}", " ", form.form))}
    out = []
    for word in title.split():
        core = word.strip(",.:;–-")
        right = spelled.get(fold(core))
        out.append(word.replace(core, right) if right and right != core and len(core) > 3 else word)
    return " ".join(out)


def _title(lines: list[Line], profile: Profile):
    hit = title_match(lines, profile)
    if hit is None:
        if not lines:
            return None, None, None, None
        biggest = max(lines[:FALLBACK_LINES], key=lambda l: l.size)
        return biggest.text.strip(), None, None, None
    title, form, m = hit
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    period = form.period
    if period is None and groups.get("tertial"):
        period = f"T{groups['tertial']}"
    if period is None and groups.get("month"):
        period = profile.months.get(groups["month"])
    if period is None:
        period = next((p for word, p in profile.months.items()
                       if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", fold(title))), None)
    return title.strip(), form.kind or profile.default_kind, year, period


def _year(title: str | None, lines: list[Line]) -> int | None:
    for text in [title or ""] + [l.text for l in lines]:
        m = YEAR.search(text)
        if m and not re.search(r"\d{4}-\d{2}-\d{2}", text):
            return int(m.group(1))
    return None


def _municipality(lines: list[Line]) -> str | None:
    for line in sorted(lines, key=lambda l: -l.size):
        m = MUNICIPALITY.search(line.text)
        if m and fold(m.group(1)) not in NOT_A_NAME:
            return f"{m.group(1)} {m.group(2)}"
    return None


def _body(lines: list[Line], profile: Profile) -> str | None:
    for line in lines:
        f = fold(line.text)
        if len(line.words) <= 4 and any(f.endswith(b) for b in profile.body_words):
            return line.text.strip()
    return None
