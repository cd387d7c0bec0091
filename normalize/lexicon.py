"""The general Swedish lexicon: hunspell sv_SE (+ wswedish), compound-aware.

Built once from the Debian dictionaries, then cached in a compiled form
(``marshal``) under the user's cache directory, so a process loads it in a
fraction of a second.  Word frequencies (Zipf scale) come from the
``wordfreq`` package when it is installed, read at build time only.

Lookups work on two keys:

* the form itself (``forms``: form -> role bits | zipf*10 << 6), and
* its *fold*: lower case with diacritics stripped (``folds``: fold -> forms
  whose fold it is, kept only where a form differs from its fold), which is
  what a word looks like after OCR lost å, ä and ö.
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

try:  # optional: memory-mapped tries make loading instant
    import marisa_trie
except ImportError:  # pragma: no cover - exercised on machines without it
    marisa_trie = None

from .hunspell import BEGIN, END, MIDDLE, POST, PRE, WORD, expand_dic, read_aff, read_wordlist

CACHE_FORMAT = 4
DICT_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell"), Path("/usr/share/myspell/dicts"))
DICT_NAMES = ("sv_SE", "sv_FI")
WORDLISTS = (Path("/usr/share/dict/swedish"),)
ROLE_MASK = 0b1111111
ZIPF_SHIFT = 7
MIN_PART = 2      # letters in a compound part
MAX_PARTS = 4     # parts in a compound
_VOWELS = set("aeiouyåäöé")


class LexiconMissing(RuntimeError):
    """No Swedish hunspell dictionary was found (install hunspell-sv-se)."""


# ---------------------------------------------------------------- folding

def _fold_char(c: str) -> str:
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c.lower()


_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0x80, 0x250)}


def fold(word: str) -> str:
    """Lower case, diacritics stripped, same length: ``Målen`` -> ``malen``."""
    return word.translate(_FOLD_TABLE).lower()


# ---------------------------------------------------------------- sources

@dataclass(frozen=True, slots=True)
class Sources:
    aff: Path | None        # None: no hunspell dictionary, the word lists alone
    dic: Path | None
    wordlists: tuple[Path, ...] = ()

    def digest(self) -> str:
        h = hashlib.sha256(f"format={CACHE_FORMAT};freq={_wordfreq_version()}".encode())
        for p in (self.aff, self.dic, *self.wordlists):
            if p is None:
                continue
            st = p.stat()
            h.update(f"{p}:{st.st_size}:{int(st.st_mtime)}".encode())
        return h.hexdigest()[:16]


def find_sources(dict_dirs=DICT_DIRS, names=DICT_NAMES, wordlists=WORDLISTS) -> Sources:
    for name in names:
        for d in dict_dirs:
            aff, dic = d / f"{name}.aff", d / f"{name}.dic"
            if aff.is_file() and dic.is_file():
                return Sources(aff, dic, tuple(p for p in wordlists if p.is_file()))
    found = tuple(p for p in wordlists if p.is_file())
    if found:  # a plain word list knows no compounds, but it beats nothing
        return Sources(None, None, found)
    raise LexiconMissing(
        "no Swedish dictionary (hunspell sv_SE.aff/.dic or /usr/share/dict/swedish) found in "
        + ", ".join(map(str, dict_dirs)) + "; install it with: apt-get install hunspell-sv-se wswedish"
    )


def default_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/malrapport`` or ``~/.cache/malrapport`` (None without a home)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "malrapport"


def _wordfreq_version() -> str:
    try:
        from importlib.metadata import version
        return version("wordfreq")
    except Exception:  # not installed: frequencies fall back to the vocabulary
        return "none"


def _swedish_frequencies() -> dict[str, float]:
    try:
        from wordfreq import get_frequency_dict
    except ImportError:
        return {}
    return get_frequency_dict("sv", "best")


# ---------------------------------------------------------------- build

def build_tables(sources: Sources) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Expand the dictionary, add frequencies, index by fold."""
    import math

    forms = expand_dic(sources.dic, read_aff(sources.aff)) if sources.dic is not None else {}
    for path in sources.wordlists:
        for w in read_wordlist(path):
            if w.isalpha():
                forms[w] = forms.get(w, 0) | WORD
    freqs = _swedish_frequencies()
    folds: dict[str, list[str]] = {}
    for form in list(forms):
        f = freqs.get(form.lower())
        if f:
            zipf10 = max(1, min(90, round((math.log10(f) + 9) * 10)))
            forms[form] |= zipf10 << ZIPF_SHIFT
        key = fold(form)
        if key != form:
            folds.setdefault(key, []).append(form)
    return forms, {k: tuple(v) for k, v in folds.items()}


def load_tables(sources: Sources, cache_dir: Path | None):
    """The compiled (forms, folds) tables from the cache, building them on a miss.

    With ``marisa-trie`` installed the cache is a pair of memory-mapped tries
    (a few MB, opened in milliseconds); without it, a ``marshal`` file of two
    dicts (slower to read, about half a second).
    """
    stem = f"lexicon-{sources.digest()}"
    if marisa_trie is not None:
        return _load_tries(sources, cache_dir, stem)
    path = cache_dir / f"{stem}.marshal" if cache_dir is not None else None
    if path is not None:
        try:
            return marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
    tables = build_tables(sources)
    if path is not None:
        _write_atomic(path, lambda tmp: Path(tmp).write_bytes(marshal.dumps(tables)))
    return tables


def _load_tries(sources: Sources, cache_dir: Path | None, stem: str):
    if cache_dir is not None:
        forms_path, folds_path = cache_dir / f"{stem}.forms.marisa", cache_dir / f"{stem}.folds.marisa"
        try:
            return (_TrieForms(marisa_trie.RecordTrie("<H").mmap(str(forms_path))),
                    _TrieFolds(marisa_trie.BytesTrie().mmap(str(folds_path))))
        except (OSError, ValueError, RuntimeError):
            pass
    forms, folds = build_tables(sources)
    forms_trie = marisa_trie.RecordTrie("<H", ((k, (v,)) for k, v in forms.items()))
    folds_trie = marisa_trie.BytesTrie(
        (k, f.encode("utf-8")) for k, fs in folds.items() for f in fs)
    if cache_dir is not None:
        _write_atomic(forms_path, forms_trie.save)
        _write_atomic(folds_path, folds_trie.save)
    return _TrieForms(forms_trie), _TrieFolds(folds_trie)


class _TrieForms:
    """``dict.get``/``in`` over a RecordTrie of form -> code."""

    __slots__ = ("trie",)

    def __init__(self, trie):
        self.trie = trie

    def get(self, key: str, default=None):
        found = self.trie.get(key)
        return found[0][0] if found else default

    def __contains__(self, key: str) -> bool:
        return key in self.trie

    def __getitem__(self, key: str) -> int:
        return self.trie[key][0][0]

    def __len__(self) -> int:
        return len(self.trie)


class _TrieFolds:
    """``dict.get`` over a BytesTrie of fold -> forms."""

    __slots__ = ("trie",)

    def __init__(self, trie):
        self.trie = trie

    def get(self, key: str, default=()):
        found = self.trie.get(key)
        return tuple(v.decode("utf-8") for v in found) if found else default

    def __len__(self) -> int:
        return len(self.trie)


def _write_atomic(path: Path, save) -> None:
    """``save(tmp_path)``, then rename into place: readers never see half a file."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-")
        os.close(fd)
        save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:  # an unwritable cache only costs the next process a rebuild
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


# ---------------------------------------------------------------- lookups

class Lexicon:
    """Word and compound checks over the expanded dictionary."""

    def __init__(self, forms: dict[str, int], folds: dict[str, tuple[str, ...]]):
        self.forms = forms
        self.folds = folds
        self._compound = functools.lru_cache(maxsize=200_000)(self._compound_uncached)
        self._fold_compounds = functools.lru_cache(maxsize=50_000)(self._fold_compounds_uncached)

    def __len__(self) -> int:
        return len(self.forms)

    # single forms
    def roles(self, form: str) -> int:
        return self.forms.get(form, 0) & ROLE_MASK

    def zipf(self, form: str) -> float:
        """Zipf frequency of a dictionary form (0.0 when unknown)."""
        code = self.forms.get(form)
        if code is None and form[:1].isupper():
            code = self.forms.get(form.lower())
        return ((code or 0) >> ZIPF_SHIFT) / 10

    def is_form(self, word: str) -> bool:
        """A stand-alone dictionary form, allowing sentence case and upper case."""
        if self.roles(word) & WORD:
            return True
        if word[:1].isupper():
            lower = word.lower()
            if self.roles(lower) & WORD:
                return True
            if word.isupper() and self.roles(lower[:1].upper() + lower[1:]) & WORD:
                return True
        return False

    def is_word(self, word: str) -> bool:
        """A dictionary form or a compound of dictionary parts."""
        return self.is_form(word) or self.is_compound(word.lower())

    def is_compound(self, lower: str) -> bool:
        return len(lower) >= 2 * MIN_PART and self._compound(lower)

    def _compound_uncached(self, word: str) -> bool:
        n = len(word)
        forms = self.forms
        # reach[i]: word[:i] is BEGIN (MIDDLE)* with the given part count
        reach: dict[int, int] = {}
        for i in range(MIN_PART, n - MIN_PART + 1):
            r = forms.get(word[:i], 0)
            if r & BEGIN:
                reach[i] = 1
            if r & PRE and forms.get(word[i:], 0) & POST:
                return True
        for i in range(MIN_PART, n - MIN_PART + 1):
            parts = reach.get(i)
            if parts is None:
                continue
            tail = word[i:]
            if forms.get(tail, 0) & END and _sound_join(word, i):
                return True
            if parts + 1 >= MAX_PARTS:
                continue
            for j in range(i + MIN_PART, n - MIN_PART + 1):
                if j not in reach and forms.get(word[i:j], 0) & MIDDLE and _sound_join(word, i):
                    reach[j] = parts + 1
        return False

    # by fold
    def by_fold(self, key: str) -> tuple[str, ...]:
        """Dictionary forms whose fold is ``key`` (stand-alone or not)."""
        found = self.folds.get(key, ())
        if key in self.forms:
            found = (key, *found)
        return found

    def words_by_fold(self, key: str) -> list[str]:
        return [f for f in self.by_fold(key) if self.forms[f] & WORD]

    def compounds_by_fold(self, key: str, limit: int = 6) -> list[tuple[str, ...]]:
        """Compound spellings whose fold is ``key``, as tuples of parts, best first."""
        if len(key) < 2 * MIN_PART:
            return []
        return self._fold_compounds(key, limit)

    def _fold_compounds_uncached(self, key: str, limit: int) -> list[tuple[str, ...]]:
        n = len(key)
        # partial[i]: list of (score, parts) spelling key[:i] as BEGIN (MIDDLE)*
        partial: dict[int, list[tuple[float, tuple[str, ...]]]] = {}
        done: list[tuple[float, tuple[str, ...]]] = []
        for i in range(MIN_PART, n - MIN_PART + 1):
            heads = self._parts(key[:i], BEGIN)
            if heads:
                partial[i] = [(self._part_score(h), (h,)) for h in heads]
            pre = self._parts(key[:i], PRE)
            if pre:
                for post in self._parts(key[i:], POST):
                    for p in pre:
                        done.append((self._part_score(p) + self._part_score(post), (p, post)))
        for i in range(MIN_PART, n - MIN_PART + 1):
            if i not in partial or not _sound_join(key, i):
                continue
            heads = sorted(partial[i], reverse=True)[:limit]
            for tail in self._parts(key[i:], END):
                for score, parts in heads:
                    done.append((score + self._part_score(tail), parts + (tail,)))
            for j in range(i + MIN_PART, n - MIN_PART + 1):
                mids = self._parts(key[i:j], MIDDLE)
                for mid in mids:
                    for score, parts in heads:
                        if len(parts) + 2 <= MAX_PARTS:
                            partial.setdefault(j, []).append((score + self._part_score(mid), parts + (mid,)))
        done.sort(key=lambda sp: (-sp[0], sp[1]))
        out, seen = [], set()
        for _, parts in done:
            if parts not in seen:
                seen.add(parts)
                out.append(parts)
            if len(out) >= limit:
                break
        return out

    def _parts(self, key: str, role: int) -> list[str]:
        return [f for f in self.by_fold(key) if self.forms[f] & role and f.islower()]

    def _part_score(self, part: str) -> float:
        # fewer, longer, more frequent parts read as the better split
        return -1.0 + 0.1 * (self.forms[part] >> ZIPF_SHIFT) / 10 + 0.02 * len(part)


def _sound_join(word: str, i: int) -> bool:
    """Reject joins that leave a part without a vowel (a cheap sanity check)."""
    return bool(_VOWELS.intersection(word[:i])) and bool(_VOWELS.intersection(word[i:]))


@functools.lru_cache(maxsize=1)
def get_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """The process-wide lexicon (built on first use, then read from the cache)."""
    sources = find_sources()
    forms, folds = load_tables(sources, cache_dir if cache_dir is not None else default_cache_dir())
    return Lexicon(forms, folds)
