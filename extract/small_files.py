"""Reading the small files options name (--vocab, --profile, gold annotations) safely.

An option's path may name anything: a pipe (reading it waits for a writer,
forever), ``/dev/zero`` or ``/dev/urandom`` (they never end), a folder, a file of
gigabytes. ``read_text_file`` opens without waiting (``O_NONBLOCK``), reads only a
regular file, and at most ``limit`` bytes of it; anything else is an ``OSError``
whose message says what the path is, ready for a one-line usage error.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

VOCABULARY_LIMIT = 64 * 2**20  # a vocabulary of every goal title of an archive is kilobytes
PROFILE_LIMIT = 2**20  # a layout profile is a page of TOML
GOLD_LIMIT = 64 * 2**20  # one report's gold annotation


def what_it_is(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes_file(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``OSError`` otherwise
    (``FileNotFoundError`` for a missing one, as ``open`` gives it)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{what_it_is(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise OSError(f"{st.st_size:,} bytes, larger than the {limit:,} allowed")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while being read
                raise OSError(f"larger than the {limit:,} bytes allowed")
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text_file(path: Path | str, limit: int, encoding: str = "utf-8") -> str:
    """``read_bytes_file`` decoded (``UnicodeDecodeError`` for bytes of another encoding)."""
    return read_bytes_file(path, limit).decode(encoding)
