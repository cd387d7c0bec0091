"""The ``malrapport`` command: extract, evaluate, repair-text, compare.

Only this module turns errors into exit codes (0 all done, 1 some files failed,
2 bad usage).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from malrapport.extract.errors import ExitCode


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="malrapport", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="report PDFs (files or folders) to Parquet tables")
    ex.add_argument("paths", nargs="+", type=Path)
    ex.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    ex.add_argument("--ocr", choices=["auto", "always", "never"], default="auto")
    ex.add_argument("--dpi", type=int, default=300)
    ex.add_argument("--lang", default="swe", help="tesseract language (default swe)")
    ex.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ex.add_argument("--password", help="password for encrypted PDFs")
    ex.add_argument("--vocab", type=Path, action="append", default=[],
                    help="extra vocabulary file (goal titles, terms), repeatable")
    ex.add_argument("--quiet", action="store_true", help="no progress bar")
    ex.add_argument("--force", action="store_true",
                    help="re-extract files already in OUTDIR with this extractor version")
    ex.add_argument("--timeout", type=float, default=1800.0, help="seconds of work per file, summed over its jobs (default 1800)")
    ex.add_argument("--max-pixels", type=int, default=200_000_000,
                    help="refuse page images larger than this many pixels")
    ex.add_argument("--max-pages", type=int, default=1000,
                    help="refuse PDFs with more pages than this (default 1000)")
    ex.add_argument("--executor", choices=["local", "dask"], default="local")
    ex.add_argument("--scheduler", help="dask scheduler address, tcp://HOST:PORT")
    _profile_option(ex)

    ev = sub.add_parser("evaluate", help="score an output folder against gold annotations")
    ev.add_argument("outdir", type=Path)
    ev.add_argument("--gold", type=Path, required=True)
    ev.add_argument("--min-f1", type=float, default=None)
    ev.add_argument("--diffs", action="store_true", help="also list every field that differs")

    sub.add_parser("repair-text", help="restore Swedish diacritics in OCR text (stdin → stdout)")

    pr = sub.add_parser("profiles", help="the layout profiles, one line each")
    pr.add_argument("--show", metavar="NAME", help="print one profile's file")
    _profile_option(pr)

    ins = sub.add_parser("inspect", help="a page's lines and blocks as the parser sees them")
    ins.add_argument("pdf", type=Path)
    ins.add_argument("--page", type=int, action="append", default=[],
                     help="1-based page to show, repeatable (default: every page)")
    ins.add_argument("--ocr", choices=["auto", "always", "never"], default="auto")
    ins.add_argument("--dpi", type=int, default=300)
    ins.add_argument("--lang", default="swe")
    ins.add_argument("--password")
    _profile_option(ins)

    cmp_ = sub.add_parser("compare", help="cross-year comparison for humans")
    cmp_.add_argument("outdir", type=Path)
    cmp_.add_argument("-o", "--out", type=Path, required=True)
    return p


def _profile_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", action="append", default=[], metavar="NAME|FILE",
                   help="read with this layout profile only: a built-in name (see "
                        "`malrapport profiles`), `all`, or a profile file (.toml); repeatable; "
                        "default: every built-in profile, the best fit per file")


def _profiles_or_usage(specs: list[str]):
    """The profiles asked for, or None after printing why they cannot be used."""
    from malrapport.extract.profile import ProfileError
    from malrapport.extract.profile_load import resolve_profiles

    try:
        return resolve_profiles(tuple(specs))
    except ProfileError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args))
    except KeyboardInterrupt:
        print("malrapport: interrupted", file=sys.stderr)
        return 130


def _extract(args) -> int:
    from malrapport.extract.errors import MalrapportError
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.pipeline import run
    from malrapport.extract.profile_load import is_profile_file
    from malrapport.extract.progress import make_progress

    if _profiles_or_usage(args.profile) is None:
        return ExitCode.USAGE
    try:
        options = ExtractOptions(
            ocr=args.ocr, dpi=args.dpi, workers=args.workers,
            password=args.password, vocab_files=tuple(args.vocab), force=args.force,
            quiet=args.quiet, timeout=args.timeout, max_pixels=args.max_pixels,
            max_pages=args.max_pages, executor=args.executor, scheduler=args.scheduler,
            lang=_ocr_language(args.lang) if args.ocr != "never" else args.lang,
            profiles=tuple(str(Path(p).resolve()) if is_profile_file(p) else p
                           for p in args.profile))
    except ValueError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return ExitCode.USAGE
    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        print(f"malrapport: {p}: no such file or folder", file=sys.stderr)
    if missing:
        return ExitCode.USAGE
    if options.executor == "dask" and not options.scheduler:
        print("malrapport: --executor dask needs --scheduler tcp://HOST:PORT", file=sys.stderr)
        return ExitCode.USAGE

    progress = make_progress(show_bar=not options.quiet and sys.stderr.isatty())
    try:
        with _sigterm_as_interrupt():
            summary = run(list(args.paths), args.out, options,
                          on_event=_failure_printer(progress), progress=progress)
    except MalrapportError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return e.exit_code
    print(summary.line(), file=sys.stderr)
    if summary.interrupted:
        print("malrapport: interrupted; run the same command again to go on", file=sys.stderr)
        return 130
    return ExitCode.SOME_FAILED if summary.failed else ExitCode.OK


def _ocr_language(lang: str) -> str:
    """The tesseract model to use, resolved once here so a missing Swedish model is
    reported once (not once per worker) and the workers get the fallback directly."""
    from malrapport.extract.tesseract import TesseractError, resolve_language

    try:
        return resolve_language(lang)
    except TesseractError:
        return lang  # no tesseract: the files that need OCR say so one by one


def _failure_printer(progress):
    def on_event(event):
        if event.kind == "failed":
            progress.message(f"malrapport: {event.source_file}: {event.error}: {event.message}")
    return on_event


class _sigterm_as_interrupt:
    """SIGTERM stops a batch the way Ctrl-C does: workers stopped, the summary printed."""

    def __enter__(self):
        import signal
        import threading

        self._old = None
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        import signal

        if self._old is not None:
            signal.signal(signal.SIGTERM, self._old)


def _evaluate(args) -> int:
    import pyarrow as pa

    from malrapport.evaluate import evaluate, format_diffs, format_scores
    from malrapport.schemas.tables import SchemaVersionError

    def usage(message: str) -> int:
        print(f"malrapport: {' '.join(message.split())}", file=sys.stderr)
        return ExitCode.USAGE

    if not args.outdir.is_dir():
        return usage(f"{args.outdir}: no such folder")
    if not any((args.outdir / name).is_dir() for name in ("reports", "errors")):
        return usage(f"{args.outdir}: not a malrapport output folder (no reports/ or errors/ in it)")
    if not args.gold.is_dir() or not any(args.gold.glob("*.json")):
        return usage(f"{args.gold}: no gold annotations (*.json) there")
    try:
        scores = evaluate(args.outdir, args.gold)
    except SchemaVersionError as e:
        return usage(f"{e}; extract again into a new folder with this malrapport")
    except (pa.ArrowException, OSError) as e:
        return usage(f"{args.outdir}: not a malrapport output, a table cannot be read: {e}")
    if args.diffs:
        print(format_diffs(scores))
    print(format_scores(scores))
    if args.min_f1 is not None and scores.field_f1 < args.min_f1:
        print(f"malrapport: field_f1 {scores.field_f1:.4f} is below --min-f1 {args.min_f1}",
              file=sys.stderr)
        return ExitCode.SOME_FAILED
    return ExitCode.OK


def _repair_text(args) -> int:
    from malrapport.normalize.repair import repair_stream

    repair_stream(sys.stdin, sys.stdout)
    return ExitCode.OK


def _compare(args) -> int:
    from malrapport.compare import compare
    from malrapport.extract.errors import MalrapportError

    try:
        compare(args.outdir, args.out)
    except MalrapportError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return e.exit_code
    return ExitCode.OK


def _profiles(args) -> int:
    profiles = _profiles_or_usage(args.profile)
    if profiles is None:
        return ExitCode.USAGE
    if args.show:
        match = [p for p in profiles if p.name == args.show or p.source == args.show]
        if not match:
            print(f"malrapport: no profile named {args.show!r} "
                  f"(there are: {', '.join(p.name for p in profiles)})", file=sys.stderr)
            return ExitCode.USAGE
        print(f"# {match[0].source}")
        print(Path(match[0].source).read_text(encoding="utf-8"), end="")
        return ExitCode.OK
    for p in profiles:
        print(p.line())
    return ExitCode.OK


def _inspect(args) -> int:
    from malrapport.extract.errors import MalrapportError
    from malrapport.extract.options import ExtractOptions
    from malrapport.inspect import inspect

    if _profiles_or_usage(args.profile) is None:
        return ExitCode.USAGE
    if not args.pdf.is_file():
        print(f"malrapport: {args.pdf}: no such file", file=sys.stderr)
        return ExitCode.USAGE
    try:
        options = ExtractOptions(ocr=args.ocr, dpi=args.dpi, password=args.password,
                                 lang=_ocr_language(args.lang) if args.ocr != "never" else args.lang,
                                 profiles=tuple(args.profile))
        print(inspect(args.pdf, args.page, options))
    except ValueError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return ExitCode.USAGE
    except MalrapportError as e:
        print(f"malrapport: {args.pdf}: {e.kind}: {e}", file=sys.stderr)
        return ExitCode.SOME_FAILED
    return ExitCode.OK


_COMMANDS = {"extract": _extract, "evaluate": _evaluate, "repair-text": _repair_text,
             "compare": _compare, "profiles": _profiles, "inspect": _inspect}

if __name__ == "__main__":
    sys.exit(main())
