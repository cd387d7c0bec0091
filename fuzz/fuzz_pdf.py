"""Coverage-guided fuzz target for the PDF entry point: bytes → ``jobs.scan_file``.

    pip install atheris                                   # Python 3.11 wheels exist
    python fuzz/fuzz_pdf.py -seeds fuzz/corpus            # write the seed corpus once
    python fuzz/fuzz_pdf.py fuzz/corpus -max_total_time=3600 -timeout=60 -rss_limit_mb=4096

The usual libFuzzer flags apply (``-jobs=4 -workers=4`` for parallel runs,
``-runs=N``); new interesting inputs are added to ``fuzz/corpus`` and a finding
is written to ``crash-*`` in the current folder, to be replayed with
``python fuzz/fuzz_pdf.py crash-…``. Atheris instruments the project's Python
code; pdfium is native and not instrumented, but a crash inside it still stops
the run and is saved like any other finding.

A finding is an exception out of ``check``: ``scan_file`` raised, recorded an
unknown error kind or a message of more than one line, or recorded a bug of
its own (``internal_error``, ``parse_failed``). The pytest suite runs ``check``
on the seeds (``tests/test_bad_input.py``), not atheris itself.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples" / "pdf" / "digital"
BUG_KINDS = ("internal_error", "parse_failed")


class Finding(AssertionError):
    """``scan_file`` broke its promise on this input."""


def options():
    from malrapport.extract.options import ExtractOptions

    # Lower limits than the CLI's keep each run fast without skipping any check.
    return ExtractOptions(ocr="never", workers=1, max_pixels=20_000_000)


def check(data: bytes, workdir: Path) -> None:
    """Run one input through ``scan_file`` and check the outcome; raise ``Finding`` if wrong."""
    from malrapport.extract.errors import FILE_KINDS
    from malrapport.extract.jobs import scan_file

    path = workdir / "input.pdf"
    path.write_bytes(data)
    try:
        scan = scan_file(path, "input.pdf", options())
    except Exception as e:
        raise Finding(f"scan_file raised {type(e).__name__}: {e}") from e
    if scan.error is None:
        reports = scan.report if isinstance(scan.report, list) else [scan.report]  # a file of several
        if not reports or any(r is None or not r.goals for r in reports):
            raise Finding("no error, yet no report with goals (ocr is off, so none is pending)")
        return
    kind, message = scan.error
    if kind not in FILE_KINDS:
        raise Finding(f"unknown error kind {kind!r}: {message}")
    if not message or "\n" in message:
        raise Finding(f"{kind}: the message is empty or more than one line: {message!r}")
    if kind in BUG_KINDS:
        raise Finding(f"{kind}: {message}")


def seeds() -> dict[str, bytes]:
    """Small inputs that reach every check: two samples and the cheap hostile files."""
    sys.path.insert(0, str(HERE))
    import hostile

    samples = sorted(SAMPLES.glob("*.pdf"), key=lambda p: p.stat().st_size)[:2]
    out = {p.name: p.read_bytes() for p in samples}
    base = out[samples[0].name]
    for name, (data, _kind) in hostile.corpus(base).items():
        if len(data) < 200_000 and name != "thousands-of-pages.pdf":
            out[name] = data
    out["text-two-pages.pdf"] = hostile.unknown_layout_pdf()
    out["report-uncompressed.pdf"] = hostile.uncompressed(base)  # mutations reach the parser
    return out


def write_seeds(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seeds().items():
        (folder / name).write_bytes(data)
    print(f"{len(list(folder.iterdir()))} seeds in {folder}")


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[1] == "-seeds":
        write_seeds(Path(argv[2]))
        return
    import atheris

    with atheris.instrument_imports(include=["malrapport"]):
        import malrapport.extract.jobs  # noqa: F401  (instrumented before the first input)
    workdir = Path(tempfile.mkdtemp(prefix="malrapport-fuzz-"))
    atheris.Setup(argv, lambda data: check(data, workdir))
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
