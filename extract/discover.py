"""Input paths → the PDF files to extract, with the names the output records."""
from __future__ import annotations

from pathlib import Path


def discover(paths: list[Path]) -> list[tuple[Path, str]]:
    """PDF files under the given paths: (path, source_file as the contract names it)."""
    found: list[tuple[Path, str]] = []
    for given in paths:
        if given.is_dir():
            seen: set[Path] = set()
            for path in sorted(given.rglob("*")):
                if path.suffix.lower() == ".pdf" and path.is_file():
                    real = path.resolve()
                    if real not in seen:
                        seen.add(real)
                        found.append((path, path.relative_to(given).as_posix()))
        else:
            found.append((given, str(given)))
    return found
