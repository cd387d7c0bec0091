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
