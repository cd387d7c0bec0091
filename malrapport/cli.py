"""The malrapport command: extract, evaluate, repair-text, profiles, inspect, compare, review,
export.

Only this module turns errors into exit codes (0 all done, 1 some files failed,
2 bad usage, 3 all done but some reports have warnings).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from malrapport.extract.errors import ExitCode


DESCRIPTION = """\
Swedish municipal goal follow-up reports (PDF: born-digital, scanned, or with a
poor OCR text layer) to Parquet tables: reports, goals, activities, measures,
warnings, errors and labels, one folder per table in OUTDIR."""

EXAMPLES = """\
examples:
  malrapport extract archive/ -o out/
  malrapport evaluate out/ --gold samples/gold
  malrapport compare out/ -o jamforelse.html
  malrapport review out/ -o review.html
  malrapport export out/ --format xlsx -o malrapport.xlsx

Run `malrapport COMMAND --help` for a command's options. Exit codes: 0 all done,
1 some files failed (the rest are written), 2 bad usage, 3 all done, but some
reports have rows in the warnings table (text not placed, pages that yield nothing)."""


class _Help(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples as written; every option's default shown, unless the
    help says it already or there is none (a flag, an option that is off when not given)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, [], argparse.SUPPRESS):
            return text
        return f"{text} (default: {action.default})"


def _command(sub, name: str, purpose: str, examples: tuple[str, str]) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=purpose, description=purpose, formatter_class=_Help,
                          epilog="examples:\n" + "\n".join(f"  {e}" for e in examples))


def _parser() -> argparse.ArgumentParser:
    from malrapport.extract import options as o

    p = argparse.ArgumentParser(prog="malrapport", description=DESCRIPTION, epilog=EXAMPLES,
                                formatter_class=_Help)
    p.add_argument("--version", action=_LazyVersion)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    ex = _command(sub, "extract", "Extract report PDFs (files or folders) into Parquet tables in OUTDIR.",
                  ("malrapport extract archive/2019 archive/2020 -o out/",
                   "malrapport extract scans/ -o out/ --ocr always --dpi 400 --workers 2"))
    ex.add_argument("paths", nargs="+", metavar="PATH",  # str: "" must not become "."
                    help="PDF files and folders (searched for *.pdf, recursively)")
    ex.add_argument("-o", "--out", required=True, metavar="OUTDIR",  # str, as PATH
                    help="output folder, created if missing; a re-run skips reports already in it")
    ex.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                    help="auto: OCR only the pages without a usable text layer; always: OCR every "
                         "page (a text layer that lost å/ä/ö); never: text layers only")
    ex.add_argument("--dpi", type=int, default=o.DEFAULT_DPI, help="resolution pages are rendered at for OCR")
    ex.add_argument("--lang", default=o.DEFAULT_LANG, help="tesseract language model")
    ex.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="worker processes (default: every core, here %(default)s)")
    ex.add_argument("--password", help="password for encrypted PDFs")
    ex.add_argument("--vocab", type=Path, action="append", default=[], metavar="FILE",
                    help="your own goals and terms for the diacritic repair: a vocabulary file, a list "
                         "of goals one a line, or a PDF (Mål och budget); repeatable")
    ex.add_argument("--quiet", action="store_true", help="no progress bar")
    ex.add_argument("--force", action="store_true",
                    help="extract again the files already in OUTDIR with this extractor version")
    ex.add_argument("--timeout", type=float, default=o.DEFAULT_TIMEOUT, metavar="SECONDS",
                    help="seconds of work per file, summed over its jobs; a file over it fails as timeout")
    ex.add_argument("--max-pixels", type=int, default=o.DEFAULT_MAX_PIXELS,
                    help="refuse page images larger than this many pixels")
    ex.add_argument("--max-pages", type=int, default=o.DEFAULT_MAX_PAGES,
                    help="refuse PDFs with more pages than this")
    ex.add_argument("--executor", choices=["local", "dask"], default="local",
                    help="local: worker processes on this machine; dask: a Dask cluster (--scheduler)")
    ex.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="the Dask scheduler's address")
    ex.add_argument("--corrections", type=Path, metavar="FILE",
                    help="apply these corrections (the decisions file `malrapport review` "
                         "saves) to every report written; a report whose corrections changed "
                         "since it was written is read again")
    _profile_option(ex)

    ev = _command(sub, "evaluate", "Score an output folder against gold annotations "
                  "(precision, recall, F1 per table, accuracy per field, a last line field_f1=…).",
                  ("malrapport evaluate out/ --gold samples/gold",
                   "malrapport evaluate out/ --gold-from-corrections 0d9db23c…16960 -o gold/"))
    ev.add_argument("outdir", type=Path, metavar="OUTDIR", help="a folder written by malrapport extract")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--gold", type=Path, metavar="DIR",
                       help="folder of gold annotations, one <pdf name>.json per report")
    which.add_argument("--gold-from-corrections", metavar="REPORT_ID",
                       help="instead of scoring: write this report of OUTDIR (extracted with "
                            "--corrections after a review) as a gold annotation to -o")
    ev.add_argument("-o", "--out", type=Path, default=None, metavar="FILE.json|DIR",
                    help="with --gold-from-corrections: the gold file to write, or a folder to "
                         "write <pdf name>.json in (the name --gold DIR expects)")
    ev.add_argument("--min-f1", type=float, default=None, metavar="X",
                    help="exit 1 when field_f1 is below X (for regression checks; default: never)")
    ev.add_argument("--diffs", action="store_true",
                    help="also list every field that differs and every missing or extra row")

    _command(sub, "repair-text", "Restore Swedish diacritics in OCR text, stdin to stdout.",
             ("malrapport repair-text < ocr.txt > repaired.txt",
              "pdftotext scan.pdf - | malrapport repair-text"))

    pr = _command(sub, "profiles", "List the layout profiles, one line each, or print one's file.",
                  ("malrapport profiles", "malrapport profiles --show tertial"))
    pr.add_argument("--show", metavar="NAME", help="print this profile's file")
    _profile_option(pr)

    ins = _command(sub, "inspect", "Show a page's lines and blocks as the parser sees them, and the rule that made each.",
                   ("malrapport inspect report.pdf --page 7",
                    "malrapport inspect scan.pdf --page 2 --page 3 --ocr always"))
    ins.add_argument("pdf", type=Path, metavar="PDF", help="the report to look into")
    ins.add_argument("--page", type=int, action="append", default=[], metavar="N",
                     help="1-based page to show, repeatable (default: every page)")
    ins.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                     help="as for extract")
    ins.add_argument("--dpi", type=int, default=o.DEFAULT_DPI, help="as for extract")
    ins.add_argument("--lang", default=o.DEFAULT_LANG, help="tesseract language model")
    ins.add_argument("--password", help="password for encrypted PDFs")
    _profile_option(ins)

    cmp_ = _command(sub, "compare", "Write a cross-year comparison of goals and activity "
                    "statuses as one self-contained HTML page (and OUTDIR/comparison/).",
                    ("malrapport compare out/ -o jamforelse.html",
                     "malrapport compare out/ -o /tmp/ange.html && xdg-open /tmp/ange.html"))
    cmp_.add_argument("outdir", type=Path, metavar="OUTDIR", help="a folder written by malrapport extract")
    cmp_.add_argument("-o", "--out", type=Path, required=True, metavar="FILE.html",
                      help="the page to write (its folder must exist; an existing file is replaced)")

    rev = _command(sub, "review", "Write a self-contained review page: per report its warnings "
                   "and least confident rows beside the crop of their PDF page, to correct or "
                   "confirm; the decisions download as a --corrections file.",
                   ("malrapport review out/ -o review.html",
                    "malrapport review out/ -o review.html --top 25 --pdf-root /archive "
                    "--corrections corrections.json"))
    rev.add_argument("outdir", type=Path, metavar="OUTDIR", help="a folder written by malrapport extract")
    rev.add_argument("-o", "--out", type=Path, required=True, metavar="FILE.html",
                     help="the page to write (its folder must exist; an existing file is replaced)")
    rev.add_argument("--top", type=_count, default=10, metavar="N",
                     help="rows shown per report, least confident first; 0: every row")
    rev.add_argument("--share", type=_share, default=None, metavar="X",
                     help="instead of --top: this share (0-1) of each report's rows, least "
                          "confident first (default: --top decides)")
    rev.add_argument("--pdf-root", type=Path, default=None, metavar="DIR",
                     help="the folder reports.source_file is relative to: where extract was run "
                          "for files it was given, the folder above a folder it was given "
                          "(`extract archive/2024` writes 2024/…: --pdf-root archive); "
                          "default: the current folder")
    rev.add_argument("--corrections", type=Path, default=None, metavar="FILE",
                     help="the decisions taken earlier (a corrections file), shown and kept in "
                          "the page's download")
    rev.add_argument("--serve", action="store_true",
                     help="also serve the page on 127.0.0.1 and write every decision to --save "
                          "directly (until Ctrl-C)")
    rev.add_argument("--port", type=int, default=8765,
                     help="with --serve: the port (0: any free one)")
    rev.add_argument("--save", type=Path, default=Path("corrections.json"), metavar="FILE",
                     help="with --serve: the decisions file the server writes (its decisions "
                          "are loaded into the page when it exists)")

    exp = _command(sub, "export", "Export OUTDIR's tables for Excel, CSV or DuckDB users, "
                   "with the Swedish labels of statuses and assessments joined in.",
                   ("malrapport export out/ --format xlsx -o malrapport.xlsx",
                    "malrapport export out/ --format duckdb -o malrapport.duckdb"))
    exp.add_argument("outdir", type=Path, metavar="OUTDIR", help="a folder written by malrapport extract")
    exp.add_argument("--format", choices=["xlsx", "csv", "duckdb"], required=True,
                     help="xlsx: one workbook, a sheet per table; csv: a folder of UTF-8 CSV files "
                          "(with BOM, for Excel); duckdb: a database with the tables and views")
    exp.add_argument("-o", "--out", type=Path, required=True, metavar="FILE",
                     help="the file to write, replaced only when the export succeeds (csv: a folder, "
                          "new, empty, or an earlier csv export)")
    return p


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:  # nan too
        raise argparse.ArgumentTypeError(f"must be a number above 0, at most 1, not {text}")
    return value


class _LazyVersion(argparse._VersionAction):
    """``--version``, its line made only when asked for: making it asks tesseract for
    its version, which every other command would pay for at start-up."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show the program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        self.version = version_line()
        super().__call__(parser, namespace, values, option_string)


def version_line() -> str:
    """Package, extractor and schema versions: what a report of a run should quote."""
    from importlib.metadata import PackageNotFoundError, version

    from malrapport.extract.pipeline import EXTRACTOR_VERSION
    from malrapport.schemas.tables import SCHEMA_VERSION

    try:
        package = version("malrapport")
    except PackageNotFoundError:
        package = "unknown"
    from malrapport.extract import tesseract
    from malrapport.extract.options import DEFAULT_LANG

    return (f"malrapport {package} (extractor {EXTRACTOR_VERSION}, schema {SCHEMA_VERSION}; "
            f"ocr: {tesseract.engine_line(DEFAULT_LANG)})")


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
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        return int(_COMMANDS[args.command](args))
    except KeyboardInterrupt:
        print("malrapport: interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # a path the system refuses (a name too long, a loop): one line
        import errno

        where = f"{e.filename}: " if e.filename else ""
        print(f"malrapport: {where}{e.strerror or e}", file=sys.stderr)
        path_errors = (errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR, errno.ENOENT, errno.EACCES)
        return ExitCode.USAGE if e.errno in path_errors else ExitCode.SOME_FAILED


def _path_problem(path: Path) -> str | None:
    """Why a PATH argument names nothing to read (a broken link: no such file), or None."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as e:
        return e.strerror or str(e)
    return None


def _extract(args) -> int:
    from malrapport.extract.without_pandas import block_pandas

    block_pandas()  # pyarrow would import it: 50 MB and a second, for nothing
    if args.executor == "local":
        from malrapport.extract.executors import start_forkserver

        start_forkserver()  # its imports run while this process gets ready
    from malrapport.extract.errors import MalrapportError
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.pipeline import run
    from malrapport.extract.profile_load import is_profile_file
    from malrapport.extract.progress import make_progress

    if "" in args.paths:  # Path("") is the current folder: it would be walked
        print('malrapport: extract: an empty PATH ("") names no file or folder', file=sys.stderr)
        return ExitCode.USAGE
    args.paths = [Path(p) for p in args.paths]
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
                           for p in args.profile),
            corrections=args.corrections.resolve() if args.corrections else None)
    except ValueError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return ExitCode.USAGE
    if args.corrections and not _corrections_or_usage(args.corrections):
        return ExitCode.USAGE
    if args.vocab and not _vocabulary_or_usage(args.vocab):
        return ExitCode.USAGE
    missing = [(p, _path_problem(p)) for p in args.paths]
    missing = [(p, why) for p, why in missing if why]
    for p, why in missing:
        print(f"malrapport: {p}: {why}", file=sys.stderr)
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
    if summary.failed or summary.stopped:
        return ExitCode.SOME_FAILED
    return ExitCode.WARNINGS if summary.with_warnings else ExitCode.OK


def _vocabulary_or_usage(files: list[Path]) -> bool:
    """Read the --vocab files once here, so that a missing or unreadable one is a usage
    error before any work (not a parse failure of every file)."""
    from malrapport.normalize.vocabulary import VocabularyError, load_vocabulary

    try:
        load_vocabulary(tuple(files))
    except VocabularyError as e:
        print(f"malrapport: --vocab: {e}", file=sys.stderr)
        return False
    return True


def _corrections_or_usage(path: Path) -> bool:
    """Read the --corrections file once here: a bad one is a usage error before any work."""
    from malrapport.normalize.corrections import CorrectionsError, load_corrections

    try:
        load_corrections(path)
    except CorrectionsError as e:
        print(f"malrapport: --corrections: {e}", file=sys.stderr)
        return False
    return True


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

    from malrapport.evaluate import GoldError, evaluate, format_diffs, format_scores
    from malrapport.schemas.tables import SchemaVersionError

    def usage(message: str) -> int:
        print(f"malrapport: {' '.join(message.split())}", file=sys.stderr)
        return ExitCode.USAGE

    if not args.outdir.is_dir():
        return usage(f"{args.outdir}: no such folder")
    if not any((args.outdir / name).is_dir() for name in ("reports", "errors")):
        return usage(f"{args.outdir}: not a malrapport output folder (no reports/ or errors/ in it)")
    if args.gold_from_corrections is not None:
        return _gold_from_corrections(args, usage)
    if args.out is not None:
        return usage("-o is for --gold-from-corrections (evaluate prints its scores)")
    if not args.gold.is_dir() or not any(args.gold.glob("*.json")):
        return usage(f"{args.gold}: no gold annotations (*.json) there")
    if args.min_f1 is not None and not 0 <= args.min_f1 <= 1:  # nan too: it would always pass
        return usage(f"--min-f1 must be a number from 0 to 1, not {args.min_f1}")
    try:
        scores = evaluate(args.outdir, args.gold)
    except GoldError as e:
        return usage(str(e))
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


def _gold_from_corrections(args, usage) -> int:
    import json

    from malrapport.evaluate import NoSuchReport, gold_file_name, gold_from_report
    from malrapport.schemas.tables import SchemaVersionError

    if args.out is None:
        return usage("--gold-from-corrections needs -o FILE.json or -o DIR")
    try:
        gold, reviewed = gold_from_report(args.outdir, args.gold_from_corrections)
        out = (args.out / gold_file_name(args.outdir, args.gold_from_corrections)
               if args.out.is_dir() else args.out)
    except (NoSuchReport, SchemaVersionError) as e:
        return usage(str(e))
    if not out.parent.is_dir():
        return usage(f"{out}: the folder {out.parent} does not exist")
    out.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    rows = sum(1 + len(g["activities"]) for g in gold["goals"])
    note = ("" if reviewed else "; no row of it was reviewed (extract with --corrections after "
            "`malrapport review`): the gold is the extraction as it is")
    print(f"malrapport: wrote {out}: {len(gold['goals'])} goals, {rows} rows, {reviewed} "
          f"reviewed{note}", file=sys.stderr)
    return ExitCode.OK


REPAIR_TEXT_LIMIT = 256 * 2**20  # bytes of stdin repair-text reads (/dev/zero never ends)


def _repair_text(args) -> int:
    import io

    from malrapport.normalize.repair import repair_stream

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream put in place of stdin (tests)
        repair_stream(sys.stdin, sys.stdout)
        return ExitCode.OK
    data = stream.read(REPAIR_TEXT_LIMIT + 1)
    if len(data) > REPAIR_TEXT_LIMIT:
        print(f"malrapport: repair-text: the input is larger than {REPAIR_TEXT_LIMIT // 2**20} MB; "
              "split it", file=sys.stderr)
        return ExitCode.USAGE
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"malrapport: repair-text: the input is not UTF-8 text (byte {data[e.start]:#04x} "
              f"at offset {e.start:,}); convert it first, e.g. iconv -f latin1 -t utf-8",
              file=sys.stderr)
        return ExitCode.USAGE
    repair_stream(io.StringIO(text, newline=""), sys.stdout)
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


def _review(args) -> int:
    from malrapport.extract.errors import MalrapportError
    from malrapport.review import review

    if not 0 <= args.port < 65536:
        print(f"malrapport: --port must be 0 to 65535, not {args.port}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        views, page = review(args.outdir, args.out, top=args.top, share=args.share,
                             pdf_root=args.pdf_root, corrections=args.corrections,
                             serve=args.save if args.serve else None)
    except MalrapportError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return e.exit_code
    rows = sum(1 for v in views for i in v.items if i.kind != "warning")
    notes = sum(1 for v in views if v.pdf_note)
    print(f"malrapport: wrote {args.out}: {len(views)} reports, {rows} rows to review, "
          f"{sum(v.warnings for v in views)} warnings"
          + (f"; {notes} PDFs not found or changed (see the page)" if notes else ""),
          file=sys.stderr)
    if args.serve:
        from malrapport.review_serve import serve

        try:
            serve(page, args.save, args.port, lambda line: print(line, file=sys.stderr, flush=True))
        except KeyboardInterrupt:
            return ExitCode.OK
        except OSError as e:  # the port is taken
            print(f"malrapport: --port {args.port}: {e.strerror or e}", file=sys.stderr)
            return ExitCode.USAGE
    return ExitCode.OK


def _export(args) -> int:
    from malrapport.export import export
    from malrapport.extract.errors import MalrapportError

    try:
        written = export(args.outdir, args.format, args.out)
    except MalrapportError as e:
        print(f"malrapport: {e}", file=sys.stderr)
        return e.exit_code
    print(f"malrapport: wrote {written}", file=sys.stderr)
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
             "compare": _compare, "profiles": _profiles, "inspect": _inspect,
             "export": _export, "review": _review}

if __name__ == "__main__":
    sys.exit(main())
