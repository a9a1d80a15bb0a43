"""Sizes of the list pages and their data files at a synthetic corpus size,
without a mkdocs build: the pages' Markdown as ``generated.render_pages``
returns it (what mkdocs turns into HTML adds the theme's chrome, ~35 KB a
page, and no rows) and every non-Markdown file the pages come with.

    .venv/bin/python benchmarks/list_pages.py 10000 --work /tmp/kb-lists

The corpus is analysed once into ``WORK/<n>/`` (seeds, analysis cache and a
pickle of the corpus model) and reused by later runs.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from build_scripts import generated  # noqa: E402
from build_scripts.cache import AnalysisCache  # noqa: E402
from build_scripts.pipeline import build_corpus  # noqa: E402


def corpus_of(n: int, work: Path):
    """The corpus model of the first ``n`` synthetic speeches, analysed once
    and kept as a pickle in ``work/<n>/corpus.pickle``."""
    import synth

    folder = work / str(n)
    saved = folder / "corpus.pickle"
    if saved.is_file():
        return pickle.loads(saved.read_bytes())
    seeds = folder / "seeds"
    if not seeds.is_dir():
        synth.write_seeds(synth.synthesise(n), seeds)
    start = time.monotonic()
    corpus = build_corpus(seeds, ROOT / "themes.yml", cache=AnalysisCache(folder / "cache"), jobs=1)
    print(f"analysed {n} speeches in {time.monotonic() - start:.0f} s", file=sys.stderr)
    saved.write_bytes(pickle.dumps(corpus, protocol=pickle.HIGHEST_PROTOCOL))
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", help="comma-separated corpus sizes")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kb-lists"))
    parser.add_argument("--top", type=int, default=12, help="largest files to show")
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        corpus = corpus_of(n, args.work)
        start = time.monotonic()
        rendered = generated.render_pages(corpus)
        seconds = time.monotonic() - start
        sizes = sorted(((len(text.encode("utf-8")), path) for path, text in rendered.items()), reverse=True)
        print(f"# {n} speeches: {len(rendered)} files rendered in {seconds:.1f} s")
        for size, path in sizes[:args.top]:
            print(f"{size:>10,}  {path}")
        lists = [(s, p) for s, p in sizes if p.startswith("speeches/index") or p.startswith("themes/index")
                 or not p.endswith(".md")]
        print("list pages and data files:")
        for size, path in lists[:args.top]:
            print(f"{size:>10,}  {path}")


if __name__ == "__main__":
    main()
