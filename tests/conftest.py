"""Shared fixtures: the committed samples, and the real CLI run on them once per session."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLD = SAMPLES / "gold"
DIGITAL = SAMPLES / "pdf" / "digital"
SEEDS = ROOT.parent / "shared" / "seeds"


def run_cli(*args: str, check: bool = True, ok: tuple[int, ...] = (0,),
            **kw) -> subprocess.CompletedProcess:
    """The CLI in a subprocess; with ``check``, an exit code outside ``ok`` fails the test
    (``ok=(0, 3)`` where a run may end done with warnings, exit code 3)."""
    proc = subprocess.run([sys.executable, "-m", "malrapport.cli", *map(str, args)],
                          capture_output=True, text=True, **kw)
    if check and proc.returncode not in ok:
        raise AssertionError(f"malrapport {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def load_gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


def system_stems() -> list[str]:
    """The goal-management system's own reports (families A and B): what the comparison
    tests' hand-checked figures were worked out on."""
    return sorted(p.stem for p in GOLD.glob("*.json")
                  if json.loads(p.read_text(encoding="utf-8"))["report"]["profile"]
                  in ("tertial", "uppsikt"))


@pytest.fixture(scope="session")
def system_out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("system_in")
    for stem in system_stems():
        (folder / f"{stem}.pdf").symlink_to(DIGITAL / f"{stem}.pdf")
    out = tmp_path_factory.mktemp("system_out")
    run_cli("extract", folder, "-o", out, "--ocr", "never", "--workers", "1", "--quiet")
    return out


@pytest.fixture(scope="session")
def digital_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("digital_out")
    run_cli("extract", DIGITAL, "-o", out, "--ocr", "never", "--workers", "1", "--quiet")
    return out


def sorted_rows(df, drop: tuple[str, ...] = ()):
    """A table's rows in a fixed order, to compare two runs' tables: list columns
    (reasons, box) become tuples, which sort and compare."""
    df = df.drop(columns=[c for c in drop if c in df.columns])
    for column in df.columns:
        if df[column].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            df[column] = df[column].map(lambda v: None if v is None else tuple(v))
    return df.sort_values(list(df.columns), na_position="first").reset_index(drop=True)
