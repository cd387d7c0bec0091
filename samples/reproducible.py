"""Reproducible PDF bytes: what a PDF writer stamps per run, fixed.

Every sample engine (PDFium for scans, tesseract's PDF renderer, Chromium,
LibreOffice) writes run-dependent bytes: /CreationDate and /ModDate, a trailer
/ID, and (LibreOffice) a /DocChecksum. ``pin_pdf`` sets the dates to one stamp
and derives /ID and /DocChecksum from the rest of the file, each at its original
length, so the xref offsets stay valid and the same input gives the same file.
"""
from __future__ import annotations

import hashlib
import re

_DATE_RE = re.compile(rb"/(?:CreationDate|ModDate)\s*\(D:(\d{14})")
_ANY_DATE_RE = re.compile(rb"/(?:CreationDate|ModDate)\s*\(")
_ID_RE = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_CHECKSUM_RE = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")


def pin_pdf(data: bytes, stamp: str = "20250101000000") -> bytes:
    """``data`` with its dates set to ``stamp`` (``YYYYMMDDHHMMSS``; a time zone after
    it stays as written) and its /ID and /DocChecksum a digest of the rest."""
    if len(stamp) != 14 or not stamp.isdigit():
        raise ValueError(f"a PDF date stamp is YYYYMMDDHHMMSS, not {stamp!r}")
    if len(_ANY_DATE_RE.findall(data)) != len(_DATE_RE.findall(data)):
        raise RuntimeError("a /CreationDate or /ModDate not of the form D:YYYYMMDDHHMMSS…")
    data = _DATE_RE.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + stamp.encode(), data)
    digest = hashlib.sha256(_ID_RE.sub(b"", _CHECKSUM_RE.sub(b"", data))).hexdigest().upper().encode()
    data = _CHECKSUM_RE.sub(lambda m: m.group(0).replace(m.group(1), digest[: len(m.group(1))]),
                            data)
    return _ID_RE.sub(lambda m: m.group(0).replace(m.group(1), digest[: len(m.group(1))])
                      .replace(m.group(2), digest[: len(m.group(2))]), data)


def date_stamp(date: str) -> str:
    """An ISO date at noon, as a ``pin_pdf`` stamp: ``2024-03-26`` → ``20240326120000``."""
    return date.replace("-", "") + "120000"
