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


def run_cli(*args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "malrapport.cli", *map(str, args)],
                          capture_output=True, text=True, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"malrapport {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def load_gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def digital_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("digital_out")
    run_cli("extract", DIGITAL, "-o", out, "--ocr", "never", "--workers", "1", "--quiet")
    return out
