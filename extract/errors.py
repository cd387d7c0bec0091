"""Typed errors. Each carries a short kind (the ``errors.error`` column) and the
exit code; only the CLI turns them into exit codes.

Kinds a file can fail with in ``jobs.scan_file`` (``FILE_KINDS``; the pipeline
adds ``timeout`` and ``ocr_failed``; docs/bad-input.md says what the user sees):

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
  parse_failed      the parser failed on this file (a bug: please report it)
  internal_error    malrapport failed reading this file (a bug: please report it)
"""
from __future__ import annotations

from enum import IntEnum


FILE_KINDS = frozenset({
    "empty", "unreadable", "not_pdf", "truncated", "damaged", "encrypted", "too_many_pages",
    "image_too_large", "stream_too_large", "too_complex", "unknown_layout", "parse_failed",
    "internal_error"})


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 1
    USAGE = 2


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


class UsageError(MalrapportError):
    kind = "usage"
    exit_code = ExitCode.USAGE


def one_line(message: str, limit: int = 500) -> str:
    """A message fit for one line of stderr and one table cell: no line breaks, bounded length."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
