"""A value printed the Swedish way → a number: ``1 234,5`` → 1234.5, ``−3`` → -3.0.

Swedish reports write a decimal comma and separate thousands by a space (often a
no-break or thin space): ``1 234,5``, ``118 000``. A minus sign is a hyphen, the
minus sign U+2212 or an en dash (``-12,5``, ``−3``, ``–1 850``); a plus sign may
lead (``+4``). A unit or per-cent sign after the value is allowed (``2,0 %``,
``-12,5 mnkr``), though the extractor has already moved it to ``unit``.
Anything that is not one number is None: words (``Minska``, ``ökning``), a bound
(``>90``, ``minst 80``), a range (``5-7``, ``5–7``), two figures (``5 7``), a
decimal point (``7.1``: a decimal point or a thousands point? not Swedish either way).
"""
from __future__ import annotations

import re

# Thousands separators: space, no-break space, thin space, narrow no-break space.
_SPACES = " \u00a0\u2009\u202f"
_MINUS = "\u2212\u2013-"  # minus sign, en dash, hyphen-minus (last: no range in [...])
_NUMBER = re.compile(
    rf"(?P<sign>[+{_MINUS}])?[{_SPACES}]?"
    rf"(?P<int>[0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}})+|[0-9]+)"
    r"(?:,(?P<frac>[0-9]+))?"
    rf"(?:[{_SPACES}]?(?:%|‰|[A-Za-zÅÄÖåäö.]{{1,8}}))?")  # a unit, as extract/measures.py reads it


def parse_number(text: str | None) -> float | None:
    """The one number ``text`` prints, or None when it prints none or more than one."""
    if text is None:
        return None
    m = _NUMBER.fullmatch(text.strip(_SPACES + "\t\n"))
    if m is None:
        return None
    digits = re.sub(f"[{_SPACES}]", "", m.group("int"))
    if m.group("frac"):
        digits += "." + m.group("frac")
    value = float(digits)
    return -value if m.group("sign") and m.group("sign") in _MINUS else value
