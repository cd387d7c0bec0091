"""schemas/atomic.py: a file is replaced whole or not at all."""
import os

import pytest

from malrapport.schemas.atomic import replacing


def test_a_failed_write_leaves_the_earlier_file_and_no_temporary(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("before")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_a_new_file_gets_an_ordinary_mode_and_an_old_one_keeps_its_own(tmp_path):
    new = tmp_path / "new.parquet"
    with replacing(new) as tmp:
        tmp.write_bytes(b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask
    old = tmp_path / "old.html"
    old.write_text("a")
    old.chmod(0o640)
    with replacing(old) as tmp:
        tmp.write_text("b")
    assert old.read_text() == "b" and old.stat().st_mode & 0o777 == 0o640


def test_bytes_written_whole_keep_the_mode_rules_and_leave_no_temporary(tmp_path):
    from malrapport.schemas.atomic import write_bytes

    new, old = tmp_path / "new.parquet", tmp_path / "old.parquet"
    write_bytes(new, b"abc")
    umask = os.umask(0)
    os.umask(umask)
    assert new.read_bytes() == b"abc" and new.stat().st_mode & 0o777 == 0o666 & ~umask
    old.write_bytes(b"before")
    old.chmod(0o640)
    write_bytes(old, b"after")
    assert old.read_bytes() == b"after" and old.stat().st_mode & 0o777 == 0o640
    with pytest.raises(TypeError):  # fails half-way: after the temporary file was made
        write_bytes(old, "not bytes")
    assert old.read_bytes() == b"after"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.parquet", "old.parquet"]


def test_a_temporary_name_left_by_another_process_is_not_written_over(tmp_path):
    import itertools

    from malrapport.schemas import atomic

    serial = next(atomic._SERIAL) + 1
    left = tmp_path / f".t.parquet.{os.getpid()}-{serial}.tmp"
    left.write_bytes(b"someone else's")
    atomic._SERIAL = itertools.count(serial)
    atomic.write_bytes(tmp_path / "t.parquet", b"mine")
    assert (tmp_path / "t.parquet").read_bytes() == b"mine"
    assert left.read_bytes() == b"someone else's"
