"""The preview's rebuilds (MkDocs dirty builds, with the plugin deciding which pages changed) give
the same site, byte for byte, as a full build of the same files."""

import hashlib
import os
import shutil

from conftest import FIXTURES, ROOT

SERVE_URL = "http://127.0.0.1:8000/"


def build(site, *, preview):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from casebook.render.plugin import finish_indexing

    config = load_config(str(ROOT / "mkdocs.yml"), strict=not preview, site_dir=str(site))
    config.plugins.on_startup(command="serve" if preview else "build", dirty=preview)
    mkdocs_build(config, serve_url=SERVE_URL, dirty=preview)
    finish_indexing()


def tree(site):
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_an_incremental_rebuild_gives_the_site_a_full_build_gives(tmp_path, monkeypatch):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES / "valid", cases)
    monkeypatch.setenv("CASEBOOK_CASES_DIR", str(cases))
    monkeypatch.setenv("CASEBOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(ROOT)
    preview = tmp_path / "preview"
    build(preview, preview=True)
    first = tree(preview)
    # an edit that changes the entry's page, the catalog (its title) and related lists elsewhere
    entry = cases / "alpha-read-states.md"
    entry.write_text(entry.read_text().replace("Alpha's read-state service: from Go to Rust",
                                               "Alpha's read-state service, rewritten in Rust", 1)
                                      .replace("Latency spiked every two minutes", "Latency spiked, every two minutes", 1))
    os.utime(entry)
    build(preview, preview=True)
    rebuilt = tree(preview)
    full = tmp_path / "full"
    build(full, preview=False)
    assert rebuilt == tree(full)
    changed = sorted(name for name in rebuilt if first.get(name) != rebuilt[name])
    assert "cases/alpha-read-states/index.html" in changed and "cases/index.html" in changed
    assert "cases/beta-chat-fanout/index.html" in changed      # its related entries name the title
    assert "domains/networking/index.html" not in changed       # a page that shows nothing of it
    # then an edit of the text alone: what the preview kept in memory (the other entries' text,
    # the related entries) still gives the site a full build gives
    entry.write_text(entry.read_text().replace("Latency spiked, every two minutes", "Latency spiked every 2 minutes", 1))
    os.utime(entry)
    build(preview, preview=True)
    again = tree(preview)
    assert again["cases/alpha-read-states/index.html"] != rebuilt["cases/alpha-read-states/index.html"]
    shutil.rmtree(full)
    build(full, preview=False)
    assert again == tree(full)


def test_the_preview_indexes_search_at_low_priority(tmp_path, monkeypatch):
    import subprocess

    from casebook.render import plugin

    commands = []

    def run(command, **kwargs):
        commands.append(command)
        os.makedirs(command[command.index("--output-path") + 1])
        return subprocess.CompletedProcess(command, 0, "", "")
    monkeypatch.setattr(plugin.subprocess, "run", run)
    (tmp_path / "site").mkdir()
    plugin.index_site(tmp_path / "site", background=True)    # the preview, after a rebuild
    plugin.index_site(tmp_path / "site")                     # casebook build
    assert commands[0][:3] == [shutil.which("nice"), "-n", str(plugin.BACKGROUND_NICENESS)]
    assert "pagefind" in commands[1][0]                      # at normal priority
