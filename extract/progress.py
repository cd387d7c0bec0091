"""What a batch shows while it runs: files, pages, pages per second, time left.

``Progress`` is silent and only keeps the counts; ``BarProgress`` draws a rich
progress bar on stderr. The CLI picks one (``--quiet`` or a stderr that is not
a terminal gives the silent one). Messages (failed files) go through
``message`` so they print above the bar instead of through it.

Time left is estimated from bytes: the input files' sizes are known from the
start, and a file's bytes count as done page by page (a 300-page scan is
worth more than a 6-page digital report). Skipped files leave the estimate.
"""
from __future__ import annotations

import sys
import time


class Progress:
    """Counts only; prints messages to stderr."""

    def __init__(self) -> None:
        self.files = self.finished = self.pages = self.ocr_pages = 0
        self.total_bytes = self.done_bytes = 0.0
        self.started = time.monotonic()

    def start(self, files: int, total_bytes: int) -> None:
        self.files, self.total_bytes = files, float(total_bytes)
        self.started = time.monotonic()

    def skipped(self, size: int) -> None:
        self.finished += 1
        self.total_bytes -= size
        self.tick()

    def advance(self, pages: int = 0, ocr: int = 0, work: float = 0.0) -> None:
        """``pages`` more pages read (``ocr`` of them by OCR), worth ``work`` bytes."""
        self.pages += pages
        self.ocr_pages += ocr
        self.done_bytes += work
        self.tick()

    def file_finished(self, remaining_work: float = 0.0) -> None:
        self.finished += 1
        self.done_bytes += remaining_work
        self.tick()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0

    def seconds_left(self) -> float | None:
        if self.done_bytes <= 0:
            return None
        elapsed = time.monotonic() - self.started
        left = max(0.0, self.total_bytes - self.done_bytes)
        return elapsed * left / self.done_bytes

    def tick(self) -> None:
        pass

    def message(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        pass


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class BarProgress(Progress):
    """A rich progress bar on stderr, redrawn a few times a second."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._console = Console(stderr=True)
        self._bar = RichProgress(
            TextColumn("[bold]extract[/]"), BarColumn(),
            TextColumn("{task.completed}/{task.total} files"),
            TextColumn("{task.fields[pages]} pages ({task.fields[ocr]} OCR)"),
            TextColumn("{task.fields[rate]} pages/s"),
            TimeElapsedColumn(), TextColumn("{task.fields[left]} left"),
            console=self._console, refresh_per_second=4, transient=False)
        self._task = None
        self._last = 0.0

    def start(self, files: int, total_bytes: int) -> None:
        super().start(files, total_bytes)
        self._bar.start()
        self._task = self._bar.add_task("extract", total=files, pages=0, ocr=0,
                                        rate="0.0", left=_clock(None))

    def tick(self) -> None:
        now = time.monotonic()
        if self._task is None or now - self._last < 0.1:
            return
        self._last = now
        self._bar.update(self._task, completed=self.finished, pages=self.pages,
                         ocr=self.ocr_pages, rate=f"{self.rate():.1f}",
                         left=_clock(self.seconds_left()))

    def message(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        if self._task is not None:
            self._last = 0.0
            self.tick()
        self._bar.stop()


def make_progress(show_bar: bool) -> Progress:
    return BarProgress() if show_bar else Progress()
