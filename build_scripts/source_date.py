"""The build date written into the site, fixed so builds are reproducible.

mkdocs stamps every page's ``update_date`` (the sitemap's ``<lastmod>``)
and the gzip header of sitemap.xml.gz with the build time unless the
environment sets ``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/
specs/source-date-epoch/).  ``epoch`` picks that date from the inputs, so
two builds of the same input are byte-identical on any machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: What the site is built from, relative to the project root.
INPUTS = ("seeds", "themes.yml", "docs", "mkdocs.yml", "build_scripts")


def epoch(root: Path) -> int:
    """Seconds since 1970 (UTC) to stamp a build of the project at ``root``.

    In order: ``SOURCE_DATE_EPOCH`` if set; else the time of the last git
    commit that changed an input (the same in every clone); else the newest
    modification time of an input file (outside git: the same for two
    builds of the same files).
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    return epoch_from_inputs(root)


def epoch_from_inputs(root: Path) -> int:
    """``epoch`` without looking at the environment."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "--", *INPUTS],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass  # no git: fall back to the files themselves
    newest = 0.0
    for name in INPUTS:
        path = root / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for f in files:
            if "__pycache__" not in f.parts:
                newest = max(newest, f.stat().st_mtime)
    return int(newest)
