"""Build the site atomically: ``python -m build_scripts.publish [--strict]``.

``make site`` runs this.  mkdocs builds into a fresh folder beside the
site folder (``site.new``); only when that build succeeds does it replace
``site/`` (two renames on the same file system), so a failed build — a
broken themes.yml, a skipped speech under ``--strict`` — leaves the
previous site exactly as it was.  Plain ``mkdocs build`` writes into
site/ directly and is not atomic.

Exit code: mkdocs' (0 success, 1 failure).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path


#: The engines that build the site (``python -m <engine> build``): MkDocs
#: 1.6 and ProperDocs, its maintained fork (same mkdocs.yml, same plugins).
ENGINES = ("mkdocs", "properdocs")


def default_engine() -> str:
    """``$KB_ENGINE`` (set by ``make … ENGINE=…``), else ``mkdocs``."""
    return os.environ.get("KB_ENGINE") or "mkdocs"


def publish(config: Path, site_dir: Path, strict: bool, engine: str = "mkdocs") -> int:
    """Build ``config`` (mkdocs.yml) into ``site_dir`` atomically with
    ``engine`` (one of ``ENGINES``); returns the engine's exit code.
    ``site_dir`` is untouched unless the build succeeds."""
    new = site_dir.with_name(site_dir.name + ".new")
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(new, ignore_errors=True)
    cmd = [sys.executable, "-m", engine, "build", "-f", str(config), "-d", str(new)]
    if strict:
        cmd.append("--strict")
    code = subprocess.run(cmd, cwd=config.parent).returncode
    if code != 0:
        shutil.rmtree(new, ignore_errors=True)
        print(f"build failed: {site_dir} was left as it was", file=sys.stderr)
        return code
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    shutil.rmtree(old, ignore_errors=True)
    print(f"site built in {site_dir}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_scripts.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="fail (and keep the old site) if any speech file is skipped or mkdocs warns")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    parser.add_argument("-d", "--site-dir", type=Path, default=None,
                        help="default: site/ beside mkdocs.yml")
    parser.add_argument("--engine", choices=ENGINES, default=default_engine(),
                        help="default: $KB_ENGINE, else mkdocs")
    args = parser.parse_args(argv)
    config = args.config_file.resolve()
    site_dir = (args.site_dir or config.parent / "site").resolve()
    return publish(config, site_dir, args.strict, args.engine)


if __name__ == "__main__":
    sys.exit(main())
