"""Typed errors. Each carries a short kind (the ``errors.error`` column) and the
exit code; only the CLI turns them into exit codes."""
from __future__ import annotations

from enum import IntEnum


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
