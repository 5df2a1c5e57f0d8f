"""The MkDocs plugin: reads the cases once and hands MkDocs the generated pages in memory.

Nothing is written into docs/, so `mkdocs serve` never loops on its own output
and generated pages are never committed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .corpus import case_folders, read_corpus
from .model import Corpus
from .history import case_dates, repository_path
from .opendata import DATA_PAGE, open_data
from .pages import SiteInfo, generate_pages, render_home_stats
from .problems import summary_line

ASSETS = Path(__file__).parent / "assets"
ASSET_URI = "assets/casebook"
HOME_MARKER = "<!-- casebook:home -->"
# Search: Material's search box and result list, answered by casebook/assets/search.js from a
# Pagefind index instead of Material's worker, which must download and index everything first.
MATERIAL_WORKER = re.compile(r'("search": ")([^"]*)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')
SEARCH_WORKER = f"{ASSET_URI}/search.js"
# ... and started as the page begins to load, not when Material's bundle asks for it after the
# page has been parsed: Pagefind's script, WebAssembly and metadata are then in before the load
# event, and a first query waits only for its own chunk. Material creates its worker itself, so
# this script starts one and hands it over when Material asks for that URL; the handed-over
# worker is announced ready at once (Material sends no query before it hears READY, and the
# worker accepts queries from its first moment). A blob: worker, which imports search.js,
# starts at once; a worker from its script's URL started only when the page's main thread was
# free, 150-260 ms later (measured in headless Chromium on this project's site).
EARLY_SEARCH = (
    '<script>(function(){if(window.casebookSearch!==undefined||!window.Worker||!window.Blob)return;'
    'var url=new URL(%s,location.href).href,Native=window.Worker,early=null;'
    'try{early=new Native(URL.createObjectURL(new Blob(["self.casebookSearchURL="+JSON.stringify(url)'
    '+";importScripts(self.casebookSearchURL);"],{type:"text/javascript"})))}catch(error){}'
    'window.casebookSearch=early;if(!early)return;'
    'window.Worker=function(address,options){'
    'if(early&&new URL(address,location.href).href===url){var worker=early;early=null;'
    'setTimeout(function(){worker.dispatchEvent(new MessageEvent("message",{data:{type:1}}))});'
    'return worker}return new Native(address,options)};'
    'window.Worker.prototype=Native.prototype})()</script>'
)
HEAD_START = re.compile(r'<meta charset="utf-8">')
# What Pagefind indexes: the article, without permalink signs, diagram sources and the sortable
# lists of cases (each case is found on its own page; indexing the lists took 3x as long).
PAGEFIND_ARGS = ["--root-selector", "article.md-content__inner", "--exclude-selectors", ".headerlink",
                 "--exclude-selectors", ".casebook-diagram", "--exclude-selectors", ".cb-sortable"]
# A case's facts (company, technologies, patterns, domains) weigh most, above a page title (7):
# searching a company, technology or pattern finds the cases that have it before its list page.
CASE_FACTS = ('<div class="cb-facts">', '<div class="cb-facts" data-pagefind-weight="10">')


class CasebookConfig(Config):
    cases_dir = c.Type(str, default="cases")
    vocabulary_dir = c.Optional(c.Type(str))
    mermaid_js = c.Type(str, default="node_modules/mermaid/dist/mermaid.min.js")
    # Where the repository is browsed (https://github.com/org/repo): case pages then link to their
    # source file for editing and to the correction form. Empty: no such links.
    repo_url = c.Type(str, default="")
    repo_branch = c.Type(str, default="main")
    # Read each case's added / last-changed dates from git (one `git log` for the folder).
    git_dates = c.Type(bool, default=True)


def mermaid_missing_message(path: Path) -> str:
    return f"Mermaid is not installed ({path} is missing): run 'make setup', which runs 'npm ci'"


class CasebookPlugin(BasePlugin[CasebookConfig]):
    # `casebook build` reads and validates the cases first and hands them over
    # here, so that no file is parsed twice.
    corpus: Corpus | None = None

    def resolve_paths(self, config) -> None:
        """Where the cases, the vocabularies and Mermaid are; relative paths start at mkdocs.yml."""
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.cases_dir, self.vocabulary_dir = case_folders(root, self.config.cases_dir, self.config.vocabulary_dir)
        self.mermaid_js = (root / self.config.mermaid_js).resolve()

    def on_config(self, config):
        self.resolve_paths(config)
        config.extra_css.append(f"{ASSET_URI}/casebook.css")
        config.extra_javascript.append(f"{ASSET_URI}/casebook.js")
        config.extra_javascript.append(f"{ASSET_URI}/explore.js")
        return config

    def on_files(self, files: Files, config) -> Files:
        corpus = self.corpus
        if corpus is None:
            result = read_corpus(self.cases_dir, self.vocabulary_dir)
            if result.corpus is None:
                lines = "\n".join(str(p) for p in result.problems)
                raise PluginError(f"the cases do not validate:\n{lines}\n{summary_line(result.problems)}")
            corpus = result.corpus
        self._corpus = corpus
        site = self.site_info()
        for path, markdown in generate_pages(corpus, site).items():
            files.append(File.generated(config, path, content=markdown))
        files.append(File.generated(config, "data/index.md", content=DATA_PAGE))
        for path, content in open_data(corpus, site, config.site_url or "/").items():
            files.append(File.generated(config, path, content=content))
        for asset in sorted(ASSETS.iterdir()):
            files.append(File.generated(config, f"{ASSET_URI}/{asset.name}", abs_src_path=str(asset)))
        if not self.mermaid_js.is_file():
            raise PluginError(mermaid_missing_message(self.mermaid_js))
        files.append(File.generated(config, f"{ASSET_URI}/mermaid.min.js", abs_src_path=str(self.mermaid_js)))
        return files

    def site_info(self) -> SiteInfo:
        folder = repository_path(self.cases_dir)  # None outside a git work tree: no dates
        dates = case_dates(self.cases_dir, folder) if self.config.git_dates and folder else {}
        return SiteInfo(repo_url=self.config.repo_url.rstrip("/"), branch=self.config.repo_branch,
                        cases_path=folder or self.cases_dir.name, dates=dates)

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        # Material's search plugin then skips the page: Pagefind indexes the site instead.
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if page.file.src_uri == "index.md" and HOME_MARKER in markdown:
            return markdown.replace(HOME_MARKER, render_home_stats(self._corpus))
        return markdown

    def on_post_page(self, output: str, page, config) -> str:
        return use_search_worker(output.replace(*CASE_FACTS, 1), page.file.src_uri)

    def on_post_template(self, output: str, template_name: str, config) -> str:
        return use_search_worker(output, template_name) if template_name.endswith(".html") else output

    def on_post_build(self, config) -> None:
        index_site(Path(config.site_dir))

    def on_serve(self, server, config, builder):
        server.watch(str(self.cases_dir))
        server.watch(str(self.vocabulary_dir))
        return server


def use_search_worker(html: str, name: str) -> str:
    """Point Material's search box at the Pagefind worker, started early; every page with a
    search box must."""
    match = MATERIAL_WORKER.search(html)
    if match is None:
        if 'id="__config"' in html:
            raise PluginError(f"{name}: Material's search worker is not where casebook expects it "
                              "(did mkdocs-material change?); search would not work")
        return html
    worker = match.group(2) + SEARCH_WORKER
    html = html[:match.start()] + f'{match.group(1)}{worker}"' + html[match.end():]
    start = EARLY_SEARCH % json.dumps(worker).replace("<", "\\u003c")
    html, count = HEAD_START.subn(lambda head: head.group(0) + start, html, count=1)
    if count == 0:
        raise PluginError(f"{name}: no <meta charset> in the page's head to start search from "
                          "(did mkdocs-material change?)")
    return html


def index_site(site_dir: Path) -> None:
    """Write the Pagefind search index into site_dir/pagefind/."""
    try:
        from pagefind_bin import get_executable
        pagefind = get_executable()
    except (ImportError, FileNotFoundError):
        raise PluginError("Pagefind is not installed (the pagefind_bin package): run 'make setup'") from None
    result = subprocess.run([str(pagefind), "--site", str(site_dir), "--quiet", *PAGEFIND_ARGS],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise PluginError(f"Pagefind could not index the site:\n{(result.stderr or result.stdout).strip()}")
