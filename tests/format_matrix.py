"""The format matrix: each seed rewritten in the layouts speeches arrive in.

``LAYOUTS`` maps a layout name to a function (seed text → (file name
suffix, content)); ``build(text, layout)`` applies one.  Used by
tests/test_formats.py and, to measure any version of the code, by
``python tests/format_matrix.py [ROOT]``.

Every layout puts a byline and a date under the title (as PDFs and WeChat
articles do), so each one also tests that they are read.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

BYLINE = "区委副书记　张某某"
DATE_LINE = "（2016年5月20日）"
SPEAKER = "区委副书记张某某"
DATE = "2016-05-20"
#: A part heading line of the seeds: 一、 … without a full stop.
_HEADING_RE = re.compile(r"^(\s*)([一二三四五六七八九十])、([^。！？]{1,60})$")


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def _with_byline(lines: list[str], date_line: str = DATE_LINE) -> list[str]:
    first = next(i for i, l in enumerate(lines) if l.strip() and not l.startswith("本文系"))
    return lines[: first + 1] + [BYLINE, date_line] + lines[first + 1:]


def _wrap(width: int):
    def layout(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            s = line.strip(" \u3000\t")
            if not s:
                out.append("")
                continue
            out += [s[i:i + width] for i in range(0, len(s), width)]
        return out
    return layout


def _runin(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _HEADING_RE.match(lines[i])
        if m and i + 1 < len(lines):
            out.append(f"{m.group(2)}、{m.group(3)}。{lines[i + 1].strip()}")
            i += 2
        else:
            out.append(lines[i])
            i += 1
    return out


def _remark(fmt: str):
    def layout(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            m = _HEADING_RE.match(line)
            out.append(fmt.format(n=m.group(2), h=m.group(3)) if m else line)
        return out
    return layout


def _blank(lines: list[str]) -> list[str]:
    return [x for line in lines for x in (line, "")]


def _docx(lines: list[str]) -> bytes:
    import docx
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


#: layout name → function of the seed's lines (byline already added).
LAYOUTS = {
    "byline+date": lambda lines: lines,
    "wrapped at 28": _wrap(28),
    "wrapped at 40": _wrap(40),
    "run-in headings": _runin,
    "blank lines everywhere": _blank,
    ".docx": lambda lines: lines,
    "Markdown-bold headings": _remark("**{n}、{h}**"),
    "parts as 第一，": lambda lines: _remark("第{n}，{h}")([l.replace("第一要务", "第一要务") for l in lines]),
    "parts as （一）": _remark("（{n}）{h}"),
    "HTML paragraphs": lambda lines: ["".join(f"<p>{l.strip()}</p>" for l in lines if l.strip())],
    "byline date in Chinese numerals": lambda lines: lines,
}


def build(text: str, layout: str) -> tuple[str, bytes]:
    """(suffix, file content) of the seed ``text`` in ``layout``."""
    date_line = "二〇一六年五月二十日" if layout == "byline date in Chinese numerals" else DATE_LINE
    lines = LAYOUTS[layout](_with_byline(_lines(text), date_line))
    if layout == ".docx":
        return ".docx", _docx(lines)
    return ".txt", "\n".join(lines).encode("utf-8")


def measure(root: Path) -> list[tuple[str, str, tuple]]:
    """Run the pipeline of the code at ``root`` on every seed × layout:
    (seed, layout, (parts, sub-points per part, lossless, date, speaker))."""
    import tempfile
    sys.path.insert(0, str(root))
    from build_scripts.pipeline import Analyzer, build_corpus  # noqa: E402
    from build_scripts.themes import load_lexicon  # noqa: E402

    analyzer = Analyzer.from_lexicon(load_lexicon(root / "themes.yml"))

    rows = []
    seeds = sorted((root / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        # One corpus per layout: two layouts of a seed can clean to the same
        # text, which a build publishes once.
        for k, layout in enumerate(LAYOUTS):
            folder = Path(tmp) / f"layout{k}" / "seeds"
            folder.mkdir(parents=True)
            files = []
            for seed in seeds:
                suffix, data = build(seed.read_text(encoding="utf-8"), layout)
                path = folder / f"{seed.stem}{suffix}"
                path.write_bytes(data)
                files.append((seed.stem, path))
            corpus = build_corpus(folder, root / "themes.yml", analyzer=analyzer)
            by_id = {Path(s.source).stem: s for s in corpus.speeches}
            for stem, path in files:
                s = by_id.get(path.stem)
                if s is None:
                    rows.append((stem, layout, ("skipped",)))
                    continue
                # ``parts`` (older code: ``sections``), so any version can be measured.
                parts = s.parts if hasattr(s, "parts") else s.sections
                subs = [len([u for u in s.units if u.parent == sec.id and u.kind == "subpoint"]) for sec in parts]
                date = s.meta.date.value if s.meta.date else None
                speaker = s.meta.speaker.value if s.meta.speaker else None
                rows.append((stem, layout, (len(parts), subs, date == DATE, speaker == SPEAKER)))
    return rows


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    import logging
    logging.disable(logging.CRITICAL)
    for stem, layout, result in measure(root):
        print(f"{stem[:3]}\t{layout}\t{result}")
