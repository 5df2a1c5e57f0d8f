"""casebook serve, as a contributor runs it: a real server process on a free port."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

from conftest import CASEBOOK, FIXTURES, ROOT, free_port, run_casebook

PROBLEM_BAR = 'class="cb-problems"'


def get(url: str, timeout: float = 15) -> str:
    """A page's HTML; a request that waits longer than timeout fails the test (it must never hang)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def serving(cases, port):
    process = subprocess.Popen([*CASEBOOK, "serve", "--cases", str(cases), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def up(url):
    try:
        return get(url, timeout=5)
    except OSError:
        return None


def test_a_taken_port_is_named_with_its_fix_before_any_build():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_casebook("serve", "--port", port)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use by another program" in result.stderr
    assert f"make serve PORT={port + 1}" in result.stderr
    assert "Building documentation" not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_an_invalid_entry_keeps_the_last_good_site_and_shows_its_problem(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURES / "valid", cases)
    port = free_port()
    page = f"http://127.0.0.1:{port}/cases/alpha-read-states/"
    with serving(cases, port):
        first = wait_for(lambda: up(page), what="the first build")
        assert PROBLEM_BAR not in first and "Alpha Corp" in first
        entry = cases / "alpha-read-states.md"
        good = entry.read_text()
        # a wrong year, and a key that is markup: the message quotes it, escaped (MkDocs' templates
        # do not escape by themselves)
        entry.write_text(good.replace("year: 2020", "year: twenty\n<img src=x onerror=alert(1)>: 1", 1))
        # every request is answered at once (get()'s timeout), with the problem shown above the last good page
        shown = wait_for(lambda: PROBLEM_BAR in get(page) and get(page), what="the problem bar")
        assert "alpha-read-states.md:6: CB009 &#39;year&#39; should be a whole number" in shown
        assert "unknown key &#39;&lt;img src=x onerror=alert(1)&gt;&#39;" in shown and "<img src=x" not in shown
        assert "Alpha Corp" in shown   # the last good version of the entry is still there
        entry.write_text(good.replace("Latency spikes every two minutes disappeared.", "The spikes stopped.", 1))
        fixed = wait_for(lambda: "The spikes stopped." in get(page) and get(page), what="the fixed page")
        assert PROBLEM_BAR not in fixed
