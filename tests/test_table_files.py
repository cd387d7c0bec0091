"""Tables read back from OUTDIR's files are the schema's tables, list columns included.

A Parquet file names a list's items ``element``; the schema (pyarrow) names them
``item``. Reading a file of this version back views those columns as the schema's
type (``schemas.tables._list_items_renamed``) instead of casting them: the same
values, the same types, and a table that compares equal to the cast one.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from malrapport.schemas.tables import TABLES, _upgrade, _with_version, read_table

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "pdf" / "digital" / "ange-2024-t3.pdf"


def test_files_read_back_are_the_schemas_tables_with_their_lists(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "malrapport.cli", "extract", str(SAMPLE), "-o",
                           str(out), "--quiet", "--workers", "1"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode in (0, 3), proc.stderr
    lists = viewed = 0
    for name in ("reports", "goals", "activities", "measures", "warnings"):
        schema = _with_version(TABLES[name])
        for path in sorted((out / name).glob("*.parquet")):
            raw = pq.ParquetFile(path).read()
            assert raw.schema.equals(schema)  # the same columns and types, names aside
            viewed += not raw.schema.equals(schema, check_metadata=True)  # list items: element
            read = _upgrade(raw, schema)
            assert read.schema.equals(schema, check_metadata=True)
            assert read.equals(raw.select(schema.names).cast(schema), check_metadata=True)
            for field in schema:
                if pa.types.is_list(field.type):
                    assert read.column(field.name).type.equals(field.type, check_metadata=True)
                    lists += sum(1 for v in read.column(field.name).to_pylist() if v)
        table = read_table(out, name)
        assert table.schema.equals(_with_version(TABLES[name]), check_metadata=True)
    assert lists > 0 and viewed > 0  # the sample's rows fill list columns, read by the view


def test_a_file_of_an_older_version_still_gets_the_new_columns_as_null(tmp_path):
    schema = _with_version(TABLES["warnings"])
    old_names = schema.names[:-1]  # as if the last column came later
    table = pa.table({n: pa.nulls(2, schema.field(n).type) for n in old_names},
                     schema=pa.schema([schema.field(n) for n in old_names], metadata=schema.metadata))
    path = tmp_path / "w.parquet"
    pq.write_table(table, path)
    read = _upgrade(pq.ParquetFile(path).read(), schema)
    assert read.schema.equals(schema, check_metadata=True)
    assert read.column(schema.names[-1]).null_count == 2
