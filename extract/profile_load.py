"""Reading a profile file: TOML, ``extends``, and every key checked against what it may hold.

A profile that cannot be used raises ``ProfileError`` naming the file, the line
and the key, before any report is read.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from malrapport.extract.profile import (HeadingRule, PageNumberForm, Phrase, Profile,
                                        ProfileError, TableSpec, TitleForm)
from malrapport.extract.small_files import PROFILE_LIMIT, read_text_file
from malrapport.normalize import labels
from malrapport.normalize.labels import fold

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"

STATUS_KEYS = frozenset(labels.STATUS_KEYS)
ASSESSMENT_KEYS = frozenset(labels.ASSESSMENT_KEYS)
LEVELS = frozenset({"kf", "ks", "ekonomi", "namnd"})
PERIODS = frozenset({"T1", "T2", "T3"})
TABLE_KINDS = frozenset({"activities", "measures", "goals"})
COLUMN_ROLES = {
    "activities": frozenset({"title", "status", "start", "end", "responsible", "comment"}),
    "measures": frozenset({"name", "target", "outcome", "previous_outcome", "trend"}),
    "goals": frozenset({"title", "assessment", "comment", "target", "outcome"}),
}
FIRST_ROLE = {"activities": "title", "measures": "name", "goals": "title"}
UNDER_ROW_SLOTS = frozenset({"description", "status", "comment"})
HEADING_ROLES = frozenset({"goal", "area", "chapter"})
LABEL_ROLES = frozenset({"assessment", "comment"})
COLOURS = frozenset({"green", "yellow", "orange", "red", "grey", "white", "blue", "purple",
                     "black"})
TITLE_PLACEHOLDERS = {
    "year": r"(?P<year>(?:19|20)\d\d)",
    "tertial": r"(?P<tertial>[123])",
    "month": r"(?P<month>[a-z]+)",
    "any": r".*?",
}
_TOP_KEYS = frozenset({"name", "description", "family", "extends", "detect", "title",
                       "periods", "headings", "labels", "statuses", "assessments", "tables",
                       "sections", "economy", "catalogue", "symbols", "report", "pages"})


# loading ---------------------------------------------------------------------------
def builtin_paths() -> list[Path]:
    return sorted(PROFILE_DIR.glob("*.toml"))


@lru_cache(maxsize=None)
def builtin_profiles() -> tuple[Profile, ...]:
    return tuple(load_profile(p) for p in builtin_paths())


def builtin(name: str) -> Profile:
    for profile in builtin_profiles():
        if profile.name == name:
            return profile
    raise KeyError(name)


def resolve_profiles(specs: tuple[str, ...]) -> tuple[Profile, ...]:
    """The candidate profiles for ``--profile`` arguments: built-in names, ``all``, or files.

    No arguments: every built-in profile. Raises ``ProfileError`` for a name that is
    no built-in profile and no file, or a file that cannot be read.
    """
    if not specs:
        return builtin_profiles()
    out: list[Profile] = []
    for spec in specs:
        if spec == "all":
            out.extend(builtin_profiles())
        elif is_profile_file(spec):
            out.append(load_profile(Path(spec)))
        else:
            try:
                out.append(builtin(spec))
            except KeyError:
                names = ", ".join(p.name for p in builtin_profiles())
                raise ProfileError(spec, None, "", f"no such profile file, and no built-in "
                                                   f"profile of that name (built in: {names})")
    seen, unique = set(), []
    for p in out:
        if (p.name, p.source) not in seen:
            seen.add((p.name, p.source))
            unique.append(p)
    return tuple(unique)


def is_profile_file(spec: str) -> bool:
    """A ``--profile`` value that names a file (else it is a built-in profile's name)."""
    return Path(spec).suffix == ".toml" or Path(spec).exists()


@lru_cache(maxsize=64)
def load_profile(path: Path) -> Profile:
    path = Path(path)
    raw, text = _read(path)
    base = raw.get("extends")
    if base is not None:
        if not isinstance(base, str):
            raise ProfileError(path, _line_of(text, ("extends",)), "extends", "must be a profile name")
        # a built-in profile by its file's name, else by the name it gives itself (each of
        # those files read only when no file name fits), else a file beside this one
        parent_path = (next((p for p in builtin_paths() if p.stem == base), None)
                       or next((p for p in builtin_paths() if _name_of(p) == base), None))
        if parent_path is None:
            parent_path = (path.parent / base).with_suffix(".toml")
            if not parent_path.exists():
                raise ProfileError(path, _line_of(text, ("extends",)), "extends",
                                   f"no built-in profile or file named {base!r}") from None
        if parent_path.resolve() == path.resolve():
            raise ProfileError(path, _line_of(text, ("extends",)), "extends", "a profile cannot extend itself")
        parent_raw, _ = _read(parent_path)
        parent_raw.pop("extends", None)
        raw = _merge(parent_raw, {k: v for k, v in raw.items() if k != "extends"})
    return _build(raw, path, text)


def _name_of(path: Path) -> str | None:
    try:
        return tomllib.loads(read_text_file(path, PROFILE_LIMIT)).get("name")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def _read(path: Path) -> tuple[dict, str]:
    try:
        text = read_text_file(path, PROFILE_LIMIT)  # a pipe or /dev/zero: refused, not read
    except FileNotFoundError:
        raise ProfileError(path, None, "", "no such profile file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ProfileError(path, None, "", f"cannot read the profile: {e}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        line = int(m.group(1)) if m else (len(text.splitlines()) or None)  # "at end of document"
        raise ProfileError(path, line, "", f"not valid TOML: {e}") from None


def _merge(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``: tables merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _line_of(text: str, keypath: tuple) -> int | None:
    """The first line that writes ``keypath`` (keys and array indexes) or a key under it."""
    header_re = re.compile(r"^\s*(\[\[?)\s*([\w.\"' -]+?)\s*\]\]?\s*(#.*)?$")
    counts: dict[str, int] = {}
    current: tuple = ()
    want = tuple(keypath)
    for number, line in enumerate(text.splitlines(), start=1):
        m = header_re.match(line)
        if m:
            name = m.group(2).replace('"', "").replace("'", "")
            if m.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                current = tuple(name.split(".")) + (counts[name],)
            else:
                current = tuple(name.split("."))
            if current[:len(want)] == want:
                return number
            continue
        key_m = re.match(r"^\s*([\w\"' .-]+?)\s*=", line)
        if not key_m:
            continue
        key = tuple(p.strip().strip('"').strip("'") for p in key_m.group(1).split("."))
        if (current + key)[:len(want)] == want:
            return number
    return None


# building and checking ----------------------------------------------------------------
class _Builder:
    def __init__(self, raw: dict, path: Path, text: str):
        self.raw, self.path, self.text = raw, path, text

    def fail(self, keypath: tuple, message: str):
        key = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in keypath).replace(".[", "[")
        raise ProfileError(self.path, _line_of(self.text, keypath), key, message)

    def table(self, keypath: tuple, allowed: frozenset | None = None) -> dict:
        value = self.get(keypath, {})
        if not isinstance(value, dict):
            self.fail(keypath, "must be a table")
        if allowed is not None:
            for k in value:
                if k not in allowed:
                    self.fail(keypath + (k,), f"unknown key (expected one of: {', '.join(sorted(allowed))})")
        return value

    def items(self, keypath: tuple, keys: tuple[str, ...], array_hint: str = "",
              item_hint: str = "") -> list[tuple]:
        """The key paths of an array of tables (``[[title]]``), each checked to be a
        table of only ``keys``."""
        items = self.get(keypath, [])
        if not isinstance(items, list):
            self.fail(keypath, "must be an array of tables" + array_hint)
        out = []
        for i, item in enumerate(items):
            kp = keypath + (i,)
            if not isinstance(item, dict):
                self.fail(kp, "must be a table" + item_hint)
            for k in item:
                if k not in keys:
                    self.fail(kp + (k,), f"unknown key (expected {', '.join(keys)})")
            out.append(kp)
        return out

    def get(self, keypath: tuple, default=None):
        node = self.raw
        for k in keypath:
            if isinstance(node, dict) and isinstance(k, str) and k in node:
                node = node[k]
            elif isinstance(node, list) and isinstance(k, int) and k < len(node):
                node = node[k]
            else:
                return default
        return node

    def string(self, keypath: tuple, default=None, required: bool = False) -> str | None:
        missing = object()
        value = self.get(keypath, missing)
        if value is missing:
            if required:
                self.fail(keypath, "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(keypath, "must be a non-empty string")
        return value

    def strings(self, keypath: tuple) -> tuple[str, ...]:
        value = self.get(keypath, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(keypath, "must be a list of non-empty strings")
        return tuple(value)

    def phrases(self, keypath: tuple) -> tuple[Phrase, ...]:
        out = tuple(Phrase.of(s) for s in self.strings(keypath))
        for p in out:
            if not p.words:
                self.fail(keypath, f"{p.text!r} has no words")
        return out

    def choice(self, keypath: tuple, allowed, default=None, required: bool = False):
        value = self.string(keypath, default, required)
        if value is not None and value not in allowed:
            self.fail(keypath, f"{value!r} is not one of: {', '.join(sorted(allowed))}")
        return value

    def vocabulary(self, name: str, keys: frozenset) -> dict[str, str]:
        table = self.table((name,))
        for printed, key in table.items():
            if not isinstance(key, str) or key not in keys:
                self.fail((name, printed), f"{key!r} is not one of: {', '.join(sorted(keys))}")
        return dict(table)


def _build(raw: dict, path: Path, text: str) -> Profile:
    b = _Builder(raw, path, text)
    for key in raw:
        if key not in _TOP_KEYS:
            b.fail((key,), f"unknown key (expected one of: {', '.join(sorted(_TOP_KEYS))})")
    name = b.string(("name",), required=True)
    b.table(("detect",), frozenset({"titles", "markers"}))
    statuses = b.vocabulary("statuses", STATUS_KEYS)
    assessments = b.vocabulary("assessments", ASSESSMENT_KEYS)
    b.table(("report",), frozenset({"body_words", "default_level", "kind"}))  # its keys checked
    return Profile(
        name=name,
        description=b.string(("description",), default="") or "",
        family=b.string(("family",), default="-") or "-",
        source=str(path),
        detect_titles=b.phrases(("detect", "titles")),
        detect_markers=b.phrases(("detect", "markers")),
        titles=_titles(b),
        months=_months(b),
        numbered=_numbered(b),
        headings=_heading_rules(b, ("headings", "prefixed"), HEADING_ROLES, level_required=True),
        labels=_labels(b),
        comment_after_assessment=_flag(b, ("labels", "comment_after_assessment")),
        goal_description=_flag(b, ("labels", "goal_description")),
        statuses=statuses,
        assessments=assessments,
        tables=_tables(b),
        sections=_heading_rules(b, ("sections",), frozenset({"area", "goal"})),
        economy=b.phrases(("economy",)) if "economy" in raw else (),
        catalogue_area=_one_phrase(b, ("catalogue", "area")),
        catalogue_economy=_one_phrase(b, ("catalogue", "economy")),
        symbol_colours=_symbol_colours(b),
        symbol_chars=_symbol_chars(b),
        default_level=b.choice(("report", "default_level"), LEVELS, default="ks"),
        body_words=tuple(fold(w) for w in b.strings(("report", "body_words"))),
        default_kind=b.string(("report", "kind")),
        page_numbers=_page_numbers(b),
    )


def _numbered(b: _Builder) -> bool:
    b.table(("headings",), frozenset({"numbered", "prefixed"}))
    return _flag(b, ("headings", "numbered"))


def _one_phrase(b: _Builder, keypath: tuple) -> Phrase | None:
    b.table(keypath[:1], frozenset({"area", "economy"}))
    text = b.string(keypath)
    return Phrase.of(text) if text else None


def _titles(b: _Builder) -> tuple[TitleForm, ...]:
    out = []
    for kp in b.items(("title",), ("form", "kind", "period"), ": [[title]]",
                      " with form, kind and period"):
        form = b.string(kp + ("form",), required=True)
        try:
            pattern = compile_title_form(form)
        except ValueError as e:
            b.fail(kp + ("form",), str(e))
        period = b.choice(kp + ("period",), PERIODS)
        out.append(TitleForm(form, pattern, b.string(kp + ("kind",)), period))
    return tuple(out)


def _page_numbers(b: _Builder) -> tuple[PageNumberForm, ...]:
    b.table(("pages",), frozenset({"numbers"}))
    out = []
    for i, form in enumerate(b.strings(("pages", "numbers"))):
        try:
            out.append(compile_page_number_form(form))
        except ValueError as e:
            b.fail(("pages", "numbers"), f"{form!r}: {e}")
    return tuple(out)


def compile_page_number_form(form: str) -> PageNumberForm:
    """``"Sida {page} av {pages}"`` → a regex over a line's folded text, matching at the
    line's start or its end (a footer prints the number beside its other words).

    Words are matched folded, spaces between the parts are optional, punctuation
    (``(``, ``/``, ``-``) is matched as printed.
    """
    parts = [p for p in re.split(r"(\{[^}]*\})|\s+", form) if p]
    if "{page}" not in parts:
        raise ValueError("needs the placeholder {page}")
    regex, placeholders = [], []
    for part in parts:
        if part.startswith("{"):
            if part not in ("{page}", "{pages}") or part in placeholders:
                raise ValueError(f"unknown or repeated placeholder {part} (known: {{page}}, {{pages}})")
            placeholders.append(part)
            regex.append(r"(?P<page>\d{1,4})" if part == "{page}" else r"(?P<pages>\d{1,4})")
        else:
            regex.append("".join(re.escape(c) for c in fold(part)))
    body = r"\s*".join(regex)
    return PageNumberForm(form, re.compile(rf"^{body}(?=\s|$)"), re.compile(rf"(?:^|(?<=\s)){body}$"),
                          bare=parts == ["{page}"])


def compile_title_form(form: str) -> re.Pattern:
    """``"Målavstämning, tertial {tertial} {year}"`` → a regex over folded text.

    Words are matched folded; punctuation and spaces between them are loose (any
    run of non-letters), so ``Målavstämning tertial 1, 2025`` matches too.
    """
    parts = re.split(r"(\{[^}]*\})", form)
    regex = []
    for part in parts:
        if not part:
            continue
        if part.startswith("{"):
            name = part[1:-1]
            if name not in TITLE_PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {part} (known: "
                                 f"{', '.join('{' + p + '}' for p in TITLE_PLACEHOLDERS)})")
            regex.append(TITLE_PLACEHOLDERS[name])
            continue
        words = re.findall(r"[a-z0-9]+", fold(part))
        if words:
            regex.append(r"[^a-z0-9]*" + r"[^a-z0-9]+".join(re.escape(w) for w in words) + r"[^a-z0-9]*")
        else:
            regex.append(r"[^a-z0-9]*")
    return re.compile(r"(?<![a-z0-9])" + "".join(regex), re.IGNORECASE)


def _months(b: _Builder) -> dict[str, str]:
    table = b.table(("periods",))
    out = {}
    for word, period in table.items():
        if period not in PERIODS:
            b.fail(("periods", word), f"{period!r} is not one of: T1, T2, T3")
        out[fold(word)] = period
    return out


def _heading_rules(b: _Builder, keypath: tuple, roles: frozenset, level_required: bool = False
                   ) -> tuple[HeadingRule, ...]:
    """Rules of words that lead a heading (or a goals table's section row); with
    ``level_required`` a goal rule must say the level of its goals."""
    out = []
    for kp in b.items(keypath, ("words", "role", "level", "parent"),
                      item_hint=" with words, role, level, parent"):
        phrase = Phrase.of(b.string(kp + ("words",), required=True))
        role = b.choice(kp + ("role",), roles, default="goal")
        level = b.choice(kp + ("level",), LEVELS)
        if role == "goal" and level is None and level_required:
            b.fail(kp + ("level",), "a goal heading needs a level")
        out.append(HeadingRule(phrase, role, level, b.choice(kp + ("parent",), LEVELS)))
    return tuple(out)


def _labels(b: _Builder) -> dict[str, tuple[Phrase, ...]]:
    b.table(("labels",), LABEL_ROLES | {"comment_after_assessment", "goal_description"})
    return {role: b.phrases(("labels", role)) for role in LABEL_ROLES}


def _flag(b: _Builder, keypath: tuple) -> bool:
    value = b.get(keypath, False)
    if not isinstance(value, bool):
        b.fail(keypath, "must be true or false")
    return value


def _tables(b: _Builder) -> tuple[TableSpec, ...]:
    out = []
    for kp in b.items(("tables",), ("kind", "columns", "required", "level", "under_row", "ruled"),
                      ": [[tables]]"):
        kind = b.choice(kp + ("kind",), TABLE_KINDS, required=True)
        columns_raw = b.table(kp + ("columns",), COLUMN_ROLES[kind])
        if FIRST_ROLE[kind] not in columns_raw:
            b.fail(kp + ("columns",), f"a table of {kind} needs a {FIRST_ROLE[kind]} column")
        columns = tuple((role, b.phrases(kp + ("columns", role))) for role in columns_raw)
        for role, phrases in columns:
            if not phrases:
                b.fail(kp + ("columns", role), "needs at least one header phrase")
        required = b.strings(kp + ("required",)) or (FIRST_ROLE[kind],)
        for role in required:
            if role not in columns_raw:
                b.fail(kp + ("required",), f"{role!r} is not one of this table's columns")
        under = b.strings(kp + ("under_row",))
        for slot in under:
            if slot not in UNDER_ROW_SLOTS:
                b.fail(kp + ("under_row",), f"{slot!r} is not one of: "
                                            f"{', '.join(sorted(UNDER_ROW_SLOTS))}")
        ruled = _flag(b, kp + ("ruled",))
        out.append(TableSpec(kind, columns, required, b.choice(kp + ("level",), LEVELS), ruled,
                             under))
    return tuple(out)


def _symbol_colours(b: _Builder) -> dict[str, str]:
    b.table(("symbols",), frozenset({"colours", "fonts"}))
    table = b.table(("symbols", "colours"), COLOURS)
    for colour, key in table.items():
        if key not in ASSESSMENT_KEYS:
            b.fail(("symbols", "colours", colour), f"{key!r} is not an assessment key")
    return dict(table)


def _symbol_chars(b: _Builder) -> dict[tuple[str, str], str]:
    fonts = b.table(("symbols", "fonts"))
    out = {}
    for font, chars in fonts.items():
        if not isinstance(chars, dict):
            b.fail(("symbols", "fonts", font), "must be a table: character = assessment key")
        for char, key in chars.items():
            if key not in ASSESSMENT_KEYS:
                b.fail(("symbols", "fonts", font, char), f"{key!r} is not an assessment key")
            out[(fold(font), char)] = key
    return out
