"""Search quality, ours beside stock mkdocs-material, on the same pages.

Builds the site twice from this repository's seeds — once as shipped (the
knowledge base's search worker and chunked index), once with the search left
to stock mkdocs-material (lunr + jieba; mkdocs.yml without ``custom_dir``,
``kb: search: material``, the field boosts of the previous release) —
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
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import search_quality as sq  # noqa: E402
from support.browser import served_browser  # noqa: E402
from support.projects import mkdocs_build, write_config  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "search_quality.json"


#: Field boosts of the previous release's stock search.
STOCK_FIELDS = {"title": {"boost": 1000}, "text": {"boost": 1}, "tags": {"boost": 10}}


def build(name: str, out: Path) -> Path:
    """Build the site as shipped (``ours``: mkdocs.yml) or with the search
    left to mkdocs-material (``stock``: a generated config that inherits
    mkdocs.yml, without the theme overrides, with ``kb: search: material``)."""
    site = out / name
    config = ROOT / "mkdocs.yml"
    if name == "stock":
        project = out / "stock-project"
        project.mkdir()
        # An empty overrides folder: material's own templates and search
        # worker (a null custom_dir is not a valid theme setting).
        (project / "no-overrides").mkdir()
        config = write_config(project, kb={"seeds_dir": str(ROOT / "seeds"), "themes": str(ROOT / "themes.yml"),
                                           "cache_dir": str(ROOT / ".cache" / "analysis"), "search": "material"},
                              search={"fields": STOCK_FIELDS}, docs_dir=str(ROOT / "docs"),
                              theme={"custom_dir": str(project / "no-overrides"), "language": "zh"})
    result = mkdocs_build(ROOT, site, strict=False, config=config)
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build ({name}) failed:\n{result.stderr}")
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
