"""The one options object the CLI builds and passes down; nothing deeper reads env vars."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

OcrMode = Literal["auto", "always", "never"]

DEFAULT_DPI = 300
DEFAULT_LANG = "swe"
DEFAULT_MAX_PIXELS = 200_000_000
DEFAULT_TIMEOUT = 1800.0
# Follow-up reports run to tens of pages, annual reports to a few hundred. Text
# extraction, parsing and normalising cost 15-35 ms and about 150 kB per page
# (measured on the samples), so this bounds a file at well under a minute and
# 200 MB (--max-pages).
DEFAULT_MAX_PAGES = 1000
# A Dask scheduler address: tcp://HOST:PORT (tls, ws, wss, ucx too; no scheme means tcp).
SCHEDULER_RE = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})")


@dataclass(frozen=True)
class ExtractOptions:
    ocr: OcrMode = "auto"
    dpi: int = DEFAULT_DPI
    lang: str = DEFAULT_LANG
    workers: int = 1
    password: str | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_pages: int = DEFAULT_MAX_PAGES
    timeout: float = DEFAULT_TIMEOUT
    vocab_files: tuple[Path, ...] = field(default=())
    # --profile: built-in profile names, "all", or profile files; empty: every built-in one
    profiles: tuple[str, ...] = field(default=())
    force: bool = False
    quiet: bool = False
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # dask scheduler address, tcp://HOST:PORT
    # --corrections: a file of the review page's decisions (normalize/corrections.py),
    # checked by the CLI before any work and applied to every report written
    corrections: Path | None = None

    def __post_init__(self) -> None:
        if self.ocr not in ("auto", "always", "never"):
            raise ValueError(f"ocr must be auto, always or never, not {self.ocr!r}")
        if not 50 <= self.dpi <= 1200:
            raise ValueError(f"dpi must be between 50 and 1200, not {self.dpi}")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if math.isnan(self.timeout) or self.timeout <= 0:
            raise ValueError(f"--timeout must be a positive number of seconds, not {self.timeout}")
        if self.max_pages < 1:
            raise ValueError("max-pages must be at least 1")
        if self.max_pixels < 1_000_000:
            raise ValueError("max-pixels must be at least 1000000")
        if self.executor not in ("local", "dask"):
            raise ValueError(f"executor must be local or dask, not {self.executor!r}")
        if self.scheduler is not None:
            m = SCHEDULER_RE.fullmatch(self.scheduler)
            if m is None or not 0 < int(m.group(2)) < 65536:
                raise ValueError(f"--scheduler {self.scheduler!r} is no scheduler address; "
                                 "give it as tcp://HOST:PORT")
