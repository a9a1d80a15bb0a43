"""What the corpus-wide views (提法, 复用, 引用, 趋势) add to a build.

Builds the same synthetic corpus (``benchmarks/synth.py``) with
``mkdocs build --strict`` twice per round, from cold (no analysis cache, no
views cache): once with this repository's insight.yml and once with
``enabled: false`` added to it (no views, no 洞察 pages, no theme profiles or
reuse marks on speech pages).  The difference is the views' cost, in CPU
seconds (user + system of the build and its worker processes; steadier than
wall time when other work shares the machine) and in wall seconds.  Then
rebuilds the views-on project unchanged (the views come from
``.cache/insight/``).  Also reports the bytes the views add to the site,
per speech, and their largest page.

    .venv/bin/python benchmarks/insight_cost.py                 # 1,000 speeches, 1 round
    .venv/bin/python benchmarks/insight_cost.py --sizes 200 --rounds 2

Writes ``benchmarks/results/insight_cost.json`` (a list, one object per
size).  Timings are for the machine at hand; compare runs on the same
machine only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import synth  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
#: Folders of the site that only the views write.
VIEW_FOLDERS = ("insight", "formulations", "reuse", "citations", "trends")


def _bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.is_dir() else 0


def _largest_page(site: Path) -> tuple[int, str]:
    pages = [(f.stat().st_size, f.relative_to(site).as_posix())
             for d in VIEW_FOLDERS for f in (site / d).rglob("*.html")]
    return max(pages) if pages else (0, "")


def _build(project: Path, site: Path, cold: bool) -> bench.Measured:
    if cold:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
    return bench.mkdocs_build(project, site)


def measure(n: int, work: Path, rounds: int, log) -> dict[str, Any]:
    speeches = synth.synthesise(n, source=synth.pools())
    (work / "on").mkdir(parents=True)
    (work / "off").mkdir(parents=True)
    on = bench.make_project(work / "on", speeches)
    off = bench.make_project(work / "off", speeches)
    config = (off / "insight.yml").read_text(encoding="utf-8")
    (off / "insight.yml").unlink()
    (off / "insight.yml").write_text(config + "\nenabled: false\n", encoding="utf-8")
    times: dict[str, list[bench.Measured]] = {"on": [], "off": []}
    for r in range(rounds):
        for label, project in (("off", off), ("on", on)) if r % 2 else (("on", on), ("off", off)):
            log(f"[{n}] round {r + 1}: cold build, views {label} …")
            times[label].append(_build(project, work / f"site-{label}", cold=True))
    log(f"[{n}] rebuild, views on, unchanged …")
    warm = _build(on, work / "site-on", cold=False)

    def med(label: str, attr: str) -> float:
        return round(statistics.median(getattr(m, attr) for m in times[label]), 2)

    site_on, site_off = work / "site-on", work / "site-off"
    total_on, total_off = bench.site_sizes(site_on)[0], bench.site_sizes(site_off)[0]
    largest, where = _largest_page(site_on)
    result = {
        "n": n, "rounds": rounds,
        "build_cpu_s_views_on": med("on", "cpu_seconds"), "build_cpu_s_views_off": med("off", "cpu_seconds"),
        "build_s_views_on": med("on", "seconds"), "build_s_views_off": med("off", "seconds"),
        "rebuild_cpu_s_views_on": round(warm.cpu_seconds, 2), "rebuild_s_views_on": round(warm.seconds, 2),
        "site_bytes_views_on": total_on, "site_bytes_views_off": total_off,
        "view_folder_bytes": {d: _bytes(site_on / d) for d in VIEW_FOLDERS},
        "insight_json_bytes": (site_on / "data" / "insight.json").stat().st_size,
        "largest_view_page_bytes": largest, "largest_view_page": where,
        "every_cpu_s": {k: [round(m.cpu_seconds, 2) for m in v] for k, v in times.items()},
        "every_s": {k: [round(m.seconds, 2) for m in v] for k, v in times.items()},
    }
    result["views_cpu_share"] = round(result["build_cpu_s_views_on"] / result["build_cpu_s_views_off"] - 1, 3)
    result["views_wall_share"] = round(result["build_s_views_on"] / result["build_s_views_off"] - 1, 3)
    result["views_bytes_per_speech"] = round((total_on - total_off) / n)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    parser.add_argument("--rounds", type=int, default=1, help="cold builds per setting (median reported)")
    parser.add_argument("--out", type=Path, default=RESULTS / "insight_cost.json")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temp folder)")
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="kb-insight-cost-") as tmp:
        work = args.keep or Path(tmp)
        for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
            results.append(measure(n, work / str(n), args.rounds, log))
            print(json.dumps(results[-1], ensure_ascii=False))
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
