"""Command line: run the pipeline without mkdocs.

    python -m build_scripts [check]           analyse seeds/, print a summary
    python -m build_scripts export [-o PATH]  write the corpus JSON (default:
                                              site/data/corpus.json; - = stdout)
    python -m build_scripts tag FILE...       tag speech files anywhere and
                                              print the corpus JSON
    python -m build_scripts evaluate          precision/recall/F1 (95 % bootstrap
                                              intervals) of the tagger on the
                                              labelled sets in tests/data, and
                                              the annotators' agreement
    python -m build_scripts evaluate --labels PATH...
                                              the same on the seeds and on the
                                              given labelled sets only
    python -m build_scripts pages DIR         every page as a plain file in a
                                              build-only DIR with a mkdocs.yml
                                              that needs no kb plugin (plain.py)

Exit codes: 0 success; 1 a speech file was skipped (the others are still
processed), or no speech at all was found; 2 bad usage; 3 configuration
error (themes.yml, sidecar).  ``tag`` reads each file once however often it
is given, and names a missing file, a folder or a non-speech as such.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

from . import export
from .errors import ConfigError
from .model import Corpus
from .pipeline import ROOT, build_corpus, jobs_wanted

#: Two annotators' labels of the former blind tests (``evaluate``'s default).
DEFAULT_AGREEMENT = [ROOT / "tests" / "data" / f"labels_agreement{s}.yml" for s in ("", "_test2", "_test3", "_test4")]
EXIT_SKIPPED = 1
EXIT_CONFIG = 3


#: How ``check`` names each line reconstruction decision (model.Speech.repairs).
_REPAIR_WORDS = (("rejoin", "re-joined {} lines"), ("runin", "split {} run-in headings"),
                 ("title", "split the title from the greeting"), ("markup", "removed markup on {} lines"))


def _repairs(speech) -> str:
    counts = [(fmt, sum(1 for _, a in speech.repairs if a == action)) for action, fmt in _REPAIR_WORDS]
    return ", ".join(fmt.format(n) for fmt, n in counts if n) or "-"


def _summary(corpus: Corpus) -> str:
    rows = ["id\tparts\tsub-points\tpassages\tthemes\tlines\tread as"]
    for s in corpus.speeches:
        subs = [len([u for u in s.children(part.id) if u.kind == "subpoint"]) for part in s.parts]
        rows.append(f"{s.id}\t{len(s.parts)}\t{subs}\t{len(s.passages)}\t{'、'.join(s.themes) or '-'}\t{_repairs(s)}"
                    f"\t{s.encoding}")
    rows.append(f"{len(corpus.speeches)} speech(es) built, {len(corpus.skipped)} skipped, "
                f"{len(corpus.ignored)} other file(s) ignored")
    rows += [f"skipped: {sk.message}" for sk in corpus.skipped]
    return "\n".join(rows)


def _evaluate(args: argparse.Namespace) -> Corpus:
    from . import evaluation
    from .pipeline import Analyzer
    from .tagger import Tagger
    from .themes import load_lexicon

    # One analyzer tags both the seeds and the loose passages.
    analyzer = Analyzer.from_lexicon(load_lexicon(args.themes))
    corpus = build_corpus(args.seeds, args.themes, analyzer=analyzer)
    names = [t.name for t in corpus.themes]
    model = analyzer.tagger.model
    # The same passages tagged by the lexicon rule alone, beside the model.
    rule = Tagger(analyzer.lexicon, analyzer.tagger.segmenter, None) if model is not None else None
    alone: dict[str, evaluation.Decision] = {}
    sets = [("seeds", evaluation.seed_decisions(corpus, evaluation.load_labels(args.seed_labels)))]
    for path in args.labels or args.text_labels:
        if path.exists():
            items = evaluation.load_labels(path)
            sets.append((path.stem.removeprefix("labels_"), evaluation.text_decisions(analyzer.tagger, items)))
            if rule is not None:
                alone.update((d.key, d) for d in evaluation.text_decisions(rule, items))
        elif args.labels:
            print(f"error: {path}: no such labels file; give the path of a YAML list of "
                  "{id, text, themes} entries", file=sys.stderr)
            raise SystemExit(2)
        else:
            print(f"{path.name}: not there (no passages of this split yet)\n")
    if not args.labels:
        # The blind tests were used once each and now sit in train and dev,
        # every passage of a source together; each is still reported whole.
        pooled = [d for label, ds in sets[1:] if label.startswith(("train", "dev")) for d in ds]
        for name, pattern in evaluation.FORMER_TESTS:
            former = [d for d in pooled if re.fullmatch(pattern, d.key)]
            if former:
                sets.append((f"{name} (now in train/dev)", former))
    if model is not None:
        print(f"tagger: the lexicon rule and the trained model ({evaluation.model_summary(model)}).\n"
              "train and dev are the model's training data: their figures are in-sample; "
              "`make model-cv` gives the grouped cross-validation.\n")
    for label, decisions in sets:
        metrics = evaluation.score(decisions, names)
        print(f"{label}: {len(decisions)} passages")
        print(evaluation.table_with_intervals(metrics, evaluation.bootstrap(decisions, names)))
        if alone and label != "seeds":
            print(evaluation.micro_row("rule only", [alone[d.key] for d in decisions], names))
        if args.verbose:
            for m in metrics[:-1]:
                for e in m.errors:
                    print(f"  {m.name} {e}")
        print()
    for path in args.agreement if args.agreement is not None else ([] if args.labels else DEFAULT_AGREEMENT):
        if not path.exists():
            continue
        items = evaluation.load_agreement(path)
        kappas, micro = evaluation.agreement(items, names)
        print(f"annotator agreement ({path.name}): {len(items)} passages labelled by both")
        print("  Cohen's κ: " + "  ".join(f"{t} {k:.2f}" for t, k in kappas.items()))
        print(f"  annotator B against A: micro P {micro.precision:.2f} R {micro.recall:.2f} F1 {micro.f1:.2f}")
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_scripts", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of speeches (default: seeds/)")
    parser.add_argument("--themes", type=Path, default=ROOT / "themes.yml", help="theme lexicon (default: themes.yml)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("check", help="analyse the seeds and print a summary")
    p_export = sub.add_parser("export", help="write the corpus JSON")
    p_export.add_argument("-o", "--output", default=str(ROOT / "site" / "data" / "corpus.json"),
                          help="output file, or - for standard output")
    p_tag = sub.add_parser("tag", help="tag speech files and print their JSON")
    p_tag.add_argument("files", nargs="+", type=Path, help="speech files (.txt or .docx)")
    p_eval = sub.add_parser("evaluate", help="score the tagger on labelled passages")
    p_eval.add_argument("--seed-labels", type=Path, default=ROOT / "tests" / "data" / "labels_seeds.yml")
    p_eval.add_argument("--text-labels", type=Path, nargs="*",
                        default=(sorted((ROOT / "tests" / "data").glob("labels_train*.yml")) + [ROOT / "tests" / "data" / "labels_dev.yml"]
                                 + sorted((ROOT / "tests" / "data").glob("labels_test*.yml"))),
                        help="labelled passages of other speeches (default: the train sets, labels_train*.yml, "
                             "the dev set and the blind test sets, labels_test*.yml; their former blind tests are also reported on their own)")
    p_eval.add_argument("--labels", type=Path, nargs="+", metavar="PATH",
                        help="score only these labelled sets (a list of {id, text, themes, source}, like "
                             "tests/data/labels_dev.yml), besides the seeds; e.g. a new blind test")
    p_eval.add_argument("--agreement", type=Path, nargs="*", default=None,
                        help="two annotators' labels of the same passages, {id, a, b} (Cohen's κ, micro-F1); "
                             "default: the former blind tests' (none with --labels)")
    p_eval.add_argument("-v", "--verbose", action="store_true", help="list every false positive/negative")
    p_pages = sub.add_parser("pages", help="write every page as a plain file, with a mkdocs.yml without kb")
    p_pages.add_argument("dir", type=Path, help="build-only folder (new, empty or written by this command)")
    p_pages.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml",
                         help="the mkdocs.yml with the kb plugin (default: the repository's)")
    p_pages.add_argument("--html-links", choices=("url", "md"), default="url",
                         help="links inside HTML blocks: resolved URLs (mkdocs, ProperDocs; default) or .md paths "
                              "(Zensical, which resolves them itself)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    try:
        if args.command == "tag":
            corpus = build_corpus(args.seeds, args.themes, files=args.files)
            sys.stdout.write(export.to_json(corpus))
        elif args.command == "pages":
            from . import plain

            written = plain.write(args.dir, args.config_file, args.html_links)
            print(f"wrote {args.dir}: {written.pages} generated pages, {written.hand_written} hand-written files, "
                  f"{written.sources} source files; build it with: cd {args.dir} && mkdocs build", file=sys.stderr)
            return EXIT_SKIPPED if written.skipped else 0
        elif args.command == "evaluate":
            corpus = _evaluate(args)
        else:
            corpus = build_corpus(args.seeds, args.themes, jobs=jobs_wanted())
            if args.command == "export":
                text = export.to_json(corpus)
                if args.output == "-":
                    sys.stdout.write(text)
                else:
                    out = Path(args.output)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_text(text, encoding="utf-8")
                    print(f"wrote {out}", file=sys.stderr)
            else:
                print(_summary(corpus))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    # Nothing built (an empty seeds/, or every file skipped) is a failure too.
    return EXIT_SKIPPED if corpus.skipped or not corpus.speeches else 0


if __name__ == "__main__":
    sys.exit(main())
