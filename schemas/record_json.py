"""Records to JSON and back, for the reports a run keeps waiting for their repair
(``OUTDIR/.pending/``): plain data, no pickle, so a file in OUTDIR can never run
code. Every record type is a frozen dataclass of str, int, float, bool, date,
dicts of str and tuples of records."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing

from malrapport.schemas import records

_TYPES = {cls.__name__: cls for cls in vars(records).values()
          if isinstance(cls, type) and dataclasses.is_dataclass(cls)}


def to_json(value) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def from_json(text: str):
    return _typed(json.loads(text))


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__,
                **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dt.date):
        return {"@date": value.isoformat()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {"@dict": [[k, _plain(v)] for k, v in value.items()]}
    return value


def _typed(value):
    if isinstance(value, list):
        return tuple(_typed(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "@date" in value:
        return dt.date.fromisoformat(value["@date"])
    if "@dict" in value:
        return {k: _typed(v) for k, v in value["@dict"]}
    cls = _TYPES[value["@"]]
    hints = typing.get_type_hints(cls)
    fields = {}
    for f in dataclasses.fields(cls):
        if f.name in value:
            item = _typed(value[f.name])
            if isinstance(item, tuple) and "tuple" not in str(hints.get(f.name, "tuple")):
                item = list(item)
            fields[f.name] = item
    return cls(**fields)
