"""docs/tables.md, the data dictionary, lists every column of every table with
its Arrow type, in the schema's order, so that a new column cannot slip in
undocumented."""
from __future__ import annotations

import re

import pyarrow as pa
import pytest

from conftest import ROOT
from malrapport.schemas.tables import COMPARISON_STATUSES, TABLES

DOC_TYPES = {"string": pa.string(), "int16": pa.int16(), "int32": pa.int32(), "float32": pa.float32(),
             "float64": pa.float64(), "date32": pa.date32(),
             "list&lt;string&gt;": pa.list_(pa.string()),
             "list&lt;float32&gt;": pa.list_(pa.float32())}


def documented() -> dict[str, list[tuple[str, str]]]:
    text = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    tables: dict[str, list[tuple[str, str]]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = section.split("\n", 1)[0].strip()
        rows = re.findall(r"^\| `([^`]+)`(?: … `([^`]+)`)? \| ([^|]+?) \|", section, re.M)
        columns = []
        for first, last, doc_type in rows:
            if last:  # `n_ej_paborjad` … `n_avbruten`: one column per status key
                keys = [f"n_{s}" for s in COMPARISON_STATUSES]
                columns += [(c, doc_type) for c in keys[keys.index(first): keys.index(last) + 1]]
            else:
                columns.append((first, doc_type))
        tables[name] = columns
    return tables


def test_every_table_is_documented():
    assert set(documented()) == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_column_is_documented_with_its_type(name):
    columns = documented()[name]
    schema = TABLES[name]
    assert [c for c, _ in columns] == schema.names
    for column, doc_type in columns:
        assert DOC_TYPES[doc_type.strip()] == schema.field(column).type, column
