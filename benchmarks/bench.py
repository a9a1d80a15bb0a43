"""The scale benchmark: synthetic corpora of 50, 200 and 1,000 (and, not in
CI, 10,000) speeches.

For each size the script

1. synthesises the speeches from the seeds' own paragraphs
   (``benchmarks/synth.py``; deterministic, speech *i* is the same in every
   size) and checks that the splitter finds the parts and sub-points they
   were built with (``structure_mismatches``, with up to five examples in
   ``structure_mismatch_examples``; more than 1 % stops the run);
2. times the pipeline alone (``build_corpus``, in a fresh interpreter):
   ``pipeline_s``;
3. builds the site with ``mkdocs build`` in a temporary project that uses this
   repository's mkdocs.yml (kb plugin), themes.yml and docs (everything but
   ``seeds/`` is linked, so whatever the configuration holds — a custom
   search, overrides — is measured): ``build_s``, ``peak_mem_mb`` (peak RSS
   of the build process and its children, from ``wait4``), ``site_bytes``,
   ``largest_page_bytes`` (largest .html), ``site_gzip_bytes`` (every file
   gzipped at level 6, as a compressing server or a zip of the site would
   send it), ``largest_data_file_bytes`` (largest file under ``data/``);
   then rebuilds it unchanged (``rebuild_s``), then with one seed edited
   (``edit_rebuild_s``: one word of speech 1 changed, as a user saving a
   file), both with the project's ``.cache/`` of the builds before (the
   analysis cache and the incremental build's stores) into a fresh
   folder, and times the pipeline again with the analysis cache the builds
   filled (``pipeline_cached_s``; None if the code has no cache); each
   with its CPU seconds (``*_cpu_s``: the build and its worker processes);
   then runs ``mkdocs serve --dirty`` (``make serve``) on the project,
   saves one speech and polls its page until the server sends the new text
   (``serve_edit_visible_s``: save to updated page, what the user waits for
   before live reload fetches it; ``serve_edit_cpu_s``), then waits for the
   second reload, when the catch-up has put the edit everywhere
   (``serve_catch_up_s``, ``serve_catch_up_cpu_s``; ``--no-serve`` skips it, and so does a
   size above ``--serve-max``, default 1,000);
4. builds a *plain material* baseline of the same text — each speech one
   Markdown page, stock mkdocs-material with its search plugin and jieba, no
   kb plugin: ``plain_build_s``, ``ratio`` = ``build_s / plain_build_s``
   (``cpu_ratio``: the same in CPU seconds, steadier when other work shares
   the machine).  Above ``--plain-max`` speeches (default 1,000) the
   baseline is skipped: at 10,000 every plain page carries the whole
   10,000-entry navigation (about 3.3 MB a page, 33 GB in all), which is
   not worth the hour; ``plain_page_bytes_estimate`` then extrapolates its
   per-page size from the largest plain size measured in the same run;
5. serves the site on 127.0.0.1 (``python -m http.server`` in a process
   of its own) and, in headless Chromium, for each query loads a page in a
   fresh browser context (empty cache), types the query into material's
   search box at once and waits for the first result: ``first_result_s``
   (from typing to the first ``.md-search-result__item`` visible, median
   over three rounds of the queries) and ``search_bytes_first_result``
   (bytes received from navigation start until then, median).  Only
   material's own UI selectors are used, so a different search engine behind
   the same UI is measured the same way.  The server does not compress:
   the bytes are what a plain static server sends;
6. times jieba alone on the same text (``jieba_chars_per_s``): the floor of
   any build that segments the text for search;
7. times the corpus-wide views on the analysed corpus in a fresh
   interpreter (``insight_s``: all four as the build computes them, with
   reuse in a worker process beside the 提法 miner; then each alone:
   ``formulations_s``, ``reuse_s``), and scores the reused passages found
   against the pairs ``synth.py`` planted: ``reuse_precision``,
   ``reuse_recall`` (``reuse_planted`` pairs, ``reuse_found`` found).
   ``--insight-only`` runs just this step (no mkdocs, no browser).

Writes a table to stdout and ``benchmarks/results/latest.json`` (a list, one
object per size).  Timings are wall-clock seconds on the machine at hand;
compare runs on the same machine only.

    .venv/bin/python benchmarks/bench.py                 # 50, 200, 1000
    .venv/bin/python benchmarks/bench.py --sizes 1000,10000   # hours; 10,000: no plain baseline, no serve
    .venv/bin/python benchmarks/bench.py --sizes 50 --no-browser
    .venv/bin/python benchmarks/bench.py --sizes 1000 --insight-only
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import synth  # noqa: E402
from support.browser import CHROMIUM, served_browser  # noqa: E402
from support.projects import write_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (50, 200, 1000)
#: Domain terms present in the seeds' paragraphs, hence in every corpus.
QUERIES = ("职工之家", "集体合同", "劳模精神", "困难职工", "厂务公开")
#: Entries of the repository that a benchmark project links to (everything
#: a build reads); seeds/ is replaced by the synthetic speeches.
NOT_LINKED = {"seeds", "site", "site-offline", "tests", "benchmarks", "mkdocs.yml"}
#: Keys every result object has (the issue's list).
KEYS = ("n", "pipeline_s", "build_s", "plain_build_s", "ratio", "peak_mem_mb", "site_bytes", "site_gzip_bytes",
        "search_bytes_first_result", "first_result_s", "largest_page_bytes", "largest_data_file_bytes",
        "edit_rebuild_s")
#: Sizes above this build no plain-material baseline unless --plain-max says so.
PLAIN_MAX = 1000
#: Sizes above this skip the ``mkdocs serve`` edit measurement unless
#: --serve-max says so: at 10,000 the first build of the server alone is a
#: cold build (~10 minutes on 2 cores), and the edit-to-visible target is
#: set at 1,000.
SERVE_MAX = 1000
#: A plain-material page's bytes per speech in the corpus (its nav lists
#: every speech): 369,452 B at 1,000 speeches (benchmarks/results, before
#: this estimate existed); used when a run measures no baseline itself.
PLAIN_PAGE_BYTES_PER_SPEECH = 369.452
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")


# --- projects ---------------------------------------------------------------


def make_project(work: Path, speeches: list[synth.Synthetic]) -> Path:
    """A project folder with this repository's configuration and the
    synthetic speeches as seeds/."""
    project = work / "project"
    project.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED and not entry.name.startswith("."):
            (project / entry.name).symlink_to(entry)
    # Generated, not linked: mkdocs resolves the project root (and the kb
    # plugin its seeds/) from this file's folder.
    write_config(project)
    synth.write_seeds(speeches, project / "seeds")
    return project


def make_plain_project(work: Path, speeches: list[synth.Synthetic]) -> Path:
    """The same speeches as plain Markdown pages for stock mkdocs-material:
    title as h1, numbered part headings as h2, every other line a paragraph."""
    project = work / "plain"
    docs = project / "docs" / "speeches"
    docs.mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# 讲话\n", encoding="utf-8")
    for s in speeches:
        title, *lines = s.text.strip().split("\n")
        body = [f"# {title}", ""]
        for line in lines:
            body += [f"## {line}" if synth.PART_HEADING_RE.match(line) else line, ""]
        (docs / s.name.replace(".txt", ".md")).write_text("\n".join(body), encoding="utf-8")
    config = f"""\
        site_name: plain
        theme:
          name: material
          language: zh
          font: false
        plugins:
          - search:
              separator: '[\\s\\u200b\\-，。、；：！？（）“”]+'
              jieba_dict_user: {ROOT / "build_scripts" / "data" / "userdict.txt"}
        """
    (project / "mkdocs.yml").write_text(textwrap.dedent(config), encoding="utf-8")
    return project


# --- measuring processes -----------------------------------------------------


@dataclass
class Measured:
    """A finished process: wall seconds, CPU seconds (user + system; less
    sensitive than wall time to other work on the machine), peak RSS in MB
    of the process and its waited-for children, and its stdout."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str


def run_measured(cmd: list[str], cwd: Path) -> Measured:
    """Run ``cmd`` and measure it.  Raises ``RuntimeError`` on failure."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stdout}\n{stderr[-4000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return Measured(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def mkdocs_build(project: Path, site: Path, strict: bool = True) -> Measured:
    """``mkdocs build`` (``--strict``, as ``make site``)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    return run_measured(cmd + (["--strict"] if strict else []), project)


PIPELINE_SCRIPT = """\
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from build_scripts.pipeline import build_corpus
options = {}
if len(sys.argv) > 3:  # (only then: older code has no cache to pass)
    from build_scripts.cache import AnalysisCache
    options["cache"] = AnalysisCache(Path(sys.argv[3]))
try:  # as the plugin calls it (older code analyses in this process only)
    from build_scripts.pipeline import jobs_wanted
    options["jobs"] = jobs_wanted()
except ImportError:
    pass
corpus = build_corpus(Path(sys.argv[1]), Path(sys.argv[2]), **options)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "skipped": len(corpus.skipped), "structure": {
    s.id: [len([u for u in s.units if u.parent == p.id and u.kind == "subpoint"]) for p in s.parts]
    for s in corpus.speeches}}))
"""


def time_pipeline(project: Path, cache: Optional[Path] = None) -> tuple[float, dict[str, list[int]]]:
    """Seconds of ``build_corpus`` alone (imports included, interpreter
    start excluded), and the structure it found.  Without the analysis
    cache, unless ``cache`` (its folder) is given."""
    env_cmd = [sys.executable, "-c", PIPELINE_SCRIPT, str(project / "seeds"), str(project / "themes.yml")]
    out = run_measured(env_cmd + ([str(cache)] if cache else []), project).stdout
    data = json.loads(out.strip().splitlines()[-1])
    if data["skipped"]:
        raise RuntimeError(f"the pipeline skipped {data['skipped']} synthetic speech(es)")
    return data["seconds"], data["structure"]


INSIGHT_SCRIPT = """\
import json, resource, sys, time
from pathlib import Path
from build_scripts.pipeline import build_corpus, jobs_wanted
from build_scripts import formulations, insight, reuse
corpus = build_corpus(Path(sys.argv[1]), Path(sys.argv[2]), jobs=jobs_wanted())
config = insight.load_config(Path(sys.argv[2]).parent)
def cpu():
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
times = {}
start, start_cpu = time.perf_counter(), cpu()
insight.analyse(corpus, config, jobs_wanted())
times["insight_s"], times["insight_cpu_s"] = time.perf_counter() - start, cpu() - start_cpu
start, start_cpu = time.perf_counter(), cpu()
found = formulations.mine(corpus, config.pin, config.ban)
times["formulations_s"], times["formulations_cpu_s"] = time.perf_counter() - start, cpu() - start_cpu
start, start_cpu = time.perf_counter(), cpu()
pairs = reuse.find(corpus)
times["reuse_s"], times["reuse_cpu_s"] = time.perf_counter() - start, cpu() - start_cpu
units = {s.id: {u.id: u.text.replace("\\n", "") for u in s.units} for s in corpus.speeches}
print(json.dumps({**times, "formulations": len(found),
                  "pairs": [[p.a[0], units[p.a[0]][p.a[1]], p.b[0], units[p.b[0]][p.b[1]]] for p in pairs]},
                 ensure_ascii=False))
"""


def measure_insight(project: Path, speeches: list[synth.Synthetic]) -> dict[str, Any]:
    """Times of the corpus-wide views and the reuse detector's precision and
    recall against the planted pairs (a pair of passages is identified by
    speech and text, so the splitter's unit ids do not matter)."""
    out = run_measured([sys.executable, "-c", INSIGHT_SCRIPT, str(project / "seeds"), str(project / "themes.yml")],
                       project).stdout
    data = json.loads(out.strip().splitlines()[-1])
    truth = {frozenset([(p.lender[:-4], p.original), (p.borrower[:-4], p.copy)]) for p in synth.planted_pairs(speeches)}
    found = {frozenset([(a, ta), (b, tb)]) for a, ta, b, tb in data["pairs"]}
    hits = len(truth & found)
    return {"insight_s": round(data["insight_s"], 2), "formulations_s": round(data["formulations_s"], 2),
            "reuse_s": round(data["reuse_s"], 2),
            **{k: round(data[k], 2) for k in ("insight_cpu_s", "formulations_cpu_s", "reuse_cpu_s") if k in data},
            "formulations": data["formulations"],
            "reuse_planted": len(truth), "reuse_found": len(found),
            "reuse_precision": round(hits / len(found), 3) if found else None,
            "reuse_recall": round(hits / len(truth), 3) if truth else None}


JIEBA_SCRIPT = """\
import sys, time, jieba, logging
jieba.setLogLevel(logging.WARNING)
jieba.load_userdict(sys.argv[1])
jieba.initialize()
text = sys.stdin.read()
start = time.perf_counter()
for _ in jieba.cut(text):
    pass
print(len(text) / (time.perf_counter() - start))
"""


def jieba_throughput(speeches: list[synth.Synthetic]) -> float:
    """Characters per second of jieba's default cut (as the search plugin
    calls it) on the corpus text; dictionary loading excluded."""
    text = "\n".join(s.text for s in speeches)
    out = subprocess.run([sys.executable, "-c", JIEBA_SCRIPT, str(ROOT / "build_scripts/data/userdict.txt")],
                         input=text, capture_output=True, text=True, check=True, env=ENV)
    return float(out.stdout.strip())


def site_sizes(site: Path) -> tuple[int, int, str]:
    """(total bytes, largest .html bytes, its site-relative path)."""
    total, largest, where = 0, 0, ""
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html" and size > largest:
                largest, where = size, path.relative_to(site).as_posix()
    return total, largest, where


def gzip_bytes(site: Path) -> int:
    """Sum over every file of its gzip size (level 6, what a compressing
    web server typically sends)."""
    total = 0
    for path in site.rglob("*"):
        if path.is_file():
            total += len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
    return total


def largest_data_file(site: Path) -> tuple[Optional[int], str]:
    """(bytes, site-relative path) of the largest file under ``data/``."""
    files = [p for p in (site / "data").rglob("*") if p.is_file()] if (site / "data").is_dir() else []
    if not files:
        return None, ""
    top = max(files, key=lambda p: (p.stat().st_size, p.as_posix()))
    return top.stat().st_size, top.relative_to(site).as_posix()


def edit_one_seed(project: Path) -> tuple[Path, str]:
    """Change one word of the first synthetic speech (as a user saving it):
    the first 职工 of its body becomes 职工群众, or a sentence is added to
    its last paragraph.  Returns the file and its original text."""
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    text = seed.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    body = body.replace("职工", "职工群众", 1) if "职工" in body else body.rstrip("\n") + "这是编辑后的句子。\n"
    seed.write_text(f"{title}\n{body}", encoding="utf-8")
    return seed, text


#: What ``measure_serve_edit`` writes into the first speech: found in no
#: synthetic speech, so its appearance on the page is the edit's.
SERVE_MARK = "增量测试"


def _cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process and its waited-for children, in
    clock ticks (``/proc/<pid>/stat`` fields 14–17)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(v) for v in fields[11:15])


def _fetch(url: str) -> str:
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _epoch(base: str) -> int:
    """The served site's version (mkdocs' live reload: a newer one makes
    the open pages reload); answered at once, as 0 is older than any."""
    return int(_fetch(f"{base}livereload/0/0"))


def measure_serve_edit(project: Path, timeout_s: float = 900.0, dirty: bool = True,
                       catch_up_s: float = 600.0) -> dict[str, Any]:
    """Start ``mkdocs serve`` (with ``--dirty``, as ``make serve``) on
    127.0.0.1, wait for the first speech's page, then save the speech with
    a word added (``SERVE_MARK``) and poll the page until the served copy
    shows it: ``serve_edit_visible_s`` (save to updated page, what a user
    waits for before the browser's live reload fetches it) and
    ``serve_edit_cpu_s`` (CPU seconds of the server and its workers
    meanwhile).  Then ``serve_catch_up_s``: save to the second reload, when
    the served site has the edit everywhere (theme pages, export, search)
    — and its CPU seconds, ``serve_catch_up_cpu_s`` (None if there is no
    second reload within ``catch_up_s``).  The seed is restored afterwards."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    url = f"http://127.0.0.1:{port}/speeches/{seed.stem}/"
    original = seed.read_text(encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *(["--dirty"] if dirty else []),
                               "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"

    def wait_for(text: str, deadline: float) -> bool:
        while time.perf_counter() < deadline:
            try:
                if text in _fetch(url):
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False
    try:
        if not wait_for("</html>", time.perf_counter() + timeout_s):
            raise RuntimeError(f"mkdocs serve did not serve {url}")
        time.sleep(2)  # let the file watcher settle after the first build
        title, _, body = original.partition("\n")
        if "职工" not in body:
            raise RuntimeError(f"{seed.name} has no 职工 to edit")
        cpu = _cpu_ticks(server.pid)
        epoch = _epoch(base)
        start = time.perf_counter()
        seed.write_text(f"{title}\n{body.replace('职工', '职工' + SERVE_MARK, 1)}", encoding="utf-8")
        if not wait_for(SERVE_MARK, start + timeout_s):
            raise RuntimeError(f"the edit of {seed.name} never appeared on {url}")
        seconds = time.perf_counter() - start
        ticks = _cpu_ticks(server.pid) - cpu
        # The reloads: the edit's (seen above), then the catch-up's.
        epochs = {epoch}
        while len(epochs) < 3 and time.perf_counter() < start + catch_up_s:
            epochs.add(_epoch(base))
            time.sleep(0.1)
        catch_up = time.perf_counter() - start if len(epochs) >= 3 else None
        catch_up_ticks = _cpu_ticks(server.pid) - cpu
    finally:
        seed.write_text(original, encoding="utf-8")
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    tick = os.sysconf("SC_CLK_TCK")
    return {"serve_edit_visible_s": round(seconds, 2), "serve_edit_cpu_s": round(ticks / tick, 2),
            "serve_catch_up_s": None if catch_up is None else round(catch_up, 2),
            "serve_catch_up_cpu_s": round(catch_up_ticks / tick, 2)}


# --- search in the browser ---------------------------------------------------


#: Installed before any page script: records when the first search result
#: becomes visible (performance.now(), ms since navigation start).
OBSERVER = """
(() => {
  const check = () => {
    if (window.__firstResult) return;
    const item = document.querySelector(".md-search-result__item");
    if (item && item.getClientRects().length) window.__firstResult = performance.now();
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: true});
})();
"""


#: Each query is measured this many times (a fresh browser context each):
#: one sample per query varied by ±0.05 s between runs on this machine.
SEARCH_ROUNDS = 3


def measure_search(site: Path, queries: tuple[str, ...] = QUERIES, timeout_s: float = 60.0,
                   rounds: int = SEARCH_ROUNDS) -> dict[str, Any]:
    """Median time to first result and bytes fetched before it (see module
    docstring), over ``rounds`` × ``queries`` samples.  Returns the medians
    and the rows (one per sample, with its ``round``); a sample with no
    result within ``timeout_s`` has ``first_result_s`` None and is left out
    of the medians (None if no query found anything)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    rows = []
    with served_browser(site) as (browser, url):
        for i, query in enumerate([q for _ in range(rounds) for q in queries]):
            row = {"query": query, "round": i // len(queries) + 1}
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                          service_workers="block")
            context.add_init_script(OBSERVER)
            page = context.new_page()
            # Playwright reports the requests of the page and of its
            # workers (a search worker fetching index chunks); a CDP
            # session on the page would miss the workers'.
            finished = []
            context.on("requestfinished", lambda request: finished.append(request))
            page.goto(url, wait_until="load")
            box = page.locator("input.md-search__input")
            box.click()
            typed_at = page.evaluate("performance.now()")
            # Chinese arrives from an input method as one committed
            # string; material re-queries on keyup.
            page.keyboard.insert_text(query)
            page.keyboard.press("End")
            try:
                page.wait_for_function("window.__firstResult !== undefined", timeout=timeout_s * 1000)
            except PlaywrightTimeout:
                # No result at all: recorded, not fatal (the median is
                # over the queries that found something).
                rows.append({**row, "first_result_s": None, "bytes": None, "results": 0})
                context.close()
                continue
            first = page.evaluate("window.__firstResult")
            origin = page.evaluate("performance.timeOrigin")
            page.wait_for_timeout(200)  # let the last requestfinished events arrive
            n_results = page.locator(".md-search-result__item").count()
            # Bytes (headers and body, as sent: the server does not
            # compress) of every request finished before the first
            # result; timing is in epoch milliseconds.
            before = []
            for request in finished:
                timing = request.timing
                if timing["startTime"] + timing["responseEnd"] <= origin + first:
                    sizes = request.sizes()
                    before.append((request.url, sizes["responseHeadersSize"] + sizes["responseBodySize"]))
            context.close()
            rows.append({**row, "first_result_s": round((first - typed_at) / 1000, 3),
                         "bytes": sum(b for _, b in before), "requests": len(before),
                         "largest_request": urlsplit(max(before, key=lambda r: r[1])[0]).path if before else None,
                         "fetched": sorted([urlsplit(u).path, b] for u, b in before),
                         "results": n_results})
    found = [r for r in rows if r["first_result_s"] is not None]
    if not found:
        return {"first_result_s": None, "search_bytes_first_result": None, "queries": rows}
    return {"first_result_s": round(statistics.median(r["first_result_s"] for r in found), 3),
            "search_bytes_first_result": int(statistics.median(r["bytes"] for r in found)),
            "queries": rows}


# --- one size ------------------------------------------------------------------


def bench_size(n: int, pools: synth.Pools, work: Path, browser: bool, log,
               plain_max: int = PLAIN_MAX, plain_page_bytes: Optional[float] = None,
               serve_edit: bool = True, plain: bool = True, serve_max: int = SERVE_MAX) -> dict[str, Any]:
    speeches = synth.synthesise(n, source=pools)
    size_dir = work / str(n)
    size_dir.mkdir()
    project = make_project(size_dir, speeches)
    plain_project = make_plain_project(size_dir, speeches)
    chars = sum(len(s.text) for s in speeches)

    log(f"[{n}] pipeline …")
    pipeline_s, structure = time_pipeline(project)
    wrong = [s.name for s in speeches if structure.get(s.name[:-4]) != s.subpoints]
    # A speech the splitter reads differently from how it was made is
    # reported, not fatal: the benchmark measures scale, and one mismatch in
    # thousands of recombined speeches (2 of 10,000 once) would otherwise stop
    # the large run.  More than one in a hundred means the splitter is broken.
    if wrong:
        log(f"[{n}] the splitter read {len(wrong)} synthetic speech(es) differently from their "
            f"planted structure: {wrong[:5]}")
    if len(wrong) * 100 > n:
        raise RuntimeError(f"the splitter did not find the synthetic structure of {len(wrong)} of {n} "
                           f"speeches, e.g. {wrong[:5]}")
    log(f"[{n}] mkdocs build …")
    build = mkdocs_build(project, size_dir / "site")
    log(f"[{n}] rebuild (cache) …")
    rebuild = mkdocs_build(project, size_dir / "site2")
    log(f"[{n}] rebuild after editing one speech …")
    seed, original = edit_one_seed(project)
    edit_rebuild = mkdocs_build(project, size_dir / "site2")
    # The kept project holds the synthetic corpus as generated (site/ was
    # built from it; site2/ has the edit).
    seed.write_text(original, encoding="utf-8")
    cache = project / ".cache" / "analysis"
    pipeline_cached_s = time_pipeline(project, cache)[0] if cache.is_dir() else None
    serve: dict[str, Any] = {}
    if serve_edit and n <= serve_max:
        log(f"[{n}] mkdocs serve: save one speech, wait for its page …")
        serve = measure_serve_edit(project)
    plain_build: Optional[Measured] = None
    if plain and n <= plain_max:
        log(f"[{n}] plain material build …")
        plain_build = mkdocs_build(plain_project, size_dir / "plain-site", strict=False)
    site_bytes, largest, largest_page = site_sizes(size_dir / "site")
    log(f"[{n}] gzip sizes …")
    data_bytes, data_file = largest_data_file(size_dir / "site")
    result: dict[str, Any] = {
        "n": n, "pipeline_s": round(pipeline_s, 2), "build_s": round(build.seconds, 2),
        "structure_mismatches": len(wrong), "structure_mismatch_examples": wrong[:5],
        "plain_build_s": None, "ratio": None,
        "peak_mem_mb": round(build.peak_mb),
        "site_bytes": site_bytes, "site_gzip_bytes": gzip_bytes(size_dir / "site"),
        "site_bytes_per_speech": round(site_bytes / n),
        "search_bytes_first_result": None, "first_result_s": None,
        "largest_page_bytes": largest, "largest_data_file_bytes": data_bytes,
        "edit_rebuild_s": round(edit_rebuild.seconds, 2),
        "chars": chars, "rebuild_s": round(rebuild.seconds, 2),
        "build_cpu_s": round(build.cpu_seconds, 2), "plain_build_cpu_s": None, "cpu_ratio": None,
        "rebuild_cpu_s": round(rebuild.cpu_seconds, 2), "edit_rebuild_cpu_s": round(edit_rebuild.cpu_seconds, 2),
        "pipeline_cached_s": None if pipeline_cached_s is None else round(pipeline_cached_s, 2),
        "largest_page": largest_page, "largest_data_file": data_file,
        "search_index_bytes": _size(size_dir / "site" / "search" / "search_index.json"),
        "serve_edit_visible_s": None, "serve_edit_cpu_s": None, "serve_catch_up_s": None,
        "serve_catch_up_cpu_s": None, **serve,
    }
    if plain_build is not None:
        plain_bytes, plain_largest, _ = site_sizes(size_dir / "plain-site")
        result.update(plain_build_s=round(plain_build.seconds, 2),
                      ratio=round(build.seconds / plain_build.seconds, 2),
                      plain_build_cpu_s=round(plain_build.cpu_seconds, 2),
                      cpu_ratio=round(build.cpu_seconds / plain_build.cpu_seconds, 2),
                      plain_peak_mem_mb=round(plain_build.peak_mb), plain_site_bytes=plain_bytes,
                      plain_largest_page_bytes=plain_largest)
    elif plain_page_bytes:
        # Every plain page carries the whole navigation: its size grows
        # linearly with the number of speeches.
        result["plain_page_bytes_estimate"] = round(plain_page_bytes * n)
        result["plain_site_bytes_estimate"] = round(plain_page_bytes * n * n)
    log(f"[{n}] jieba …")
    result["jieba_chars_per_s"] = round(jieba_throughput(speeches))
    log(f"[{n}] insight and reuse quality …")
    result.update(measure_insight(project, speeches))
    if browser:
        log(f"[{n}] search in Chromium …")
        search = measure_search(size_dir / "site")
        result.update(first_result_s=search["first_result_s"],
                      search_bytes_first_result=search["search_bytes_first_result"],
                      search_queries=search["queries"])
    return result


def _size(path: Path) -> Optional[int]:
    return path.stat().st_size if path.is_file() else None


def table(results: list[dict[str, Any]]) -> str:
    cols = KEYS + ("build_cpu_s", "plain_build_cpu_s", "cpu_ratio", "rebuild_s", "serve_edit_visible_s", "serve_catch_up_s", "pipeline_cached_s", "jieba_chars_per_s", "insight_s", "reuse_s",
                   "reuse_precision", "reuse_recall")
    rows = [cols] + [tuple("—" if r.get(k) is None else str(r.get(k)) for k in cols) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    lines = [" | ".join(v.rjust(w) for v, w in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated corpus sizes (default: 50,200,1000)")
    parser.add_argument("--no-browser", action="store_true", help="skip the search measurement in Chromium")
    parser.add_argument("--out", type=Path, help="result JSON path (default: results/latest.json; "
                        "with --insight-only results/insight.json)")
    parser.add_argument("--insight-only", action="store_true",
                        help="only time the corpus-wide views and score reuse detection (step 7)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temp folder)")
    parser.add_argument("--plain-max", type=int, default=PLAIN_MAX,
                        help=f"build the plain-material baseline only up to this size (default {PLAIN_MAX})")
    parser.add_argument("--no-serve", action="store_true",
                        help="skip the mkdocs serve edit-to-visible measurement")
    parser.add_argument("--serve-max", type=int, default=SERVE_MAX,
                        help=f"measure mkdocs serve only up to this size (default {SERVE_MAX})")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-material baseline")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.out = args.out or RESULTS / ("insight.json" if args.insight_only else "latest.json")
    browser = not args.no_browser
    if browser and not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: search not measured (install Debian chromium: make browser-deps)",
              file=sys.stderr)
        browser = False

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    pools = synth.pools()
    results = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        # Bytes per page per speech of the plain baseline (its pages each
        # carry the whole nav), for the estimate above --plain-max.
        plain_page: Optional[float] = PLAIN_PAGE_BYTES_PER_SPEECH
        for n in sizes:
            if args.insight_only:
                speeches = synth.synthesise(n, source=pools)
                (work / str(n)).mkdir()
                log(f"[{n}] insight and reuse quality …")
                results.append({"n": n, **measure_insight(make_project(work / str(n), speeches), speeches)})
                print(json.dumps(results[-1], ensure_ascii=False))
                args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
                continue
            results.append(bench_size(n, pools, work, browser, log, args.plain_max, plain_page,
                                      serve_edit=not args.no_serve, plain=not args.no_plain,
                                      serve_max=args.serve_max))
            if results[-1].get("plain_largest_page_bytes"):
                plain_page = results[-1]["plain_largest_page_bytes"] / n
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.insight_only:
        return 0
    print(table(results))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
