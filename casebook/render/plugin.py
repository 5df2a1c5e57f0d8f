"""The MkDocs plugin: reads the cases once and hands MkDocs the generated pages in memory.

Nothing is written into docs/, so `mkdocs serve` never loops on its own output
and generated pages are never committed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..cache import default_cache_dir
from ..corpus import case_folders, read_corpus, read_vocabularies
from ..generate import GeneratedPage, SiteInfo, generate_site, render_home
from ..generate.markup import page as _page
from ..generate.opendata import DATA_PAGE, open_data
from ..history import case_dates, repository_path
from ..model import Corpus
from ..problems import summary_line

log = logging.getLogger("mkdocs.plugins.casebook")
ASSETS = Path(__file__).parent / "assets"
THEME = Path(__file__).parent / "theme"
ASSET_URI = "assets/casebook"
HOME_MARKER = "<!-- casebook:home -->"
SEARCH_SCRIPT = ASSETS / "search.js"
# Material's own search worker, whose URL its bundle asks for: Casebook's worker is served there.
MATERIAL_WORKER = re.compile(r"^assets/javascripts/workers/search\.[0-9a-f]+\.min\.js$")
# What Pagefind indexes: the article's prose, without permalink signs, diagram sources, and the
# parts marked data-pagefind-ignore (the facts, tables and lists of entries: each entry is
# found on its own page, for what its own text says).
PAGEFIND_ARGS = ["--root-selector", "article.md-content__inner", "--exclude-selectors", ".headerlink",
                 "--exclude-selectors", ".casebook-diagram"]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory (keyed by Jinja with each template's source checksum)."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.stored:
            bucket.bytecode_from_string(self.stored[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.stored[bucket.key] = bucket.bytecode_to_string()


PREVIEW_BYTECODE = MemoryBytecodeCache()


class DirtyBuildNotice(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be inaccurate. Casebook's navigation
    is fixed (mkdocs.yml), and the plugin rebuilds every page whose content changed: the notice
    says nothing true about the preview, and would repeat on each save."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build is being performed" not in record.getMessage()


class CasebookConfig(Config):
    # Mermaid's ES-module build: its entry and the chunks it imports per diagram type.
    mermaid_dist = c.Type(str, default="node_modules/mermaid/dist")
    # Where the repository is browsed (https://github.com/org/repo): case pages then link to their
    # source file for editing and to the correction form. Empty: no such links.
    repo_url = c.Type(str, default="")
    repo_branch = c.Type(str, default="main")
    # Read each case's added / last-changed dates from git (one `git log` for the folder).
    git_dates = c.Type(bool, default=True)


MERMAID_ENTRY = "mermaid.esm.min.mjs"
MERMAID_CHUNKS = "chunks/mermaid.esm.min"
# The site's scripts, each an ES module: pages.js (run on every page) is imported by the others.
SCRIPTS = ("tables.js", "diagrams.js", "explore.js", "search-count.js")


def mermaid_files(dist: Path) -> list[tuple[str, Path]]:
    """(path under assets/casebook/mermaid/, file) for Mermaid's entry module and its chunks
    (not their source maps): the browser fetches only those a page's diagrams need."""
    entry = dist / MERMAID_ENTRY
    if not entry.is_file():
        return []
    chunks = sorted(p for p in (dist / MERMAID_CHUNKS).glob("*.mjs"))
    return [(MERMAID_ENTRY, entry)] + [(f"{MERMAID_CHUNKS}/{p.name}", p) for p in chunks]


def mermaid_missing_message(path: Path) -> str:
    return f"Mermaid is not installed ({path} is missing): run 'make setup', which runs 'npm ci'"


class CasebookPlugin(BasePlugin[CasebookConfig]):
    # `casebook build` reads and validates the cases first and hands them over
    # here, so that no file is parsed twice.
    corpus: Corpus | None = None
    serving = False
    dirty = False   # MkDocs' dirty builds: the preview's rebuilds
    # The preview's last good corpus, per folder of entries: MkDocs makes a new plugin for each
    # rebuild, and a rebuild with an invalid entry serves this one, with the problems shown.
    last_good: dict[Path, Corpus] = {}
    # For the preview's dirty rebuilds: what each page of a site folder was last built from
    # (site folder -> page -> digest). A page whose digest is unchanged is not built again.
    built: dict[str, dict[str, str]] = {}
    # What the preview keeps across rebuilds, by a fingerprint of what each is made from: entry
    # pages, the explore and browse pages, the records of cases.json.
    memo: dict = {}

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.dirty = dirty
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(DirtyBuildNotice())

    def resolve_paths(self, config) -> None:
        """Where the cases, the vocabularies and Mermaid are; relative paths start at mkdocs.yml."""
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.cases_dir, self.vocabulary_dir = case_folders(root)
        self.mermaid_dist = (root / self.config.mermaid_dist).resolve()

    def on_config(self, config):
        self.resolve_paths(config)
        # Template blocks of Casebook's own (casebook/render/theme/), over Material's.
        config.theme.dirs.insert(0, str(THEME))
        config.extra_css.append(f"{ASSET_URI}/casebook.css")
        for name in SCRIPTS:
            script = ExtraScriptValue(f"{ASSET_URI}/{name}")
            script.type = "module"
            config.extra_javascript.append(script)
        return config

    def on_files(self, files: Files, config) -> Files:
        corpus = self.corpus
        self.problems: list[str] = []
        if corpus is None:
            corpus = self.read(config)
        self._corpus = corpus
        site = self.site_info()
        if self.serving and len(type(self).memo) > 4 * max(len(corpus.cases), 100):
            type(self).memo.clear()   # pages of older versions pile up in a long session
        self.generated: dict[str, GeneratedPage] = generate_site(corpus, site, type(self).memo if self.serving else None)
        self.home = render_home(corpus)
        for path, generated in self.generated.items():
            files.append(File.generated(config, path, content=generated.markdown))
        files.append(File.generated(config, "data/index.md", content=DATA_PAGE))
        for path, content in open_data(corpus, site, config.site_url or "/", type(self).memo if self.serving else None).items():
            files.append(File.generated(config, path, content=content))
        for asset in sorted(ASSETS.iterdir()):
            if asset != SEARCH_SCRIPT:
                files.append(File.generated(config, f"{ASSET_URI}/{asset.name}", abs_src_path=str(asset)))
        pages = sorted({f.dest_uri for f in files if f.dest_uri.endswith(".html")} | {"404.html"})
        self.bundles = search_bundles(pages)
        self.search_worker = serve_search_worker(files, config, [bundle_dir(i) for i in range(1, len(self.bundles))])
        mermaid = mermaid_files(self.mermaid_dist)
        if not mermaid:
            raise PluginError(mermaid_missing_message(self.mermaid_dist / MERMAID_ENTRY))
        for name, path in mermaid:
            files.append(File.generated(config, f"{ASSET_URI}/mermaid/{name}", abs_src_path=str(path)))
        if self.dirty:
            self.mark_unchanged_pages(files, config)
        return files

    def mark_unchanged_pages(self, files: Files, config) -> None:
        """In a dirty rebuild (the preview), a page is built again only if what it is built from
        changed: its Markdown and fragments, or the problems every page shows. MkDocs would build
        every generated page (they have no file to compare dates with) and skip the home page,
        whose file does not change when the entries do."""
        salt = "\n".join(self.problems).encode()
        previous = type(self).built.get(config.site_dir, {})
        self.pending: dict[str, str] = {}
        for file in files.documentation_pages():
            digest = hashlib.sha256(salt)
            generated = self.generated.get(file.src_uri)
            if generated is not None:
                digest.update(generated.markdown.encode())
                for fragment in generated.fragments:
                    digest.update(fragment.encode())
            else:
                digest.update(Path(file.abs_src_path).read_bytes() if file.abs_src_path else file.content_bytes)
                if file.src_uri == "index.md":
                    digest.update(str(self.home).encode())
            self.pending[file.src_uri] = digest.hexdigest()
            unchanged = previous.get(file.src_uri) == self.pending[file.src_uri] and os.path.exists(file.abs_dest_path)
            file.is_modified = (lambda changed: lambda: changed)(not unchanged)

    def read(self, config) -> Corpus:
        """The entries, validated. A build stops on a problem; the preview (serve) keeps serving
        the last good entries and shows every problem at the top of every page until it is fixed,
        so that a reload never waits for a build that cannot succeed."""
        result = read_corpus(self.cases_dir, self.vocabulary_dir, cache_dir=default_cache_dir(), in_memory=self.serving)
        if result.corpus is not None:
            type(self).last_good[self.cases_dir] = result.corpus
            return result.corpus
        lines = "\n".join(str(p) for p in result.problems)
        if not self.serving:
            raise PluginError(f"the cases do not validate:\n{lines}\n{summary_line(result.problems)}")
        self.problems = [str(p) for p in result.problems]
        # INFO, not WARNING: strict mode would count a warning and fail the rebuild, which is what
        # left the preview waiting on every request until the file was fixed.
        log.info(f"the entries do not validate; the preview shows the last good version:\n{lines}\n"
                 f"{summary_line(result.problems)}")
        good = type(self).last_good.get(self.cases_dir)
        if good is not None:
            return good
        vocabularies, _ = read_vocabularies(self.vocabulary_dir)
        return Corpus(cases=[], patterns=vocabularies["patterns"], domains=vocabularies["domains"],
                      technologies=vocabularies["technologies"])

    def site_info(self) -> SiteInfo:
        folder = repository_path(self.cases_dir)  # None outside a git work tree: no dates
        dates = case_dates(self.cases_dir, folder) if self.config.git_dates and folder else {}
        return SiteInfo(repo_url=self.config.repo_url.rstrip("/"), branch=self.config.repo_branch,
                        cases_path=folder or self.cases_dir.name, dates=dates)

    def on_env(self, env, config, files):
        if self.serving:
            # MkDocs makes a new template environment for each rebuild, which compiled Material's
            # templates again every time (about 0.4 s): keep their bytecode for the whole preview.
            env.bytecode_cache = PREVIEW_BYTECODE
        env.globals["casebook_search_worker"] = self.search_worker
        env.globals["casebook_problems"] = self.problems
        return env

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        # Material's search plugin then skips the page: Pagefind indexes the site instead.
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if page.file.src_uri == "index.md" and HOME_MARKER in markdown:
            before, after = markdown.split(HOME_MARKER, 1)
            self.generated["index.md"] = home = _page(before, self.home, after)
            return home.markdown
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        """Put each generated page's HTML fragments where its markers are."""
        generated = self.generated.get(page.file.src_uri)
        return generated.insert(html) if generated is not None else html

    def on_post_build(self, config) -> None:
        if self.dirty:
            type(self).built[config.site_dir] = self.pending
        if self.serving:
            # The preview reloads the page now; the search index follows a moment later.
            index_in_background(Path(config.site_dir), self.bundles)
        else:
            index_site(Path(config.site_dir), self.bundles)

    def on_serve(self, server, config, builder):
        # MkDocs polls for changes every 0.5 s; the entries are polled more often, so that a save
        # shows sooner (a poll of 2,000 files stats them all: about 10 ms).
        observer = getattr(server, "observer", None)
        previous = getattr(observer, "_timeout", None)
        if previous is not None:
            observer._timeout = ENTRIES_POLL_SECONDS
        server.watch(str(self.cases_dir))
        server.watch(str(self.vocabulary_dir))
        if previous is not None:
            observer._timeout = previous
        return server


def serve_search_worker(files: Files, config, more_bundles: list[str]) -> str:
    """Serve Casebook's search worker (assets/search.js) at the URL of Material's own, which
    Material's search box starts: Material's search box and result list stay as they are,
    answered from the Pagefind index. Returns that URL."""
    found = [f for f in files if MATERIAL_WORKER.match(f.src_uri)]
    if len(found) != 1:
        raise PluginError("Material's search worker is not where casebook expects it (assets/javascripts/workers/"
                          "search.*.min.js; did mkdocs-material change?); search would not work")
    files.remove(found[0])
    bundles = json.dumps(more_bundles)   # the bundles to merge into the first (a large site's index)
    script = f"self.casebookMoreBundles = {bundles};\n" + SEARCH_SCRIPT.read_text(encoding="utf-8")
    files.append(File.generated(config, found[0].src_uri, content=script))
    return found[0].url


# The preview polls the entries' folder this often (MkDocs' own poll is 0.5 s).
ENTRIES_POLL_SECONDS = 0.1
# The preview's search indexing runs at this niceness (casebook build's at the usual priority).
BACKGROUND_NICENESS = 10
# Pagefind holds the whole index in memory while it writes it: 1.24 GB for the 2,467 pages of 2,000
# real-sized entries, 0.65 GB for half of them. A large site is indexed in bundles of at most this
# many pages, one run after another, which the search worker merges (search.js, mergeIndex).
BUNDLE_PAGES_ENV = "CASEBOOK_SEARCH_BUNDLE_PAGES"
BUNDLE_PAGES = 1000


def search_bundles(pages: list[str]) -> list[list[str]]:
    """The site's pages (paths of their HTML files), in the bundles they are indexed in."""
    size = int(os.environ.get(BUNDLE_PAGES_ENV) or BUNDLE_PAGES)
    ordered = sorted(pages)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)] or [[]]


def bundle_dir(index: int) -> str:
    return "pagefind" if index == 0 else f"pagefind-{index + 1}"


def index_site(site_dir: Path, bundles: list[list[str]] | None = None, background: bool = False) -> None:
    """Write the Pagefind search index into site_dir/pagefind/ (and pagefind-2/, ... for a large site)."""
    try:
        from pagefind_bin import get_executable
        pagefind = get_executable()
    except (ImportError, FileNotFoundError):
        raise PluginError("Pagefind is not installed (the pagefind_bin package): run 'make setup'") from None
    # Each bundle is written to a new folder, then put in the old one's place: Pagefind does not
    # clear its output, so a rebuild of the preview would keep the fragments of pages gone.
    bundles = bundles or [None]
    for index, pages in enumerate(bundles):
        final = site_dir / bundle_dir(index)
        fresh = site_dir.parent / f".{site_dir.name}.{bundle_dir(index)}-{os.getpid()}"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            if pages is None or len(bundles) == 1:
                _pagefind(pagefind, ["--site", str(site_dir), "--output-path", str(fresh)], background)
            else:
                # The bundle's pages, linked (not copied) into a folder of their own at their own paths.
                with tempfile.TemporaryDirectory(prefix="casebook-index-", dir=site_dir.parent) as tmp:
                    for page in pages:
                        target = Path(tmp) / page
                        target.parent.mkdir(parents=True, exist_ok=True)
                        os.link(site_dir / page, target)
                    _pagefind(pagefind, ["--site", tmp, "--output-path", str(fresh)], background)
            shutil.rmtree(final, ignore_errors=True)
            fresh.rename(final)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    for stale in site_dir.glob("pagefind-*"):   # bundles of a larger site than this one
        if stale.is_dir() and int(stale.name.split("-")[1] or 0) > len(bundles):
            shutil.rmtree(stale, ignore_errors=True)


_indexing = threading.Lock()
_waiting: list[tuple] = []
_threads: list[threading.Thread] = []


def finish_indexing() -> None:
    """Wait for the preview's search indexing to end (tests compare sites)."""
    while _threads:
        _threads.pop().join()


def index_in_background(site_dir: Path, bundles) -> None:
    """Index the preview's site in a thread of its own, one run at a time; the latest request wins."""
    _waiting[:] = [(site_dir, bundles)]

    def run():
        with _indexing:
            if not _waiting:
                return
            folder, parts = _waiting.pop()
            try:
                index_site(folder, parts, background=True)
            except PluginError as error:
                log.info(f"search index not updated: {error}")
    thread = threading.Thread(target=run, daemon=True, name="casebook-search-index")
    _threads.append(thread)
    thread.start()


def _pagefind(pagefind, where: list[str], background: bool = False) -> None:
    command = [str(pagefind), *where, "--quiet", *PAGEFIND_ARGS]
    nice = shutil.which("nice") if background else None
    if nice:
        # The preview's index yields the processor (all of Pagefind's threads) to the next
        # rebuild: a save made while the last one is still being indexed is not slowed by it.
        command = [nice, "-n", str(BACKGROUND_NICENESS), *command]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise PluginError(f"Pagefind could not index the site:\n{(result.stderr or result.stdout).strip()}")
