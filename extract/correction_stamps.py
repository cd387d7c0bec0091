"""Which corrections each file of OUTDIR was written with: part of the incremental skip.

A re-run skips a file already in OUTDIR with this extractor version. With
``--corrections`` it must not skip one whose corrections changed since (a new
decision, one taken back, or the option left out): its report is read again and
the corrections of now applied. ``OUTDIR/.corrections/<file hash>`` holds the
digest of the corrections a file was written with (``Corrections.digest``); no
stamp means none. The stamp is written after the report's files, so a run cut
off in between leaves a stamp that differs, and the file is read again.
"""
from __future__ import annotations

import os
from pathlib import Path

FOLDER = ".corrections"


def stamps(outdir: Path) -> dict[str, str]:
    """File hash → digest of the corrections it was written with, for every stamp."""
    folder = Path(outdir) / FOLDER
    out = {}
    if folder.is_dir():
        for entry in os.scandir(folder):
            if entry.is_file() and not entry.name.startswith("."):
                try:
                    out[entry.name] = Path(entry.path).read_text(encoding="ascii").strip()
                except (OSError, UnicodeDecodeError):
                    out[entry.name] = "?"  # unreadable: never equal, so read again
    return out


def still_done(outdir: Path, done: set[str], corrections) -> set[str]:
    """The file hashes of ``done`` written with the corrections that apply to them now."""
    have = stamps(outdir)
    return {h for h in done if have.get(h, "") == corrections.digest(h)}


def stamp(outdir: Path, file_hash: str | None, corrections) -> None:
    """Record the corrections the file was just written with (none: no stamp)."""
    if not file_hash:
        return
    path = Path(outdir) / FOLDER / file_hash
    digest = corrections.digest(file_hash)
    if not digest:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f".{file_hash}.tmp")
    tmp.write_text(digest + "\n", encoding="ascii")
    os.replace(tmp, path)
