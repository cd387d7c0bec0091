"""Typed errors. Each carries a short kind (the ``errors.error`` column) and the
exit code; only the CLI turns them into exit codes.

Kinds a file can fail with in ``jobs.scan_file`` (``FILE_KINDS``; the pipeline
adds ``timeout``, ``ocr_failed`` and ``write_failed``, and ``changed_during_run``
from its page jobs; docs/bad-input.md says what the user sees):

  empty             the file has 0 bytes
  unreadable        the file cannot be read (permissions, a broken link, a folder)
  not_pdf           the bytes are not a PDF (a Word file, an image, text…)
  truncated         the PDF ends early (an incomplete download or copy)
  damaged           the PDF is corrupt beyond what pdfium repairs, or text would be lost
  encrypted         a password is needed (``--password``) or the one given is wrong
  too_many_pages    more pages than the page limit
  image_too_large   an image above ``--max-pixels`` (a possible decompression bomb)
  stream_too_large  a compressed stream that inflates beyond a sane size
  too_complex       a page with an absurd number of drawing objects
  unknown_layout    readable, but no goals found: not a known report layout
  changed_during_run  the file's bytes changed while it was being read (another
                    program writing it, a sync): its words and its hash would not match
  parse_failed      the parser failed on this file (a bug: please report it)
  internal_error    malrapport failed reading this file (a bug: please report it)
"""
from __future__ import annotations

from enum import IntEnum


FILE_KINDS = frozenset({
    "empty", "unreadable", "not_pdf", "truncated", "damaged", "encrypted", "too_many_pages",
    "image_too_large", "stream_too_large", "too_complex", "unknown_layout", "parse_failed",
    "internal_error", "changed_during_run"})


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 1
    USAGE = 2
    WARNINGS = 3  # every file done, but some report has rows in the warnings table


class MalrapportError(Exception):
    kind = "error"
    exit_code = ExitCode.SOME_FAILED


class InputFileError(MalrapportError):
    """A file that cannot be read as a report PDF."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class UnknownLayoutError(MalrapportError):
    kind = "unknown_layout"


class ChangedDuringRun(MalrapportError):
    """The file's bytes changed while a job was reading it (picklable: it comes back
    from worker processes as itself)."""

    kind = "changed_during_run"


class OutputError(MalrapportError):
    """OUTDIR cannot be written (a full disk, a folder made read-only): the batch stops."""

    kind = "write_failed"


class UsageError(MalrapportError):
    kind = "usage"
    exit_code = ExitCode.USAGE


def one_line(message: str, limit: int = 500) -> str:
    """A message fit for one line of stderr and one table cell: no line breaks, bounded length."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
