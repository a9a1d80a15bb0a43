"""Write a tiny search index, built by ``build_scripts.search_index``, for
the worker tests in this folder (``kb-search.test.mjs``).

    python tests/js/make_index.py OUT_DIR [--many]

Writes OUT_DIR/search/... (the index files) and OUT_DIR/pages.json (the
pages, so the tests can check results against what was indexed).  Small
shards (``shard_bytes``) so that a query touches several of them.  With
``--many``: forty speeches whose 职工 is a hot key in several parts, and
困难职工 only in the last five (``many``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from build_scripts import search_index as si  # noqa: E402

FILLER = "同志们要认真学习领会会议精神并结合实际抓好贯彻落实确保各项任务落到实处"


def pages() -> list[si.SearchPage]:
    """Three speeches, a theme and a help page.

    - 困难职工帮扶 is an exact phrase in A#p1 and B#p1; B#p2 says it in
      other words (帮扶援助困难职工: 相近表述); C#p1 has both pieces, but too
      far apart.
    - C#p2 holds markup, to be shown as text.
    - the help page quotes 困难职工帮扶 too.
    """
    def speech(loc, title, facts, passages):
        page = si.SearchPage(loc, title, "speech", facts=facts)
        page.docs.append(si.SearchDoc("", title, f"{title}　{facts}", "page"))
        page.docs.append(si.SearchDoc("part-1", "一、做好帮扶工作", "一、做好帮扶工作", "section"))
        for anchor, text in passages:
            page.docs.append(si.SearchDoc(anchor, "一、做好帮扶工作", text, "paragraph"))
        return page

    a = speech("speeches/a/", "在甲区工会代表大会上的讲话", "甲区 · 代表大会 · 2016（十八大时期）",
               [("p1", "要把困难职工帮扶作为工会工作的重中之重。"), ("p2", "推进厂务公开和集体合同制度。")])
    b = speech("speeches/b/", "在乙县工会工作会议上的讲话", "乙县 · 工作会议 · 2010–2012（十七大时期）",
               [("p1", "困难职工帮扶中心要常年开放。"),
                ("p2", "对生活困难的职工，要帮扶援助困难职工渡过难关。"),
                ("p3", "开展ＧＤＰ和Ｗｉ－Ｆｉ覆盖情况调查。")])
    c = speech("speeches/c/", "工会讲话致辞", "丙市 · 代表大会 · 2019（十九大时期）",
               [("p1", "困难职工" + FILLER + "帮扶"),
                ("p2", '警惕<img src=x onerror="alert(1)">和<script>alert(2)</script>这类文字。'),
                ("p3", "劳动竞赛和技术革新相结合。"), ("p4", "劳动竞赛要常态化。")])
    theme = si.SearchPage("themes/weiquan/", "维权帮扶", "theme")
    theme.docs.append(si.SearchDoc("", "维权帮扶", "维权帮扶　困难职工帮扶、法律援助", "page"))
    help_page = si.SearchPage("about/", "使用说明", "doc")
    help_page.docs.append(si.SearchDoc("", "使用说明", "使用说明", "page"))
    help_page.docs.append(si.SearchDoc("search", "搜索", "搜“困难职工帮扶”，也会找到相近表述。", "section"))
    return [a, b, c, theme, help_page]


def many() -> list[si.SearchPage]:
    """Forty speeches: 职工 on every page (a hot key, in parts), 困难职工 on
    the last five only (beyond the first part); the last speech has long
    parts (several documents files)."""
    out = []
    for n in range(40):
        page = si.SearchPage(f"speeches/s{n:02d}/", f"第{n}号讲话", "speech")
        page.docs.append(si.SearchDoc("", f"第{n}号讲话", f"第{n}号讲话", "page"))
        text = "广大职工要爱岗敬业，职工代表要履职尽责，" + ("关心困难职工生活。" if n >= 35 else "")
        page.docs.append(si.SearchDoc("p1", "一、职工", text, "paragraph"))
        if n == 39:
            # Long parts: its documents are in several files, and the
            # passage found is in the last one, titled from its part.
            for k, head in enumerate(["二、第二部分", "三、第三部分"], start=2):
                page.docs.append(si.SearchDoc(f"part-{k}", head, head, "section"))
                page.docs.append(si.SearchDoc(f"part-{k}-p1", head, FILLER * 24, "paragraph"))
            page.docs.append(si.SearchDoc("part-4", "四、关心困难职工", "四、关心困难职工", "section"))
            page.docs.append(si.SearchDoc("part-4-1", "四、关心困难职工 · 一要关心困难职工的生活，帮助他们解决实际…",
                                          "一要关心困难职工的生活，帮助他们解决实际困难。", "subpoint"))
        out.append(page)
    return out


def main(out: Path, hot: bool = False) -> None:
    chosen = many() if hot else pages()
    index = si.build(chosen, shard_bytes=60 if hot else 400,
                     base_config={"lang": ["zh"], "separator": "[\\s]+"})
    for path, content in index.files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (out / "pages.json").write_text(json.dumps([asdict(p) for p in chosen], ensure_ascii=False),
                                    encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--many" in sys.argv[2:])
