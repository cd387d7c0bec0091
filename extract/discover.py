"""Input paths → the PDF files to extract, with the names the output records.

Folders are walked depth first in name order. Symbolic links to folders are
followed, but every folder is entered once (by device and inode), so a link
loop ends the walk instead of running it forever. Nothing is skipped silently:
a broken ``.pdf`` link and a folder that cannot be listed are returned too, so
that extraction records them as ``unreadable``. Pipes, sockets and devices
named ``*.pdf`` inside folders are left out (opening a pipe waits forever).
"""
from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path
from typing import NamedTuple


class Found(NamedTuple):
    """A file to extract: its path, its ``source_file``, the key of its ``errors`` row,
    and the ``source_file`` malrapport 0.3.0 and earlier gave it (without the folder)."""

    path: Path
    source: str
    error_key: str
    legacy_source: str


def discover(paths: list[Path]) -> list[tuple[Path, str]]:
    """PDF files under the given paths: (path, source_file as the contract names it)."""
    return [(f.path, f.source) for f in discover_files(paths)]


def discover_files(paths: list[Path]) -> list[Found]:
    """PDF files under the given paths, each once (by device and inode), in order.

    ``source_file`` is a file's path as given, or for a file found in a folder,
    its path relative to that folder prefixed by the folder's own name
    (``extract 2024/ 2025/`` gives ``2024/rapport.pdf`` and ``2025/rapport.pdf``);
    two folders of the same name keep the path they were given by. The errors
    key is the file's absolute path as spelled on disk, so two failures never
    share a row: not two files of one name in two folders, nor the NFC and NFD
    spellings of one name (whose ``source_file`` reads the same).
    """
    found: list[Found] = []
    seen: set[object] = set()
    prefixes = _folder_prefixes([g for g in paths if _is_dir(g)])

    def add(path: Path, name: str, legacy: str) -> None:
        key = _identity(path)
        if key not in seen:
            seen.add(key)
            error_key = os.path.abspath(path)
            found.append(Found(path, source_name(name), error_key, source_name(legacy)))

    for given in paths:
        if _is_dir(given):
            prefix = prefixes[os.fspath(given)]
            for path in _walk(given):
                relative = path.relative_to(given).as_posix()
                add(path, f"{prefix}/{relative}" if prefix else relative, relative)
        else:
            add(given, str(given), str(given))
    return found


def _folder_prefixes(folders: list[Path]) -> dict[str, str]:
    """Each folder argument's own name (``.`` is the current folder's), or the path as
    given (normalised) where two folders of the batch have the same name."""
    names = {os.fspath(f): os.path.basename(os.path.abspath(f)) for f in folders}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {given: (name if counts[name] == 1 else os.path.normpath(given).lstrip("/"))
            for given, name in names.items()}


def source_name(text: str) -> str:
    """A file name fit for a UTF-8 table cell and one line of stderr.

    Bytes that are not UTF-8 (kept by Python as surrogate escapes) and
    characters that are not printable (line breaks, control and direction
    marks) become backslash escapes; the rest is NFC, as every output string.
    Ordinary names pass through unchanged.
    """
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)
    return unicodedata.normalize("NFC", text)


def _walk(root: Path):
    """Files named ``*.pdf`` under root (and unlistable folders), loop-safe, in path order."""
    entered: set[tuple[int, int]] = set()
    stack = [_listing(root, entered)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Path):
            yield item  # a folder that cannot be listed: recorded as unreadable
        elif _entry_is_dir(item):
            stack.append(_listing(Path(item.path), entered))
        elif item.name.lower().endswith(".pdf") and not _is_special(item.path):
            yield Path(item.path)


def _listing(folder: Path, entered: set[tuple[int, int]]):
    """A folder's entries in name order; nothing for a folder already entered (a link loop)."""
    try:
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in entered:
            return
        entered.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        yield folder
        return
    yield from entries


def _entry_is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _is_special(path: str) -> bool:
    """A pipe, socket or device (opening a pipe would wait forever); not a PDF to read."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # a broken link: returned, and recorded as unreadable
    return not stat.S_ISREG(mode)


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _identity(path: Path) -> object:
    try:
        st = os.stat(path)
    except OSError:
        return ("path", os.path.abspath(path))
    return ("inode", st.st_dev, st.st_ino)
