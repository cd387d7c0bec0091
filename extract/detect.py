"""Which profile fits a report: its title forms and its markers, scored per profile.

Score 0–1: half for the title (1 when a line of the first pages or the running
header/footer matches one of the profile's title forms, 0.5 when only one of its
title words is there), half for the share of its markers (phrases that open a
line somewhere: table headers, labels, heading prefixes) found in the report.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.layout import Line, split_at_gaps
from malrapport.extract.match import fold_words, match_at
from malrapport.extract.metadata import title_match
from malrapport.extract.profile import Profile
from malrapport.normalize.labels import fold

# A profile scoring below this does not fit: the file is unknown_layout.
MIN_SCORE = 0.3


@dataclass(frozen=True)
class Fit:
    profile: Profile
    score: float
    title: bool  # a title form matched
    missed: tuple[str, ...]  # markers not found

    def describe(self) -> str:
        title = "its title form matched" if self.title else "no title form matched"
        missed = ("; not found: " + ", ".join(repr(m) for m in self.missed)) if self.missed else ""
        return f"{self.profile.name} ({self.score:.2f}: {title}{missed})"


def rank_profiles(pages: list[list[Line]], profiles: tuple[Profile, ...]) -> list[Fit]:
    """Every profile's fit to these pages (lines, running lines included), best first."""
    first = [seg for page in pages[:2] for line in page for seg in split_at_gaps(line)]
    first_text = " ".join(fold(l.text) for l in first)
    starts = [fold_words(seg.words) for page in pages for line in page
              for seg in split_at_gaps(line)]
    fits = []
    for profile in profiles:
        if title_match(first, profile) is not None:
            title = 1.0
        elif any(" ".join(p.words) in first_text for p in profile.detect_titles):
            title = 0.5
        else:
            title = 0.0
        missed = tuple(m.text for m in profile.detect_markers
                       if not any(match_at(m, words) for words in starts))
        share = 1 - len(missed) / len(profile.detect_markers) if profile.detect_markers else 0.0
        fits.append(Fit(profile, round(0.5 * title + 0.5 * share, 4), title == 1.0, missed))
    fits.sort(key=lambda f: -f.score)
    return fits
