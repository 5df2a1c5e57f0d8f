import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
VOCABULARY = FIXTURES / "vocabulary"
CASEBOOK = [sys.executable, "-m", "casebook.cli"]


def run_casebook(*args, cwd=ROOT, env=None):
    """Run the casebook command as a user would; returns the CompletedProcess."""
    return subprocess.run([*CASEBOOK, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site_url():
    """Where the browser tests serve the site; the build must know it for instant navigation."""
    return f"http://127.0.0.1:{free_port()}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_url):
    """The real cases, built strictly once for every test that needs the site."""
    site = tmp_path_factory.mktemp("site") / "site"
    result = run_casebook("build", "--site-dir", site, env={"CASEBOOK_SITE_URL": site_url})
    assert result.returncode == 0, result.stdout + result.stderr
    return site
