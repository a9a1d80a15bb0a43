"""Build the site atomically: ``python -m build_scripts.publish [--strict]``.

``make site`` and ``make offline`` run this.  mkdocs builds into a fresh
folder beside the site folder (``site.new``); only when that build succeeds
does it replace ``site/`` (two renames on the same file system), so a failed
build — a broken themes.yml, a skipped speech under ``--strict`` — leaves
the previous site exactly as it was.  Plain ``mkdocs build`` writes into
site/ directly and is not atomic.

One build at a time: the whole publish (the build into ``site.new`` and the
renames) holds an exclusive ``fcntl.flock`` on ``.cache/build.lock`` beside
mkdocs.yml, which holds the pid of the build that has it.  A second
``make site`` (or ``make offline``: they share ``.cache/`` too) waits for
it, saying so, and builds after it (``--wait`` seconds, default 600; 0 =
exit at once with "another build is running (pid N)").  Without the lock
two builds deleted and renamed each other's ``site.new``/``site.old`` and
could both report success over a missing or partial site.  The kernel
releases the lock when its processes end, however they end (``kill -9``
included), so a stale lock file never blocks a build; mkdocs inherits the
lock, so a publish killed mid-build still holds off the next one until its
mkdocs has finished writing ``site.new``.

Exit code: mkdocs' (0 success, 1 failure); 1 if the lock could not be had.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

#: The lock file, relative to the folder of mkdocs.yml (git-ignored).
LOCK_FILE = Path(".cache") / "build.lock"
#: How often a waiting build tries the lock again (seconds).
POLL_SECONDS = 0.2


class BuildLocked(Exception):
    """Another build holds the lock (``pid``: its process id, or None if
    unknown) and did not finish within the wait."""

    def __init__(self, pid: Optional[int]):
        super().__init__(f"another build is running (pid {pid if pid else 'unknown'})")
        self.pid = pid


def _holder(fd: int) -> Optional[int]:
    """The pid written in the lock file by the build holding it."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def build_lock(root: Path, wait: float = 600.0, say=lambda message: print(message, file=sys.stderr)) -> Iterator[int]:
    """Hold the build lock of the project in ``root`` (the folder of
    mkdocs.yml) for the ``with`` block.

    If another build holds it, ``say`` is called once ("waiting for another
    build (pid N) to finish …") and the lock is retried every
    ``POLL_SECONDS`` for up to ``wait`` seconds; then ``BuildLocked`` is
    raised.  The lock file is never deleted (deleting it would let a third
    build lock a new file while the first still runs).  Yields the lock's
    file descriptor: a child process given it (``pass_fds``) holds the
    lock too, until both have exited."""
    path = root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        started = time.monotonic()
        deadline = started + wait
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            pid = _holder(fd)
            if time.monotonic() >= deadline:
                raise BuildLocked(pid)
            # The holder writes its pid just after locking: wait a moment
            # for it rather than say "unknown".
            if not announced and (pid or time.monotonic() >= started + 2):
                say(f"another build is running (pid {pid if pid else 'unknown'}); waiting for it to finish …")
                announced = True
            time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield fd
        finally:
            # The pid is left in the file: the next holder overwrites it.
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


#: The engines that build the site (``python -m <engine> build``): MkDocs
#: 1.6 and ProperDocs, its maintained fork (same mkdocs.yml, same plugins).
ENGINES = ("mkdocs", "properdocs")


def default_engine() -> str:
    """``$KB_ENGINE`` (set by ``make … ENGINE=…``), else ``mkdocs``."""
    return os.environ.get("KB_ENGINE") or "mkdocs"


def publish(config: Path, site_dir: Path, strict: bool, wait: float = 600.0, engine: str = "mkdocs") -> int:
    """Build ``config`` (mkdocs.yml) into ``site_dir`` atomically with
    ``engine`` (one of ``ENGINES``), one build at a time (see the module
    doc); returns the engine's exit code, or 1 if
    another build kept the lock for ``wait`` seconds.  ``site_dir`` is
    untouched unless the build succeeds."""
    try:
        with build_lock(config.parent, wait) as lock_fd:
            return _publish(config, site_dir, strict, lock_fd, engine)
    except BuildLocked as exc:
        print(f"not built: {exc}; {site_dir} was left as it was — try again when it has finished",
              file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.filename is None or Path(exc.filename).name != LOCK_FILE.name:
            raise
        print(f"not built: the build lock {exc.filename} cannot be used ({exc.strerror}) — remove it "
              "(no build is running if it is not a regular file) and build again", file=sys.stderr)
        return 1


def _remove(path: Path) -> None:
    """Remove a folder, a file or a link at ``path`` (a left-over
    ``site.new``/``site.old``, or a ``site`` that is not a folder)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _publish(config: Path, site_dir: Path, strict: bool, lock_fd: int, engine: str = "mkdocs") -> int:
    new = site_dir.with_name(site_dir.name + ".new")
    old = site_dir.with_name(site_dir.name + ".old")
    # Left over from a build that was killed: nothing else can be using it
    # while we hold the lock.
    _remove(new)
    cmd = [sys.executable, "-m", engine, "build", "-f", str(config), "-d", str(new)]
    if strict:
        cmd.append("--strict")
    # mkdocs inherits the lock: if this process is killed, its mkdocs keeps
    # writing site.new, and the next build must wait for it to end.
    code = subprocess.run(cmd, cwd=config.parent, pass_fds=(lock_fd,)).returncode
    if code != 0:
        _remove(new)
        print(f"build failed: {site_dir} was left as it was", file=sys.stderr)
        return code
    _remove(old)
    if site_dir.exists() or site_dir.is_symlink():
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    _remove(old)
    print(f"site built in {site_dir}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_scripts.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="fail (and keep the old site) if any speech file is skipped or mkdocs warns")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    parser.add_argument("-d", "--site-dir", type=Path, default=None,
                        help="default: site/ beside mkdocs.yml")
    parser.add_argument("--wait", type=float, default=600.0,
                        help="seconds to wait for another running build (default 600; 0: exit at once)")
    parser.add_argument("--engine", choices=ENGINES, default=default_engine(),
                        help="default: $KB_ENGINE, else mkdocs")
    args = parser.parse_args(argv)
    config = args.config_file.resolve()
    site_dir = (args.site_dir or config.parent / "site").resolve()
    return publish(config, site_dir, args.strict, args.wait, args.engine)


if __name__ == "__main__":
    sys.exit(main())
