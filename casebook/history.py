"""When each case file was added and last changed, from git, in one `git log` call.

One process for the whole folder, not one per file: reading the history of
every case costs one walk over the commits that touched cases/.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

SEPARATOR = "\x1e"


def case_dates(cases_dir: Path, folder: str | None = None) -> dict[str, tuple[str, str]]:
    """case id -> (date added, date last changed) as YYYY-MM-DD; {} outside a git work tree.

    Files that are not committed yet have no entry.
    """
    folder = folder or repository_path(cases_dir)  # the caller may know it already
    log = _git(cases_dir, "log", f"--format={SEPARATOR}%cs", "--name-only", "--no-renames", "--", ".")
    if folder is None or log is None:
        return {}
    prefix = "" if folder == "." else folder + "/"
    dates: dict[str, tuple[str, str]] = {}
    for commit in log.split(SEPARATOR)[1:]:  # newest first
        lines = commit.strip().split("\n")
        day, files = lines[0], lines[1:]
        for name in files:  # paths relative to the repository root
            if not (name.startswith(prefix) and name.endswith(".md")) or "/" in name[len(prefix):]:
                continue
            case_id = name[len(prefix):-3]
            changed = dates[case_id][1] if case_id in dates else day
            dates[case_id] = (day, changed)  # older commits overwrite 'added'
    return dates


def repository_path(cases_dir: Path) -> str | None:
    """The cases folder relative to the root of its git work tree; None outside one."""
    top = _git(cases_dir, "rev-parse", "--show-toplevel")
    try:
        return cases_dir.resolve().relative_to(Path(top.strip()).resolve()).as_posix() if top else None
    except ValueError:
        return None


def _git(cwd: Path, *args: str) -> str | None:
    """git's output, or None where git is missing or fails (not a repository)."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
