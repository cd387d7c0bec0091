"""Evidence → each goal's and activity's ``confidence`` (0–1) and ``reasons`` (codes).

Called once, at the end of ``normalize_report``, for text-layer and OCR rows alike.
The evidence, each kind with its reason code (``REASONS`` says what each means):

- the words of the row (``word_evidence``, at extraction: an activity's row cells, a
  goal's heading or goals-table row, and the lines its texts and assessment came
  from): the mean OCR confidence of the row's own words is its starting confidence
  (1.0 for a text layer; ``ocr_low`` when under ``OCR_LOW``); ``ocr_word_low`` when
  words of two letters or digits at least were read under ``OCR_WORD_LOW``, the start
  then lowered, for each of them, by ``WORD_SLOPE`` times as much as it is under;
- a status or assessment label matched by a fuzzy score rather than exactly
  (``status_fuzzy``, ``assessment_fuzzy``), or printed but matching no label
  (``status_unknown``, ``assessment_unknown``: also a warning);
- a field the repair changed (``repaired``: the row has ``repairs`` rows);
- a field the report's profile expects that stayed empty, where most of the same
  rows of the report have it (``EXPECTED``; goals of the same level):
  ``missing_status`` and ``missing_end_date`` (activities; status only where the
  profile has statuses), ``missing_assessment`` (where the profile has assessments)
  and ``missing_comment`` (goals);
- a warning on the row's page (``page_warning``);
- signs that the parser joined what the page keeps apart: a title that ends unlike
  the report's other titles of its table (``title_ending``: a full stop where they
  have none, or none where they have one: a title cut, or run on), a description or
  comment holding a status label of the profile and a date (``text_row``: an
  activity row read as text) or a short line with no full stop or a line led by a
  heading number (``text_heading``: a heading read as text), a title of two sentences
  (``title_joined``) or one that starts with a small letter (``title_fragment``);
- a dash or quotation mark read by OCR (``ocr_punctuation``: OCR cannot tell ``-``,
  ``–`` and ``—``, or ``"`` and ``”``, apart, and the repair of dashes guesses);
- a title of a few letters only (``short_text``);
- for a row read by OCR, signs of a misreading in its words, which OCR may read at a
  good confidence: a word that is no word (lexicon and vocabulary) but would be one
  with a letter shape OCR confuses (``CONFUSED``: ``rn``/``m``, ``l``/``ll`` ...;
  ``ocr_misread``); a word the report spells elsewhere, more often, with other
  å, ä, ö, and itself no word (``spelling_variant``: ``Alvnäs`` beside ``Älvnäs``);
  a text that ends with a comma, or a comma before a capitalised word that is a
  common word, not a name (``ocr_stop``: a full stop read as a comma); a line of a
  text led by one to three words, the first capitalised, then a capitalised common
  word (``heading_run``: a heading run into its paragraph); a character alone after a
  text's last full stop, a line led by ``+`` or ``*``, or a title, text or responsible
  ending in a lone sign such as ``=`` (``ocr_stray``: an icon or a bullet read as a
  character). Words of fewer than ``MIN_WORD`` letters, in capitals, or the first
  part of ``lärar- och`` are left alone. A common word: its lower case is a form of
  the lexicon, or the report writes it in lower case elsewhere; never a word of the
  vocabulary (names);
- for a scanned goal, an assessment read from its symbol's colour by the profile's
  map, with no legend and no printed word (``assessment_colour``: a scan shifts and
  greys colours; extract/symbols.py says when it did, and extract/drafts.py gives the
  goal the code).

Tried and left out: a capitalised common word after any small-letter word (a lost
full stop) named names and quoted titles on the scanned samples more often than
errors.

A title that ends with a very frequent word (``och``, ``i``) was tried as a sign of
a cut title and left out: on the scanned samples it named more right rows (``sköter
om``, ``önskar det``) than cut ones.

An assessment that no other goal of the report has was tried as evidence and left
out: on the scanned samples none of the 15 rows it named was wrong.

The rule: ``confidence = start × Π (1 − PENALTY[code])`` over the row's codes other
than ``ocr_word_low`` (already in the start), a fuzzy label's penalty grown by how
far its score is from exact (``FUZZY_SLOPE``), rounded to 4 places. A row with no
evidence keeps its start: 1.0 for a text-layer row, so a clean born-digital report is
1.0 throughout with no reasons. Codes are listed in ``REASONS`` order.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from malrapport.schemas.records import ActivityRecord, GoalRecord, ReportRecord

from .labels import EXACT, fold

# code → what it says (docs/tables.md lists the same)
REASONS: dict[str, str] = {
    "ocr_low": "the row's words were read by OCR at a low mean confidence",
    "ocr_word_low": "a word of the row was read by OCR at a low confidence",
    "status_fuzzy": "the status was matched to a label by a fuzzy score, not exactly",
    "status_unknown": "the printed status is none of the profile's",
    "assessment_fuzzy": "the assessment was matched to a label by a fuzzy score, not exactly",
    "assessment_unknown": "the printed assessment is none of the profile's",
    "missing_status": "no status, where the report's other activities have one",
    "missing_end_date": "no end date, where the report's other activities have one",
    "missing_assessment": "no assessment, where the report's other goals of its level have one",
    "missing_comment": "no comment, where the report's other goals of its level have one",
    "title_ending": "the title ends unlike the report's other titles (cut, or run on)",
    "title_joined": "the title holds two sentences (two rows, or a row and a heading, read as one?)",
    "title_fragment": "the title starts with a small letter (the rest of a row read as a row?)",
    "text_row": "the description or comment holds a status and a date (an activity row?)",
    "text_heading": "the description or comment holds a short line with no full stop (a heading?)",
    "repaired": "the repair changed a word of the row (see repairs)",
    "ocr_punctuation": "a dash or quotation mark read by OCR, which cannot tell -, – and — "
                       "(or \" and ”) apart",
    "page_warning": "a warning on the row's page",
    "short_text": "a title of only a few letters",
    "ocr_misread": "a word that is none, but would be one with a letter shape OCR confuses "
                   "(rn/m, l/ll, n/r ...)",
    "spelling_variant": "a word the report spells elsewhere with other letters å, ä, ö "
                        "(the rarer spelling, itself no word)",
    "ocr_stop": "a text that ends with a comma, or has a comma before a capitalised common "
                "word (a full stop read as a comma)",
    "assessment_colour": "the assessment was read from a scanned symbol's colour by the "
                         "profile's map (no legend, no printed word): scans shift colours",
    "heading_run": "a line of a text led by a few words, then a capitalised common word "
                   "(a heading run into its paragraph)",
    "ocr_stray": "a character alone after a text's last full stop, a line led by + or *, or a "
                 "field ending in a lone sign such as = (an icon or bullet read as a character)",
}

OCR_LOW = 0.80  # mean word confidence (0-1) under which a row is ocr_low
OCR_WORD_LOW = 0.85  # a word of two letters or digits under this is ocr_word_low
SHORT_TITLE = 4  # letters
EXPECTED = 0.5  # share of the report's rows with a field, from which it is expected
EXPECTED_COMMENT = 0.8  # ... for a goal's comment (many families comment on some goals only)
TITLE_ENDING = 0.9  # share of the report's titles of a table that end alike
MIN_PEERS = 5  # rows of a table a report needs for its peers to say what is usual
HEADING_WORDS = 3  # a line of this many words at most, with no full stop, is a heading
FUZZY_SLOPE = 0.02  # extra penalty per point of the label's score below exact
WORD_SLOPE = 0.15  # ocr_word_low: the start lowered by this much per unit the word is under

PENALTY: dict[str, float] = {
    "ocr_low": 0.10,
    "ocr_word_low": 0.0,  # in the start (word_evidence)
    "status_fuzzy": 0.10,
    "status_unknown": 0.40,
    "assessment_fuzzy": 0.10,
    "assessment_unknown": 0.40,
    "missing_status": 0.30,
    "missing_end_date": 0.15,
    "missing_assessment": 0.30,
    "missing_comment": 0.30,
    "title_ending": 0.30,
    "title_joined": 0.15,
    "title_fragment": 0.40,
    "text_row": 0.40,
    "text_heading": 0.30,
    "repaired": 0.15,
    "ocr_punctuation": 0.25,
    "page_warning": 0.10,
    "short_text": 0.30,
    "ocr_misread": 0.30,
    "spelling_variant": 0.30,
    "ocr_stop": 0.30,
    "ocr_stray": 0.30,
    "assessment_colour": 0.30,
    "heading_run": 0.30,
}
assert set(PENALTY) == set(REASONS)

_STOPS = (".", "!", "?")
_PUNCTUATION = re.compile(r"[–—\"“”„«»]|\d-\d|\s-\s")
_SENTENCES = re.compile(r"[.!?:]\s+([^\W\d_])")  # a stop, then a letter (a capital: a sentence)
_NUMBERED = re.compile(r"\d+(?:\.\d+)+\.?\s+\S")  # a line led by a heading number: 3.2 Mål
_DATE = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?![^\W_]|-)")  # a word of letters only, not
# the first part of "lärar- och", nor a part of "50%" or "2b"
_COMMA_CAPITAL = re.compile(r",\s+([A-ZÅÄÖ][a-zåäö]+)")
_STRAY = re.compile(r"[.!?]\s+[^\W_]$|(?:^|\n)\s*[+*]\s")
_STRAY_END = re.compile(r"\s[^\w\s.,:;!?)\]\"”’%]$")  # a field ending in a lone sign: "... ="
_RUN = re.compile(r"(?:^|\n)[A-ZÅÄÖ][a-zåäö]+(?: [a-zåäö]+){0,2} ([A-ZÅÄÖ][a-zåäö]+)")
# letter shapes OCR confuses: a word that is none with one, but is one with the other
CONFUSED = (("m", "rn"), ("rn", "m"), ("mn", "n"), ("l", "ll"), ("ll", "l"), ("n", "r"),
            ("r", "n"), ("n", "m"), ("m", "n"), ("i", "l"), ("l", "i"), ("e", "c"), ("c", "e"),
            ("t", "f"), ("f", "t"), ("ni", "m"), ("m", "ni"), ("cl", "d"), ("li", "h"),
            ("s", "ss"), ("ss", "s"), ("t", "tt"), ("tt", "t"))
MIN_WORD = 3  # letters of a word ocr_misread and spelling_variant look at


def word_evidence(words, text_words=()) -> tuple[float, tuple[str, ...]]:
    """What extraction knows of a row that normalisation no longer sees: the start
    confidence and codes from the row's own words (an activity's row cells, a goal's
    heading or goals-table row) and ``text_words`` (the lines its description, comment
    and assessment came from). No words: 1.0."""
    words = list(words)
    if not words:
        return 1.0, ()
    start = sum(w.conf for w in words) / len(words)
    codes = []
    if start < OCR_LOW:
        codes.append("ocr_low")
    weak = [w.conf for w in _field_words([*words, *text_words]) if w.conf < OCR_WORD_LOW]
    if weak:
        codes.append("ocr_word_low")
        for conf in weak:
            start *= 1.0 - WORD_SLOPE * (OCR_WORD_LOW - conf)
    return start, tuple(codes)


def _field_words(words):
    """The words of two letters or digits at least (an icon or bullet OCR reads as
    ``e`` or ``9`` is no word of a field)."""
    return [w for w in words if sum(c.isalnum() for c in w.text) >= 2]


@dataclass
class LabelScores:
    """The score each row's status or assessment was matched at, gathered while the
    report is normalised: (goal ordinal, activity ordinal) → score 0–100 for statuses,
    goal ordinal → score for assessments (0: no label matched)."""

    statuses: dict[tuple[int, int], float] = field(default_factory=dict)
    assessments: dict[int, float] = field(default_factory=dict)


@dataclass
class _Usual:
    """What most rows of the report have, that a row without it is less sure for."""

    fields: set[str]  # activity fields most activities have
    goal_fields: set[tuple[str, str]]  # (level, field) most goals of the level have
    stop: dict[str, bool | None]  # table → its titles end with a full stop (None: mixed)
    statuses: re.Pattern | None  # the profile's status labels, folded, as whole words
    reading: _Reading | None = None  # the report's words, for OCR rows


class _Reading:
    """The report's own words, and the lexicon, for the signs of an OCR misreading."""

    def __init__(self, texts):
        from .lexicon import fold as fold_word
        from .repair import get_repairer

        repairer = get_repairer(None)
        self.is_valid = repairer.tokens.is_valid
        self.lexicon = repairer.lexicon
        self.names = repairer.vocabulary.words
        self.fold = fold_word
        self.seen: dict[str, dict[str, int]] = {}  # fold → lower-case spelling → count
        self.lower: set[str] = set()  # the words written in lower case
        for text in texts:
            for w in _WORD.findall(text or ""):
                spellings = self.seen.setdefault(fold_word(w), {})
                spellings[w.lower()] = spellings.get(w.lower(), 0) + 1
                if w.islower():
                    self.lower.add(w)

    def codes(self, title: str, texts, extra=()) -> list[str]:
        codes = []
        words = [w for t in (title, *texts) for w in _WORD.findall(t)
                 if len(w) >= MIN_WORD and not w.isupper()]
        if any(not self.is_valid(w) and not self.is_valid(w.lower()) and self._near(w)
               for w in words):
            codes.append("ocr_misread")
        if any(self._variant(w) for w in words):
            codes.append("spelling_variant")
        if any(t.rstrip().endswith(",") or any(self._common(m.group(1)) for m in
                                                _COMMA_CAPITAL.finditer(t)) for t in texts):
            codes.append("ocr_stop")
        if any(self._common(m.group(1)) for t in texts for m in _RUN.finditer(t)):
            codes.append("heading_run")
        if any(_STRAY.search(t.rstrip()) for t in texts) or \
                any(_STRAY_END.search(t.rstrip()) for t in (title, *texts, *extra)):
            codes.append("ocr_stray")
        return codes

    def _near(self, word: str) -> bool:
        lower = word.lower()
        for shape, other in CONFUSED:
            i = lower.find(shape)
            while i >= 0:
                if self.is_valid(lower[:i] + other + lower[i + len(shape):]):
                    return True
                i = lower.find(shape, i + 1)
        return False

    def _variant(self, word: str) -> bool:
        spellings = self.seen.get(self.fold(word), {})
        lower = word.lower()
        return (len(spellings) > 1 and spellings.get(lower, 0) < max(spellings.values())
                and not self.is_valid(lower) and not self.is_valid(word))

    def _common(self, word: str) -> bool:
        """A capitalised word that is a common word, not a name: its lower case is a
        dictionary form, or the report writes it in lower case elsewhere."""
        lower = word.lower()
        return word not in self.names and (self.lexicon.is_form(lower) or lower in self.lower)


def with_confidence(report: ReportRecord, labels: LabelScores | None = None,
                    statuses: dict[str, str] | None = None,
                    assessments: dict[str, str] | None = None) -> ReportRecord:
    """The report with every goal's and activity's ``confidence`` and ``reasons`` from
    the evidence (the module's docstring). ``statuses``/``assessments``: the profile's
    labels (FORMAT.md's when None; a profile with none expects none)."""
    from .labels import ASSESSMENTS, STATUSES

    labels = labels or LabelScores()
    statuses = STATUSES if statuses is None else statuses
    assessments = ASSESSMENTS if assessments is None else assessments
    usual = _usual(report, bool(statuses), bool(assessments), statuses)
    repaired = {(r.table, r.goal_ordinal, r.ordinal) for r in report.repairs}
    warned_pages = {w.page for w in report.warnings if w.page is not None}
    goals = []
    for g in report.goals:
        score = labels.assessments.get(g.ordinal)
        codes = [*g.reasons, *_label_codes("assessment", g.assessment_raw, g.assessment, score)]
        for name, value in (("assessment", g.assessment or g.assessment_raw), ("comment", g.comment)):
            if not value and (g.level, name) in usual.goal_fields:
                codes.append(f"missing_{name}")
        if ("goals", g.ordinal, None) in repaired:
            codes.append("repaired")
        codes += _common_codes(g, "goals", (g.comment, g.description), usual, warned_pages)
        activities = []
        for i, a in enumerate(g.activities, start=1):
            a_score = labels.statuses.get((g.ordinal, i))
            acodes = [*a.reasons, *_label_codes("status", a.status_raw, a.status, a_score)]
            for name, value in (("status", a.status_raw or a.status),
                                ("end_date", a.end_date or a.end_date_raw)):
                if not value and name in usual.fields:
                    acodes.append(f"missing_{name}")
            if ("activities", g.ordinal, i) in repaired:
                acodes.append("repaired")
            acodes += _common_codes(a, "activities", (a.description, a.comment), usual,
                                    warned_pages)
            activities.append(_scored(a, acodes, a_score))
        goals.append(dataclasses.replace(_scored(g, codes, score), activities=tuple(activities)))
    return dataclasses.replace(report, goals=tuple(goals))


def _usual(report: ReportRecord, has_statuses: bool, has_assessments: bool,
           statuses: dict[str, str]) -> _Usual:
    acts = [a for g in report.goals for a in g.activities]
    fields = set()
    if has_statuses and _share(acts, lambda a: a.status_raw or a.status) >= EXPECTED:
        fields.add("status")
    if _share(acts, lambda a: a.end_date or a.end_date_raw) >= EXPECTED:
        fields.add("end_date")
    goal_fields = set()
    for level in {g.level for g in report.goals}:
        peers = [g for g in report.goals if g.level == level]
        if has_assessments and _share(peers, lambda g: g.assessment or g.assessment_raw) >= EXPECTED:
            goal_fields.add((level, "assessment"))
        if len(peers) >= MIN_PEERS and _share(peers, lambda g: g.comment) >= EXPECTED_COMMENT:
            goal_fields.add((level, "comment"))
    stop = {"goals": _stop_rule([g.title for g in report.goals]),
            "activities": _stop_rule([a.title for a in acts])}
    labels = "|".join(sorted((re.escape(fold(label)) for label in statuses), key=len, reverse=True))
    reading = None
    if any(r.source == "ocr" for g in report.goals for r in (g, *g.activities)):
        reading = _Reading([report.body, *(t for g in report.goals for r in (g, *g.activities)
                                           for t in (r.title, r.description, r.comment))])
    return _Usual(fields, goal_fields, stop, re.compile(rf"\b(?:{labels})\b") if labels else None,
                  reading)


def _stop_rule(titles: list[str]) -> bool | None:
    """True when the titles end with a full stop, False when they do not, None when
    they are too few or mixed."""
    titles = [t for t in titles if t]
    if len(titles) < MIN_PEERS:
        return None
    share = _share(titles, _ends_stop)
    return True if share >= TITLE_ENDING else False if share <= 1 - TITLE_ENDING else None


def _ends_stop(text: str) -> bool:
    return text.rstrip().endswith(_STOPS)


def _share(rows, has) -> float:
    return sum(1 for r in rows if has(r)) / len(rows) if rows else 0.0


def _label_codes(kind: str, raw: str | None, key: str | None, score: float | None) -> list[str]:
    if not raw or score is None:
        return []  # no printed label, or a key from a symbol
    if key is None:
        return [f"{kind}_unknown"]
    return [f"{kind}_fuzzy"] if score < EXACT else []


def _common_codes(row, table: str, texts, usual: _Usual, warned_pages: set[int]) -> list[str]:
    codes = []
    title = row.title or ""
    stop = usual.stop.get(table)
    if stop is not None and title and _ends_stop(title) != stop:
        codes.append("title_ending")
    if any(m.group(1).isupper() for m in _SENTENCES.finditer(title)):
        codes.append("title_joined")
    if title[:1].islower():
        codes.append("title_fragment")
    texts = [t for t in texts if t]
    if usual.statuses and any(_DATE.search(t) and usual.statuses.search(fold(t)) for t in texts):
        codes.append("text_row")
    if any(_heading_line(line) for t in texts for line in t.split("\n")[:-1]) or \
            any(_NUMBERED.match(line) for t in texts for line in t.split("\n")):
        codes.append("text_heading")
    if row.source == "ocr" and any(_PUNCTUATION.search(t) for t in (title, *texts)):
        codes.append("ocr_punctuation")
    if row.page in warned_pages:
        codes.append("page_warning")
    if sum(c.isalpha() for c in title) < SHORT_TITLE:
        codes.append("short_text")
    if row.source == "ocr" and usual.reading is not None:
        codes += usual.reading.codes(title, texts, [getattr(row, "responsible", None) or ""])
    return codes


def _heading_line(line: str) -> bool:
    """A line inside a text that reads as a heading: a few words, no stop, no bullet."""
    words = line.split()
    return (0 < len(words) <= HEADING_WORDS and not line.rstrip().endswith((*_STOPS, ":", ";", ","))
            and words[0][0].isupper() and not words[0].startswith("•"))


def _scored(row: GoalRecord | ActivityRecord, codes: list[str], label_score: float | None):
    ordered = tuple(c for c in REASONS if c in set(codes))
    confidence = row.confidence
    for code in ordered:
        penalty = PENALTY[code]
        if code.endswith("_fuzzy") and label_score is not None:
            penalty += FUZZY_SLOPE * (EXACT - label_score)
        confidence *= 1.0 - min(penalty, 0.9)
    return dataclasses.replace(row, confidence=round(confidence, 4), reasons=ordered)
