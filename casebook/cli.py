"""The `casebook` command: validate, build, serve, new, rules.

Exit codes: 0 clean, 1 problems found (or the build failed), 2 usage error.
No traceback reaches the user, whatever the input.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import shutil
import signal
import sys
from pathlib import Path

from .cache import default_cache_dir
from .corpus import case_paths, read_corpus, vocabulary_paths
from .problems import RULES, UsageError, printable, summary_line

USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook", description="Validate and publish Casebook case studies.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check case and vocabulary files; print every problem")
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="case files, vocabulary files or folders (default: every case and vocabulary file)")
    validate.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    validate.add_argument("--cases", metavar="DIR", help="the folder of entries to check against (default: cases/)")
    validate.add_argument("--format", choices=("auto", "text", "github"), default="auto",
                          help="github: also print each problem as a GitHub Actions annotation; "
                               "auto (default): github when GITHUB_ACTIONS=true, else text")

    build = sub.add_parser("build", help="validate, then build the site strictly")
    build.add_argument("--cases", metavar="DIR", help="build from this folder of case files (default: cases/)")
    build.add_argument("--site-dir", metavar="DIR", help="write the site here (default: site/)")
    build.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    build.add_argument("--verbose", action="store_true", help="show MkDocs's progress messages")

    serve = sub.add_parser("serve", help="serve the site with live reload on edits in cases/")
    serve.add_argument("--cases", metavar="DIR", help="serve this folder of case files (default: cases/)")
    serve.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to serve on (default: 127.0.0.1)")
    serve.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")

    from .scaffold import add_arguments
    add_arguments(sub.add_parser("new", help="write a new case file to fill in"))

    sub.add_parser("rules", help="list the validator's rule codes")

    sources = sub.add_parser("sources", help="every source URL, for a link checker; and its report, on the entries")
    sources.add_argument("--html", metavar="FILE", help="write every source URL (and archived copy) as a link "
                                                        "named by its file and line, for LinkChecker to check")
    sources.add_argument("--report", metavar="CSV", help="read LinkChecker's CSV output and print each dead link "
                                                         "as path:line, with the archived copy if there is one")
    sources.add_argument("--cases", metavar="DIR", help="the folder of entries (default: cases/)")
    sources.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    sources.add_argument("--format", choices=("auto", "text", "github"), default="auto",
                         help="github: also print each dead link as a GitHub Actions annotation")

    schema_cmd = sub.add_parser("schema", help="write the front-matter JSON Schema, for editors")
    schema_cmd.add_argument("--output", metavar="PATH", help="write it to this file (default: standard output)")
    schema_cmd.add_argument("--vocabulary", action="store_true",
                            help="the schema of the vocabulary files instead of the case front matter")
    schema_cmd.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return COMMANDS[args.command](args)
    except UsageError as error:
        print(f"casebook {args.command}: {error}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # output piped into head or less, which stopped reading
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        print("casebook: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the promise: never a traceback
        print(f"casebook {args.command}: internal error: {type(error).__name__}: {error}\n"
              "Please report this with the file that caused it.", file=sys.stderr)
        return 3


# --- configuration ----------------------------------------------------------

def _load_config(config_file: str, **overrides):
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if not Path(config_file).is_file():
        raise UsageError(f"no MkDocs configuration at '{config_file}'; run casebook from the repository's top folder")
    _mkdocs_logging(overrides.pop("verbose", False))
    try:
        config = load_config(config_file, **overrides)
    except (ConfigurationError, Abort) as error:
        raise UsageError(f"{config_file}: {str(error).strip()}") from None
    plugin = config.plugins.get("casebook")
    if plugin is None:
        raise UsageError(f"{config_file} does not enable the 'casebook' plugin")
    plugin.resolve_paths(config)
    return config, plugin


def _mkdocs_logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_casebook", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
        handler._casebook = True
        logger.addHandler(handler)
        logger.propagate = False
    level = logging.INFO if verbose else logging.WARNING
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)  # INFO still counted, not shown
    for h in logger.handlers:
        if getattr(h, "_casebook", False):
            h.setLevel(level)


# --- validate ---------------------------------------------------------------

def _case_folders(config_file: str, cases: str | None = None) -> tuple[Path, Path]:
    """(cases folder, vocabulary folder): cases/ beside the configuration file, as the plugin
    reads it (casebook.corpus.case_folders, the one definition), or the folder given."""
    from .corpus import case_folders
    root = Path(config_file).resolve().parent
    if cases is not None:
        if not Path(cases).is_dir():
            raise UsageError(f"no such folder: {cases}")
        return case_folders(root, str(Path(cases).resolve()))
    return case_folders(root)


def cmd_validate(args) -> int:
    cases_dir, vocabulary_dir = _case_folders(args.config, args.cases)
    only = None
    if args.paths:
        only = []
        for name in args.paths:
            path = Path(name)
            if path.is_dir():
                # the folder resolved once, not each file (2,000 resolves took 0.1 s); a link
                # inside stays a link, for CB029 to report
                folder = path.resolve()
                only += [folder / p.name for p in case_paths(path) + list(path.glob("*.yml"))]
            elif path.is_symlink():
                only.append(path.absolute())
            elif path.exists():
                only.append(path.resolve())
            else:
                raise UsageError(f"no such file or folder: {name}")
    result = read_corpus(cases_dir, vocabulary_dir, only=only, check_only=True, cache_dir=default_cache_dir())
    return report(result.problems, checked=len(only) if only is not None else
                  len(case_paths(cases_dir)) + len(vocabulary_paths(vocabulary_dir)),
                  github=_github_format(args.format))


def _github_format(choice: str = "auto") -> bool:
    if choice == "auto":
        return os.environ.get("GITHUB_ACTIONS") == "true"
    return choice == "github"


def _escape_data(text: str) -> str:
    # As GitHub's actions/toolkit escapes a workflow command's message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem) -> str:
    """The problem as a workflow command: GitHub shows it on the file's line in the pull request."""
    return (f"::error file={_escape_property(printable(problem.path))},line={problem.line},"
            f"title={_escape_property(problem.code)}::{_escape_data(printable(problem.message))}")


def report(problems, checked: int, github: bool = False) -> int:
    for problem in problems:
        print(problem)
        if github:  # the plain line stays for whoever reads the log
            print(github_annotation(problem))
    if problems:
        print(summary_line(problems))
        return 1
    print(f"{checked} file{'s' if checked != 1 else ''} checked, no problems")
    return 0


# --- build ------------------------------------------------------------------

def cmd_build(args) -> int:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    from .corpus import CASES_ENV
    from .render.plugin import MERMAID_ENTRY, mermaid_files, mermaid_missing_message

    if args.cases:
        if not Path(args.cases).is_dir():
            raise UsageError(f"no such folder: {args.cases}")
        os.environ[CASES_ENV] = str(Path(args.cases).resolve())
    site = Path(args.site_dir or "site").resolve()
    staging = site.parent / f".{site.name}.building-{os.getpid()}"
    config, plugin = _load_config(args.config, strict=True, site_dir=str(staging), verbose=args.verbose)
    result = read_corpus(plugin.cases_dir, plugin.vocabulary_dir, cache_dir=default_cache_dir())
    if result.corpus is None:
        report(result.problems, 0)  # plain: in CI the validate step has annotated these already
        print("build stopped: the site was not changed", file=sys.stderr)
        return 1
    if not mermaid_files(plugin.mermaid_dist):
        print(f"casebook build: {mermaid_missing_message(plugin.mermaid_dist / MERMAID_ENTRY)}", file=sys.stderr)
        return 1
    plugin.corpus = result.corpus
    with _signals_interrupt(), _removed_on_failure(staging):
        try:
            build(config)
        except (Abort, MkDocsException) as error:
            print(f"casebook build: {str(error).strip()}\nbuild stopped: the site was not changed", file=sys.stderr)
            return 1
        replace_dir(staging, site)
    print(f"built {len(result.corpus.cases)} cases into {_shown(site)}")
    return 0


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def replace_dir(new: Path, target: Path) -> None:
    """Put new where target is; target is never left half-written."""
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


@contextlib.contextmanager
def _removed_on_failure(path: Path):
    try:
        yield
    finally:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _signals_interrupt():
    """SIGINT and SIGTERM stop the build with cleanup, so that no half-built site is left.

    SIGINT too: a shell starts a background job with SIGINT ignored, and Python then
    never turns it into KeyboardInterrupt; the build must stop on it all the same."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --- serve ------------------------------------------------------------------

def cmd_serve(args) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    from .corpus import CASES_ENV

    if args.cases:
        if not Path(args.cases).is_dir():
            raise UsageError(f"no such folder: {args.cases}")
        os.environ[CASES_ENV] = str(Path(args.cases).resolve())
    check_port_free(args.host, args.port)   # before the build: a taken port is found at once
    _load_config(args.config, verbose=True)  # checks the configuration before serving
    try:
        # Dirty rebuilds: the plugin rebuilds only the pages whose content changed. Not strict: the
        # preview must never stop on a warning (casebook build is strict).
        serve(config_file=args.config, livereload=True, dev_addr=f"{args.host}:{args.port}", build_type="dirty",
              strict=False)
    except MkDocsException as error:
        print(f"casebook serve: {str(error).strip()}", file=sys.stderr)
        return 1
    except OSError as error:   # the port was taken between the check and the server's start
        raise UsageError(port_message(args.host, args.port, error)) from None
    return 0


def port_message(host: str, port: int, error: OSError) -> str:
    if error.errno in (errno.EADDRINUSE, errno.EACCES):
        what = "is in use by another program" if error.errno == errno.EADDRINUSE else "may not be used"
        return (f"port {port} on {host} {what}, so the preview cannot start there; stop that program, "
                f"or serve on another port: make serve PORT={port + 1} (or casebook serve --port {port + 1})")
    return f"cannot serve on {host}:{port}: {error.strerror or error}"


def check_port_free(host: str, port: int) -> None:
    """UsageError (exit 2) naming the fix if the preview's address cannot be listened on."""
    import socket
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server will: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(port_message(host, port, error)) from None


def cmd_rules(args) -> int:
    for code, meaning in RULES.items():
        print(f"{code}  {meaning}")
    return 0


def source_links(cases_dir: Path, vocabulary_dir: Path) -> list[tuple[str, int, str, str, str]]:
    """(file, line, URL, which: 'source' or 'archive', the source's other URL) for every source of every entry."""
    from .corpus import case_paths
    from .load import load_document
    from .problems import display_paths
    found = []
    paths = case_paths(cases_dir)
    for path, shown in zip(paths, display_paths(paths)):
        doc = load_document(path, shown)
        sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
        for index, source in enumerate(sources if isinstance(sources, list) else []):
            if not isinstance(source, dict):
                continue
            url, archive = source.get("url"), source.get("archive")
            if isinstance(url, str):
                found.append((shown, doc.line_of(("sources", index, "url")), url, "source",
                              archive if isinstance(archive, str) else ""))
            if isinstance(archive, str):
                found.append((shown, doc.line_of(("sources", index, "archive")), archive, "archive", url or ""))
    return found


def cmd_sources(args) -> int:
    """Two halves of the scheduled link check (.github/workflows/links.yml), around LinkChecker."""
    import csv
    import html

    cases_dir, vocabulary_dir = _case_folders(args.config, args.cases)
    links = source_links(cases_dir, vocabulary_dir)
    if args.html:
        rows = "\n".join(f'<li><a href="{html.escape(url)}">{html.escape(f"{path}:{line}")}</a></li>'
                         for path, line, url, _, _ in links)
        Path(args.html).write_text(f"<!doctype html><title>Casebook sources</title><ul>\n{rows}\n</ul>\n",
                                   encoding="utf-8")
        print(f"wrote {len(links)} source links to {args.html}")
    if not args.report:
        return 0
    places: dict[str, list] = {}   # LinkChecker checks each URL once: a dead one is reported wherever it is
    for link in links:
        places.setdefault(link[2], []).append(link)
    try:
        text = Path(args.report).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {args.report}: {error.strerror or error}") from None
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter=";")
    dead, checked = [], set()
    for row in rows:
        url = (row.get("urlname") or "").strip()
        if url not in places or url in checked:
            continue
        checked.add(url)
        if row.get("valid", "").strip().lower() in ("true", "1", "yes"):
            continue
        result = (row.get("result") or "").strip() or "no answer"
        for path, line, _, which, other in places[url]:
            fallback = (f"; readers get the archived copy, {other}" if which == "source" and other else
                        "; add an archived copy (archive:) so readers are not left with a dead end" if which == "source"
                        else f"; the original is {other}")
            dead.append((path, line, f"dead {which} link {url} ({result}){fallback}"))
    dead.sort()
    github = _github_format(args.format)
    for path, line, message in dead:
        print(printable(f"{path}:{line}: {message}"))
        if github:
            print(f"::warning file={_escape_property(printable(path))},line={line},"
                  f"title=dead link::{_escape_data(printable(message))}")
    print(f"{len(dead)} dead link{'s' if len(dead) != 1 else ''} among {len(checked)} URLs checked")
    return 1 if dead else 0


def cmd_new(args) -> int:
    from .scaffold import write_case
    return write_case(args, *_case_folders(args.config))


def cmd_schema(args) -> int:
    import json

    from .scaffold import editor_schema
    _, vocabulary_dir = _case_folders(args.config)
    text = json.dumps(editor_schema(vocabulary_dir, vocabulary_file=args.vocabulary),
                      indent=2, ensure_ascii=False) + "\n"
    if not args.output:
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(f".{output.name}.{os.getpid()}")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)  # an editor never reads a half-written schema
    except OSError as error:
        with contextlib.suppress(OSError, UnboundLocalError):
            temporary.unlink()
        raise UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"wrote {_shown(output.resolve())}")
    return 0


COMMANDS = {"validate": cmd_validate, "build": cmd_build, "serve": cmd_serve, "rules": cmd_rules, "new": cmd_new,
            "schema": cmd_schema, "sources": cmd_sources}

if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy (one set of module globals).
    from casebook.cli import main as imported_main
    sys.exit(imported_main())
