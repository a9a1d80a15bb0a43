"""Search quality, ours beside stock mkdocs-material, on the same pages.

Builds the site twice from this repository's seeds — once as shipped (the
knowledge base's search worker and chunked index), once with the search left
to stock mkdocs-material (lunr + jieba; mkdocs.yml without ``custom_dir``,
``extra: kb_search: false``, the field boosts of the previous release) —
serves each on 127.0.0.1, runs the query set ``tests/data/search_queries.yml``
through the search box in headless Debian Chromium, and prints both side by
side.  Writes ``benchmarks/results/search_quality.json``.

    .venv/bin/python benchmarks/search_quality.py [--only ours|stock] [-v]

``make search-quality`` runs it.  A measurement, not a test:
tests/test_search.py asserts the figures that must hold for ours.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import search_quality as sq  # noqa: E402
from bench import served_browser  # noqa: E402  (this folder's scale benchmark)

RESULTS = ROOT / "benchmarks" / "results" / "search_quality.json"


def stock_config() -> str:
    """mkdocs.yml with the search left to mkdocs-material."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  custom_dir: overrides\n", "")
    config = config.replace("  language: custom\n", "  language: zh\n")
    config = config.replace("extra:\n", "extra:\n  kb_search: false\n", 1)
    config = config.replace(
        "      jieba_dict_user: build_scripts/data/userdict.txt\n",
        "      jieba_dict_user: build_scripts/data/userdict.txt\n"
        "      fields:\n        title:\n          boost: 1000\n        text:\n          boost: 1\n"
        "        tags:\n          boost: 10\n", 1)
    return config


def build(name: str, out: Path) -> Path:
    site = out / name
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    config = ROOT / "mkdocs.yml"
    if name == "stock":
        config = ROOT / ".mkdocs-stock.yml"
        config.write_text(stock_config(), encoding="utf-8")
    try:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                       cwd=ROOT, env=env, check=True)
    finally:
        if name == "stock":
            config.unlink()
    return site


def run(site: Path, queries: list, text: sq.CorpusText, verbose: bool) -> list:
    outcomes = []
    with served_browser(site) as (browser, url):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        for q in queries:
            o = sq.measure(page, q, text)
            outcomes.append(o)
            if verbose:
                print(f"  {q.kind:8} {q.text:12} {o.meta:16} {o.metrics}", file=sys.stderr)
    return outcomes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("ours", "stock"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    from build_scripts.pipeline import build_corpus

    corpus = build_corpus(ROOT / "seeds", ROOT / "themes.yml")
    text = sq.CorpusText(corpus)
    queries = sq.load_queries()
    names = [args.only] if args.only else ["ours", "stock"]
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            site = build(name, Path(tmp))
            outcomes = run(site, queries, text, args.verbose)
            report[name] = {"summary": sq.summary(outcomes),
                            "queries": [{"q": o.query.text, "kind": o.query.kind, **o.metrics} for o in outcomes]}

    rows = list(report[names[0]]["summary"])
    print(f"{'':28}" + "".join(f"{n:>12}" for n in names))
    for key in rows:
        print(f"{key:28}" + "".join(f"{str(report[n]['summary'][key]):>12}" for n in names))
    print()
    print(f"{'query':18}{'kind':9}" + "".join(f"{n + ' speech/passage/first/noise/results':>44}" for n in names))
    for i, q in enumerate(queries):
        cells = []
        for n in names:
            m = report[n]["queries"][i]
            fmt = lambda v: "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))  # noqa: E731
            cells.append(f"{fmt(m['speech_recall'])}/{fmt(m['passage_recall'])}/"
                         f"{fmt(m['first_exact'])}/{m['non_exact']}/{m['results']}")
        print(f"{q.text:18}{q.kind:9}" + "".join(f"{c:>44}" for c in cells))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
