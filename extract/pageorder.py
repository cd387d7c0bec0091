"""Printed page numbers → the pages' reading order, and where a report bound into the same file starts.

A scanner's feeder turns a bundle over (the pages in reverse) or swaps two pages;
an archive binds a year's reports into one scanned file. Both are read from what
every page prints in its running header or footer, before any layout block is
built, on the positioned words of text-layer and OCR pages alike:

- the page number, by the profiles' ``[pages] numbers`` forms (``Sida {page} av
  {pages}``, ``{page} ({pages})``, a bare ``{page}`` at the start or end of a
  footer line). A bare number is believed only where it changes from page to
  page among lines of the same wording (a year in a header does not);
- the title in the running lines (a title form of a profile matched there);
- a title page: a title form matched by the page's largest line, printed large.

A report starts where the running title changes (and stays changed), or where the
numbering starts again (printed page 1 a second time, a new total ``av N``, or a
title page before a repeated number). Two of those signs make a sure split; one
alone splits with a ``report_split`` warning. Each report's pages are put in the
order of their printed numbers (a file turned over as a whole is read backwards);
pages without a number fill the numbers no page has (a cover is page 1) or stay
behind the page before them. An order that differs from the file's, a printed
number no page has, or one that two pages have is a ``page_order`` warning.
Warnings name file pages: what a viewer shows.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from itertools import pairwise
from dataclasses import dataclass, field

from malrapport.extract.layout import Line, split_at_gaps
from malrapport.extract.layout import _in_band as in_band
from malrapport.extract.layout import _running_key as running_key
from malrapport.extract.metadata import title_match
from malrapport.extract.profile import PageNumberForm, Profile
from malrapport.normalize.labels import fold
from malrapport.schemas.records import WarningRecord

# A bare number is a page number where it changes from one page of its group to
# the next at least this often (a year stays the same on every page).
BARE_CHANGES = 0.6
# A title page's title: at least this many times the file's median word size, and
# about the largest line of its page.
TITLE_SIZE = 1.5
TITLE_OF_PAGE = 0.9
NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*\.?\s")
# Pages listed in a warning's message.
SHOWN = 12


@dataclass(frozen=True)
class PageFacts:
    index: int  # 0-based position in the list of pages
    page: int  # the file's page number (1-based): what warnings name
    number: int | None = None  # the printed page number
    total: int | None = None  # the printed page count (``Sida 4 av 18``)
    titles: dict[str, str] = field(default_factory=dict)  # profile → title in the running lines
    title_page: bool = False


@dataclass(frozen=True)
class Part:
    """One report of a file: its pages (indexes into the file's pages) in reading order,
    and what its page numbers and its start made doubtful (warnings name file pages)."""

    order: tuple[int, ...]
    warnings: tuple[WarningRecord, ...] = ()


def plan_reports(lines: list[list[Line]], profiles: tuple[Profile, ...],
                 file_pages: list[int] | None = None) -> list[Part]:
    """The reports of a file and each one's pages in reading order, from its pages' lines;
    ``file_pages``: each page's number in the file (default 1, 2, …)."""
    if not lines:
        return [Part(())]
    facts = page_facts(lines, profiles, file_pages)
    seq = list(range(len(lines)))
    if _reversed(facts):
        seq.reverse()
    parts = []
    for pages, notes in _split(seq, facts):
        order, warnings = _order(pages, facts)
        parts.append(Part(tuple(order), tuple(notes) + tuple(warnings)))
    return parts


# --- what each page prints ----------------------------------------------------------

def page_facts(lines: list[list[Line]], profiles: tuple[Profile, ...],
               file_pages: list[int] | None = None) -> list[PageFacts]:
    file_pages = file_pages or list(range(1, len(lines) + 1))
    running = _running_lines(lines)
    numbers = _page_numbers(running, profiles)
    sizes = [w.size for page in lines for l in page for w in l.words]
    median = statistics.median(sizes) if sizes else 10.0
    out = []
    for i, page in enumerate(lines):
        segments = [seg for line in running[i] for seg in split_at_gaps(line)]
        titles = {}
        for profile in profiles:
            hit = title_match(segments, profile) if segments else None
            if hit is not None:
                titles[profile.name] = _title_key(hit[0])
        number, total = numbers[i]
        out.append(PageFacts(i, file_pages[i], number, total, titles,
                             _title_page(page, median, profiles)))
    return out


def _running_lines(lines: list[list[Line]]) -> list[list[Line]]:
    """Each page's header and footer lines: lines in the top or bottom band whose
    wording (digits aside) recurs on another page, or that hold only a number."""
    pages_of: dict[str, set[int]] = {}
    for i, page in enumerate(lines):
        for line in page:
            if in_band(line):
                pages_of.setdefault(running_key(line), set()).add(i)
    return [[l for l in page if in_band(l) and (len(pages_of[running_key(l)]) >= 2
                                                 or re.fullmatch(r"[\d\s()/.-]+", l.text))]
            for page in lines]


def _forms(profiles: tuple[Profile, ...]) -> list[PageNumberForm]:
    """Every candidate profile's page-number forms, once each, explicit forms first."""
    seen: dict[str, PageNumberForm] = {}
    for profile in profiles:
        for form in profile.page_numbers:
            seen.setdefault(form.form, form)
    forms = list(seen.values())
    return [f for f in forms if not f.bare] + [f for f in forms if f.bare]


def _page_numbers(running: list[list[Line]], profiles) -> list[tuple[int | None, int | None]]:
    forms = _forms(profiles)
    # (form, side, band, the rest of the line's wording) → [(page index, number, total)]
    groups: dict[tuple, list[tuple[int, int, int | None]]] = {}
    for i, page in enumerate(running):
        for line in page:
            text = fold(line.text)
            top = line.top < line.page_height / 2
            for rank, form in enumerate(forms):
                found = False
                for side, pattern in (("end", form.end), ("start", form.start)):
                    m = pattern.search(text)
                    if m is None:
                        continue
                    found = True
                    rest = re.sub(r"\d+", "#", (text[:m.start()] + text[m.end():]).strip())
                    total = int(m["pages"]) if "pages" in m.groupdict() and m["pages"] else None
                    groups.setdefault((rank, side, top, rest), []).append(
                        (i, int(m["page"]), total))
                if found and not form.bare:
                    break  # "Sida 4 av 18" says it all; a bare number at either end is tried
    trusted = []
    for (rank, _side, _top, _rest), found in groups.items():
        if forms[rank].bare:
            values = [n for _, n, _ in found]
            changes = sum(a != b for a, b in pairwise(values))
            if not changes or changes < BARE_CHANGES * (len(values) - 1):
                continue  # the same number on page after page: a year, not a page number
        trusted.append((forms[rank].bare, -len({i for i, _, _ in found}), rank, found))
    trusted.sort(key=lambda t: t[:3])
    out: list[tuple[int | None, int | None]] = [(None, None)] * len(running)
    for *_, found in trusted:
        for i, number, total in found:
            if out[i] == (None, None) and number > 0:
                out[i] = (number, total)
    return out


def _title_key(title: str) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", fold(title)))


def _title_page(page: list[Line], median: float, profiles) -> bool:
    """A title form matched by the page's largest line, printed large: a report's cover."""
    if not page:
        return False
    biggest = max(l.size for l in page)
    if biggest < TITLE_SIZE * median:
        return False
    large = [l for l in page if l.size >= TITLE_OF_PAGE * biggest
             and not NUMBERED_HEADING.match(l.text)]
    return bool(large) and any(title_match(large, p) is not None for p in profiles)


# --- which way, and where reports start ---------------------------------------------

def _reversed(facts: list[PageFacts]) -> bool:
    """The numbers fall from page to page more often than they rise: a bundle fed the
    wrong way round."""
    numbers = [f.number for f in facts if f.number is not None]
    steps = [b - a for a, b in pairwise(numbers)]
    return sum(s < 0 for s in steps) > sum(s > 0 for s in steps)


def _same_title(a: dict[str, str], b: dict[str, str]) -> bool:
    return any(a[name] == b[name] for name in a.keys() & b.keys())


def _split(seq: list[int], facts: list[PageFacts]) -> list[tuple[list[int], list[WarningRecord]]]:
    parts: list[tuple[list[int], list[WarningRecord]]] = [([seq[0]], [])]
    titles = facts[seq[0]].titles
    for k in range(1, len(seq)):
        page = facts[seq[k]]
        current = parts[-1][0]
        numbers = {facts[i].number for i in current if facts[i].number is not None}
        totals = {facts[i].total for i in current if facts[i].total is not None}
        nxt = facts[seq[k + 1]] if k + 1 < len(seq) else None
        changed = (bool(titles) and bool(page.titles) and not _same_title(titles, page.titles)
                   and (nxt is None or not nxt.titles or _same_title(page.titles, nxt.titles)))
        # the numbering starts again: page 1 a second time, followed by page 2; or a new
        # total that the next page prints too (an OCR misreading is not repeated)
        restart = (page.number == 1 and 1 in numbers
                   and _next_number(seq, k, facts) in (None, 2))
        new_total = (page.total is not None and bool(totals) and page.total not in totals
                     and (nxt is None or nxt.total in (None, page.total)))
        cover = (page.title_page and page.number in (None, 1)
                 and _next_number(seq, k, facts) in numbers)
        numbering = restart or new_total or cover
        signs = sum((changed, numbering, page.title_page))
        if signs >= 2:  # two signs: a report starts here
            parts.append(([seq[k]], []))
            titles = page.titles
            continue
        current.append(seq[k])
        titles = page.titles or titles
        if changed or numbering or (page.title_page and page.number is None):
            parts[-1][1].append(_unsure_split(page, changed, numbering))
    return parts


def _next_number(seq: list[int], k: int, facts: list[PageFacts]) -> int | None:
    return next((facts[i].number for i in seq[k + 1:] if facts[i].number is not None), None)


def _unsure_split(page: PageFacts, changed: bool, numbering: bool) -> WarningRecord:
    """One sign of a report's start, not two: the file is not split there, but it is said."""
    if changed:
        why = ("the title in the running header or footer changes here, but the page "
               "numbering goes on and there is no title page")
    elif numbering:
        why = ("the page numbering starts again here, but the title in the running header or "
               "footer stays the same and there is no title page")
    else:
        why = "it looks like a report's title page, but the page numbering goes on"
    return WarningRecord(page.page, "report_split",
                         f"file page {page.page} may start another report bound into the same "
                         f"file ({why}): read as part of the report before it", None)


# --- the pages of one report in printed order ---------------------------------------

def _order(pages: list[int], facts: list[PageFacts]) -> tuple[list[int], list[WarningRecord]]:
    numbers = {i: facts[i].number for i in pages if facts[i].number is not None}
    warnings: list[WarningRecord] = []
    if not numbers:  # nothing printed to go by: the pages as they come
        return pages, ([_moved(pages, facts)] if pages != sorted(pages) else [])
    totals = Counter(facts[i].total for i in pages if facts[i].total is not None)
    top = max(max(numbers.values()), totals.most_common(1)[0][0] if totals else 0)
    _misread(pages, numbers, top, warnings, facts)
    counts = Counter(numbers.values())
    missing = [n for n in range(1, top + 1) if n not in counts]
    unnumbered = [i for i in pages if i not in numbers]
    if any(c > 1 for c in counts.values()):
        # two pages print the same number: the numbers cannot order the pages (two
        # reports the split did not take apart?), so they stay as they come
        return pages, [_repeated(pages, numbers, counts, facts)] + warnings
    keys: dict[int, float] = {i: float(n) for i, n in numbers.items()}
    if unnumbered and len(unnumbered) == len(missing):
        keys.update({i: float(n) for i, n in zip(unnumbered, missing)})
        missing = []
    else:
        last = 0.0
        for i in pages:  # behind the page before it in the file
            if i in keys:
                last = keys[i]
            else:
                last = keys[i] = last + 0.001
    order = sorted(pages, key=lambda i: keys[i])
    if order != sorted(pages):
        warnings.insert(0, _moved(order, facts))
    if missing:
        unread = (f", or among the {len(unnumbered)} pages whose number could not be read"
                  if unnumbered else "")
        warnings.append(WarningRecord(
            None, "page_order",
            f"printed page{'s' if len(missing) > 1 else ''} {_list(missing)} of {top} "
            f"{'are' if len(missing) > 1 else 'is'} not in the file{unread}", None))
    return order, warnings


def _misread(pages: list[int], numbers: dict[int, int], top: int,
             warnings: list[WarningRecord], facts: list[PageFacts]) -> None:
    """A repeated number where another is missing, on a page whose neighbours in the file
    have the numbers around the missing one: OCR misread it (``3`` for ``8``)."""
    counts = Counter(numbers.values())
    missing = {n for n in range(1, top + 1) if n not in counts}
    for k, i in enumerate(pages):
        n = numbers.get(i)
        if n is None or counts[n] < 2:
            continue
        before = numbers.get(pages[k - 1]) if k > 0 else None
        after = numbers.get(pages[k + 1]) if k + 1 < len(pages) else None
        for m in sorted(missing):
            if (before is None or before == m - 1) and (after is None or after == m + 1) \
                    and (before is not None or after is not None):
                numbers[i] = m
                counts[n] -= 1
                counts[m] += 1
                missing.discard(m)
                warnings.append(WarningRecord(
                    facts[i].page, "page_order", f"the printed page number of file page "
                    f"{facts[i].page} reads "
                    f"{n}, which another page has; taken as {m}, the number between its "
                    f"neighbours", None))
                break


def _repeated(pages: list[int], numbers: dict[int, int], counts: Counter,
              facts: list[PageFacts]) -> WarningRecord:
    twice = [n for n, c in sorted(counts.items()) if c > 1]
    on = [facts[i].page for i in sorted(pages) if numbers.get(i) in twice]
    return WarningRecord(on[1] if len(on) > 1 else None, "page_order",
                         f"printed page number{'s' if len(twice) > 1 else ''} {_list(twice)} "
                         f"stand{'' if len(twice) > 1 else 's'} on more than one page (file pages "
                         f"{_list(on)}): the pages are read in the file's order", None)


def _moved(order: list[int], facts: list[PageFacts]) -> WarningRecord:
    first = next(i for i, j in zip(order, sorted(order)) if i != j)
    pages = [facts[i].page for i in order]
    if order == sorted(order, reverse=True):
        message = ("the pages are in reverse order (the last printed page comes first in the "
                   "file): read in their printed order")
    else:
        message = (f"the pages are out of order: their printed page numbers put file pages in "
                   f"the order {_list(pages)}; read in that order")
    return WarningRecord(facts[first].page, "page_order", message, " ".join(map(str, pages)))


def _list(items) -> str:
    items = [str(i) for i in items]
    shown = ", ".join(items[:SHOWN])
    return shown + (f", … ({len(items)} in all)" if len(items) > SHOWN else "")
