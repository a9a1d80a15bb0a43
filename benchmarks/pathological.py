"""Build time of pathological speeches against the same text in ordinary
lines: ``python benchmarks/pathological.py [CASE …]``.

Cases (each a one-speech project built with ``mkdocs build``, analysis in
this process, ``KB_JOBS=1``):

- ``long-line``: ~2 MB of speech text on one line; baseline ``long-normal``,
  the same text in lines of 200 characters;
- ``short-lines``: 40,000 short lines; baseline ``short-normal``, the same
  text in 800 lines.

Prints seconds per case and each pathological case's ratio to its
baseline (the target is under 3×).  Timings vary with the machine's load;
run it on a quiet machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.projects import make_project  # noqa: E402  (a project with its own seeds/)

SEED = (ROOT / "seeds" / "003_8934f3c4a65f5158.txt").read_text(encoding="utf-8")
TITLE = "在某区工会第三次代表大会上的讲话\n"


def cases() -> dict[str, str]:
    flat = SEED.split("\n", 1)[1].replace("\n", "")
    one = (flat * (2_000_000 // len(flat.encode("utf-8")) + 1))[: 2_000_000 // 3]
    short = [f"工会维权帮扶{i}" for i in range(40_000)]
    return {
        "long-line": TITLE + one + "\n",
        "long-normal": TITLE + "\n".join(one[i:i + 200] for i in range(0, len(one), 200)) + "\n",
        "short-lines": TITLE + "\n".join(short) + "\n",
        "short-normal": TITLE + "\n".join("".join(short[i:i + 50]) for i in range(0, len(short), 50)) + "\n",
    }


def build_seconds(name: str, text: str, base: Path) -> float:
    folder = base / name
    folder.mkdir()
    project = make_project(folder, {"x.txt": text})
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"),
                             "-d", str(project / "site")], cwd=project, capture_output=True, text=True,
                            env=dict(os.environ, KB_JOBS="1", NO_MKDOCS_2_WARNING="1"))
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{name}: build failed\n{result.stderr}")
    return seconds


def main(argv: list[str]) -> int:
    texts = cases()
    wanted = argv or list(texts)
    base = Path(tempfile.mkdtemp(prefix="kb-pathological-"))
    try:
        times = {}
        for name in wanted:
            times[name] = build_seconds(name, texts[name], base)
            print(f"{name:14} {len(texts[name].encode('utf-8')):>9,} bytes {texts[name].count(chr(10)):>6,} lines "
                  f"{times[name]:7.1f} s", flush=True)
        for case, baseline in (("long-line", "long-normal"), ("short-lines", "short-normal")):
            if case in times and baseline in times:
                print(f"{case}: {times[case] / times[baseline]:.2f}x {baseline}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
