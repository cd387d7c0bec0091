"""The goal vocabulary: canonical goal titles, labels and domain terms.

A plain-text data file in the package (``data/vocabulary.txt``), one phrase
a line, ``[section]`` headers and ``#`` comments; users add their own files
of the same format (``--vocab FILE``).  Everything here is spelled correctly,
so its words also teach token repair which spellings a report prefers.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

SECTIONS = ("goals", "statuses", "assessments", "labels", "areas", "municipalities", "terms")
_SECTION_RE = re.compile(r"^\[([a-z_]+)\]\s*$")
_WORD_RE = re.compile(r"[^\W\d_]+")


class VocabularyError(ValueError):
    """A vocabulary file could not be read."""


@dataclass(frozen=True)
class Vocabulary:
    goals: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    assessments: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    words: frozenset[str] = field(default=frozenset(), compare=False)

    @functools.cached_property
    def goal_set(self) -> frozenset[str]:
        return frozenset(self.goals)

    def phrases(self) -> tuple[str, ...]:
        """Every phrase of every section, goal titles first."""
        return tuple(p for name in SECTIONS for p in getattr(self, name))

    def multiword_phrases(self) -> tuple[str, ...]:
        """Phrases of two or more words (for phrase repair), without goal titles."""
        out = [p for name in SECTIONS[1:] for p in getattr(self, name) if len(p.split()) > 1]
        out += [municipality_name(m) for m in self.municipalities]
        return tuple(out)


def merge_vocabularies(first: Vocabulary, *more: Vocabulary) -> Vocabulary:
    """One vocabulary with every phrase of each, in order (``first``'s phrases first
    in each section, so they win where a matcher takes the first best match)."""
    sections = {}
    for name in SECTIONS:
        seen: dict[str, None] = {}
        for vocab in (first, *more):
            seen.update(dict.fromkeys(getattr(vocab, name)))
        sections[name] = tuple(seen)
    words = frozenset().union(*(v.words for v in (first, *more)))
    return Vocabulary(**sections, words=words)


@functools.cache
def municipalities() -> dict[str, str]:
    """Sweden's municipalities, bare name → official name (``Falun`` → ``Falu
    kommun``), from SCB's list of municipality codes (``data/municipalities.tsv``)."""
    text = resources.files(__package__).joinpath("data/municipalities.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {name: official for _code, name, official in rows[1:]}


@functools.cache
def _by_folded() -> dict[str, str | None]:
    from .labels import fold

    out: dict[str, str | None] = {}
    for official in municipalities().values():
        key = fold(official)
        out[key] = None if key in out else official  # Habo and Håbo: not decided here
    return out


def official_municipality(name: str | None) -> str | None:
    """The official spelling of a municipality's name read with its diacritics lost
    or changed (``Ange kommun`` → ``Ånge kommun``); any other name unchanged. Where
    two municipalities differ only in diacritics (Habo, Håbo), the name is kept."""
    if not name:
        return name
    from .labels import fold

    return _by_folded().get(fold(name)) or name


def municipality_name(place: str) -> str:
    """``Ånge`` -> ``Ånge kommun``, ``Falun`` -> ``Falu kommun`` (SCB's list);
    a place not in it: ``Sundsvall`` -> ``Sundsvalls kommun`` by the usual rule."""
    official = municipalities().get(place)
    if official:
        return official
    if place.endswith(("s", "x", "z")) or place[-1:].lower() in "aeiouyåäö":
        return f"{place} kommun"
    return f"{place}s kommun"


def read_vocabulary_text(text: str, source: str = "<text>") -> dict[str, list[str]]:
    """Parse one vocabulary file into {section: [phrase, ...]}."""
    sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
    current = "terms"
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SECTION_RE.match(line)
        if m:
            if m.group(1) not in sections:
                raise VocabularyError(f"{source}:{lineno}: unknown section [{m.group(1)}]; "
                                      f"use one of {', '.join(SECTIONS)}")
            current = m.group(1)
            continue
        sections[current].append(unicodedata.normalize("NFC", " ".join(line.split())))
    return sections


def _package_text() -> str:
    return resources.files(__package__).joinpath("data/vocabulary.txt").read_text(encoding="utf-8")


def _vocabulary_file_text(path: Path) -> str:
    """A vocabulary file's text: a PDF (a budget document's goals and words, read by
    the extractor), a vocabulary file with ``[section]`` lines, or a plain list of
    goals, one a line (a file with no section line)."""
    from malrapport.extract.small_files import VOCABULARY_LIMIT, read_bytes_file, read_text_file

    if read_bytes_file(path, VOCABULARY_LIMIT)[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        from malrapport.extract.vocab_pdf import pdf_vocabulary_text

        try:
            return pdf_vocabulary_text(path)
        except pdfium.PdfiumError as e:
            raise OSError(f"not a readable PDF: {e}") from e
    text = read_text_file(path, VOCABULARY_LIMIT)
    if not any(_SECTION_RE.match(line.strip()) for line in text.splitlines()):
        return "[goals]\n" + text  # one goal a line
    return text


def load_vocabulary(extra_files=()) -> Vocabulary:
    """The package vocabulary plus the phrases of ``extra_files`` (paths)."""
    merged: dict[str, list[str]] = {name: [] for name in SECTIONS}
    texts = [("vocabulary.txt", _package_text())]
    for path in extra_files:
        path = Path(path)
        try:
            texts.append((str(path), _vocabulary_file_text(path)))
        except (OSError, UnicodeDecodeError) as e:  # also a pipe, a device, a huge file
            raise VocabularyError(f"cannot read vocabulary file {path}: {e}") from e
    merged["municipalities"].extend(municipalities())
    for source, text in texts:
        for name, phrases in read_vocabulary_text(text, source).items():
            for phrase in phrases:
                if phrase not in merged[name]:
                    merged[name].append(phrase)
    words = {w for name in SECTIONS for p in merged[name] for w in _WORD_RE.findall(p)}
    words |= {w for m in merged["municipalities"] for w in _WORD_RE.findall(municipality_name(m))}
    return Vocabulary(**{name: tuple(merged[name]) for name in SECTIONS}, words=frozenset(words))
