"""Speeches as they really arrive: the format matrix, marker families,
front matter, occasions, placeholders, disclaimers, sidecar titles, and
real openings from other sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_scripts import cleaner, metadata, reader, splitter
from build_scripts.cleaner import PLACEHOLDER, clean, clean_line, is_disclaimer
from conftest import ROOT, SEED_STRUCTURE, SEEDS
from format_matrix import DATE, LAYOUTS, SPEAKER, build

OPENINGS = Path(__file__).parent / "fixtures" / "openings" / "openings.yml"


def _analyse(analyzer, tmp_path, name, suffix, data):
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(data)
    read = reader.read_speech(path)
    return analyzer.analyse(name, path.name, read.text)


def _han(text):
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("stem", sorted(SEED_STRUCTURE))
def test_every_layout_gives_the_seeds_structure(analyzer, tmp_path, stem, layout):
    seed = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    suffix, data = build(seed, layout)
    speech = _analyse(analyzer, tmp_path, stem, suffix, data)  # raises if a character is lost
    subs = [len([u for u in speech.units if u.parent == s.id and u.kind == "subpoint"]) for s in speech.parts]
    assert subs == SEED_STRUCTURE[stem]
    assert speech.meta.date.value == DATE and speech.meta.date.origin == "byline"
    assert speech.meta.speaker.value == SPEAKER and speech.meta.speaker.origin == "byline"
    # The byline is metadata, never a passage, and still in a unit (a note).
    notes = [u.text for u in speech.units if u.id.startswith("byline-")]
    assert SPEAKER in notes
    # No character of the seed is lost: every Han character is in the title
    # or a unit, in order.
    pieces = [(u.line, i, u.heading if u.kind == "section" else u.text) for i, u in enumerate(speech.units)
              if (u.kind in splitter.LEAF_KINDS or u.kind == "section") and not u.id.startswith("note-")]
    pieces.append((speech.title_line, -1, speech.title))
    got = _han("".join(t for _, _, t in sorted(pieces)))
    it = iter(got)
    disclaimers = [u.text for u in speech.units if u.id.startswith("note-")]
    assert all(ch in it for ch in _han("\n".join(l for l in seed.splitlines() if l.strip() not in disclaimers)))  # the seed's characters, in order (a subsequence)


@pytest.mark.parametrize("width", [28, 40])
def test_wrapped_lines_come_back_as_the_seeds_paragraphs(analyzer, tmp_path, width):
    """Re-joined text has the seed's own passages.  The one ambiguity of a
    hard wrap is a paragraph that ends exactly at the margin: it is joined
    with the next (a full stop at the margin is far likelier mid-paragraph),
    which happens once in these ten files (004 at 40)."""
    merged = 0
    for stem in SEED_STRUCTURE:
        seed = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
        plain = _analyse(analyzer, tmp_path, f"p{stem}", *build(seed, "byline+date"))
        wrapped = _analyse(analyzer, tmp_path, f"w{stem}", *build(seed, f"wrapped at {width}"))
        leaves = lambda s: [u for u in s.units if u.kind in splitter.LEAF_KINDS]  # noqa: E731
        assert len(leaves(wrapped)) <= len(leaves(plain))
        merged += len(leaves(plain)) - len(leaves(wrapped))
    assert merged <= 1


def test_wrapped_seed_records_what_was_rejoined(analyzer, tmp_path):
    seed = (SEEDS / "002_3520ac743f25e09c.txt").read_text(encoding="utf-8")
    speech = _analyse(analyzer, tmp_path, "w", *build(seed, "wrapped at 28"))
    assert sum(1 for _, a in speech.repairs if a == "rejoin") > 20
    runin = _analyse(analyzer, tmp_path, "r", *build(seed, "run-in headings"))
    assert [a for _, a in runin.repairs].count("runin") == 4


def test_seeds_need_no_reconstruction(corpus):
    assert all(s.repairs == [] for s in corpus.speeches)


def test_check_prints_the_same_structure_plus_what_reconstruction_did(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for stem in SEED_STRUCTURE:
        suffix, data = build((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"), "wrapped at 28")
        (seeds / f"{stem}{suffix}").write_bytes(data)
    out = subprocess.run([sys.executable, "-m", "build_scripts", "--seeds", str(seeds), "check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env={"KB_JOBS": "1", "PATH": "/usr/bin"})
    assert out.returncode == 0, out.stderr
    rows = {r.split("\t")[0]: r.split("\t") for r in out.stdout.splitlines()[1:-1]}
    for stem, subs in SEED_STRUCTURE.items():
        assert rows[stem][1] == str(len(subs)) and rows[stem][2] == str(subs)
        assert re.match(r"re-joined \d+ lines", rows[stem][5])


# --- marker families ---------------------------------------------------------------

BODY = "这一部分讲工会工作。要做好服务。"


def _speech(lines):
    c = clean("\n".join(lines))
    s = splitter.analyse(c.lines, c.notes)
    assert splitter.check_lossless(c.lines, c.notes, s.title, s.title_line, s.units) is None
    return s


@pytest.mark.parametrize("marker", ["{n}、", "第{n}，", "第{n}、", "第{n}部分 ", "（{n}）", "{d}.", "{d}、", "{n}要", "{n}是"])
def test_each_marker_family_numbers_the_parts(marker):
    nums = "一二三"
    lines = ["在某区工会会议上的讲话", "同志们：", "今天开会。"]
    for k in range(3):
        lines += [marker.format(n=nums[k], d=k + 1) + f"第{nums[k]}件事情" + "。" + BODY, BODY]
    lines += ["同志们，让我们共同努力！"]
    s = _speech(lines)
    parts = [u for u in s.units if u.kind == "section"]
    assert [p.number for p in parts] == [1, 2, 3]
    assert s.units[-1].kind == "closing"


def test_subpoints_use_the_next_family_down():
    lines = ["讲话", "一、第一部分", "（一）加强领导。" + BODY, "（二）改进作风。" + BODY,
             "二、第二部分", "首先，要学习。其次，要实践。最后，要总结。", "三、第三部分", "一是要团结。二是要奋斗。"]
    s = _speech(lines)
    subs = {p.id: [u.text[:3] for u in s.units if u.parent == p.id and u.kind == "subpoint"]
            for p in s.units if p.kind == "section"}
    assert subs == {"part-1": ["（一）", "（二）"], "part-2": ["首先，", "其次，", "最后，"], "part-3": ["一是要", "二是要"]}


def test_an_enumeration_inside_a_paragraph_stays_a_paragraph():
    lines = ["讲话", "同志们：", "我讲两点。第一，要学习；第二，要实践。这是要求。", "谢谢大家。"]
    s = _speech(lines)
    assert not [u for u in s.units if u.kind in ("section", "subpoint")]


def test_a_top_level_yi_yao_chain_gives_parts():
    lines = ["讲话", "同志们：", "今天讲三点。", "一要提高认识。" + BODY, BODY, "二要突出重点。" + BODY, "三要狠抓落实。" + BODY]
    s = _speech(lines)
    assert [u.heading for u in s.units if u.kind == "section"] == ["一要提高认识。", "二要突出重点。", "三要狠抓落实。"]


def test_a_greeting_without_colon_is_not_a_title():
    s = _speech(["各位代表，同志们", "今天开会。"])
    assert s.title is None and s.units[0].kind == "salutation"


def test_a_title_holding_the_greeting_and_a_quote_is_split_from_them():
    s = _speech(["在全市工会工作会议上的讲话同志们：“劳动创造幸福”。今天我们召开会议。", "谢谢大家。"])
    assert s.title == "在全市工会工作会议上的讲话"
    assert [(u.kind, u.text) for u in s.units[:2]] == [("salutation", "同志们："), ("paragraph", "“劳动创造幸福”。今天我们召开会议。")]
    assert sorted(r.action for r in s.repairs) == ["runin", "title"]


# --- front matter --------------------------------------------------------------

@pytest.mark.parametrize("front, date, speaker", [
    (["区委副书记　张某某", "（2016年5月20日）"], "2016-05-20", "区委副书记张某某"),
    (["张某某", "二〇一六年五月二十日"], "2016-05-20", "张某某"),
    (["（2016年5月20日在某区工会第三次代表大会上的讲话）", "根据录音整理"], "2016-05-20", None),
    (["市总工会主席王某", "2019年4月28日", "来源：某市总工会网站"], "2019-04-28", "市总工会主席王某"),
])
def test_front_matter_is_metadata_never_a_passage(front, date, speaker):
    c = clean("\n".join(["在某区工会代表大会上的讲话", *front, "同志们：", "今天开会。"]))
    s = splitter.analyse(c.lines, c.notes)
    assert [u.kind for u in s.units[:len(front)]] == ["note"] * len(front)
    m = metadata.extract(s.title, "\n".join(t for _, t in s.lines), s.front)
    assert m.date.value == date and m.date.origin == "byline"
    assert (m.speaker.value if m.speaker and m.speaker.origin == "byline" else None) == speaker


def test_a_full_date_in_the_title_is_read():
    m = metadata.extract("在庆祝五一劳动节大会上的演说（一九五○年四月二十九日）", "同志们：我们现在庆祝五一劳动节。")
    assert (m.date.value, m.date.origin) == ("1950-04-29", "title")


def test_a_title_year_that_contradicts_the_byline_date_is_a_warning():
    m = metadata.extract("2023年工会代表大会讲话", "同志们，今天开会。", [("date", 2, "（2016年5月20日）")])
    assert m.date.value == "2016-05-20"
    assert any("2023" in w and "2016年5月20日" in w for w in m.warnings)


# --- occasions, congresses, places ---------------------------------------------------

@pytest.mark.parametrize("title, text, occasion, congress, place", [
    ("讲话", "同志们：今天，我们隆重集会，热烈庆祝“五一”国际劳动节。", "五一国际劳动节庆祝大会", None, None),
    ("讲话", "同志们：今天，我们召开全市劳模表彰大会，表彰劳动模范。全市职工……", "劳模表彰大会", None, "市"),
    ("讲话", "各位委员：今天召开区总工会十四届一次全委（扩大）会议。", "全委（扩大）会议", "第十四届委员会第一次全体会议", "区"),
    ("讲话", "同志们：今天召开公司第三届职代会第二次会议。", "职工代表大会", None, None),
    ("讲话", "同志们：今天，××镇工会第一次会员（代表）大会隆重召开。", "会员（代表）大会", "第一次代表大会", "××镇"),
    ("讲话", "同志们：今天我们在这里召开座谈会，听取职工意见。", "座谈会", None, None),
    ("讲话", "同志们：今天召开上海市总工会工作会议。上海职工……为上海发展……", "工会工作会议", None, "上海市"),
    ("讲话", "同志们：今天举行颁奖仪式。突破睢宁，睢宁职工……", "颁奖仪式", None, "睢宁县"),
    ("在区工会换届大会上的讲话", "同志们：今天，区工会进行换届选举。", "换届大会", None, "区"),
    ("讲话", "各位代表：县工会第五次代表大会今天胜利闭幕了。", "代表大会闭幕式", "第五次代表大会", "县"),
])
def test_occasion_congress_and_place(title, text, occasion, congress, place):
    m = metadata.extract(title, text)
    value = lambda mv: mv.value if mv else None  # noqa: E731
    assert (value(m.occasion), value(m.congress), value(m.place)) == (occasion, congress, place)


def test_real_openings_from_other_sources():
    rows = yaml.safe_load(OPENINGS.read_text(encoding="utf-8"))
    assert len(rows) >= 10 and all(r["url"].startswith("http") for r in rows)
    right = {"occasion": 0, "congress": 0, "place": 0}
    for r in rows:
        c = clean(r["title"] + "\n" + r["text"])
        s = splitter.analyse(c.lines, c.notes)
        m = metadata.extract(s.title or "", "\n".join(t for _, t in s.lines), s.front)
        for key in right:
            mv = getattr(m, key)
            right[key] += (mv.value if mv else None) == r["expected"][key]
    assert all(n >= 8 for n in right.values()), right


# --- placeholders and disclaimers ---------------------------------------------------

@pytest.mark.parametrize("raw, cleaned", [
    ("**加强党的领导**", "加强党的领导"),
    ("__三个到位__", "三个到位"),
    ("XX世纪90年代", "XX世纪90年代"),
    ("xx同志", f"{PLACEHOLDER}同志"),
    ("○○单位", f"{PLACEHOLDER}单位"),
    ("2**10", "2**10"),
    ("姓名_____", "姓名_____"),
    ("二○○八年", "二○○八年"),
    ("以_为核心", f"以{PLACEHOLDER}为核心"),
    ("***加粗斜体***和", "***加粗斜体***和"),
    ("在“_”目标和“_”规划中", f"在“{PLACEHOLDER}”目标和“{PLACEHOLDER}”规划中"),
])
def test_placeholders_only_where_they_stand_for_a_name(raw, cleaned):
    result = clean(raw)
    assert "".join(t for _, t in result.lines) == cleaned
    assert cleaner.check_source(raw, result) is None


@pytest.mark.parametrize("line, note", [
    ("本文系统阐述了新时期工会工作的任务。", False),
    ("以上意见，仅供参考。", False),
    ("本文系邮箱投稿，仅供学习参考，请勿照搬照抄！", True),
    ("来源：某区总工会网站", True),
    ("转载请注明出处", True),
])
def test_disclaimers_are_whole_known_phrases_at_line_start(line, note):
    assert is_disclaimer(clean_line(line)) is note


def test_web_editor_leftovers_are_removed_losslessly():
    raw = '<p style="text-indent:2em">一、加强领导</p><p>正文。</p>\n**二、改进作风**正文。\n<b onmouseover=x>粗</b>'
    result = clean(raw)
    assert [t for _, t in result.lines] == ["一、加强领导", "正文。", "二、改进作风", "正文。", "<b onmouseover=x>粗</b>"]
    assert cleaner.check_source(raw, result) is None
    assert result.markup == [1, 2]


# --- sidecar title ------------------------------------------------------------------

def test_a_sidecar_title_never_makes_a_line_vanish(analyzer):
    text = "工会讲话致辞\n同志们：\n今天开会。"
    speech = analyzer.analyse("s", "s.txt", text, {"title": "在某区工会第三次代表大会上的讲话"})
    assert speech.title == "在某区工会第三次代表大会上的讲话"
    assert [u.text for u in speech.units if u.id == "source-title"] == ["工会讲话致辞"]
    same = analyzer.analyse("s", "s.txt", text, {"title": "工会讲话致辞"})
    assert same.title_line == 1 and not [u for u in same.units if u.id == "source-title"]


# --- the site -----------------------------------------------------------------------

def test_site_shows_front_matter_as_metadata_and_keeps_a_replaced_title(tmp_path):
    import json

    import jsonschema

    from conftest import mkdocs_build
    from support.projects import make_project

    seed = (SEEDS / "002_3520ac743f25e09c.txt").read_text(encoding="utf-8")
    wrapped = build(seed, "wrapped at 28")[1].decode("utf-8")
    project = make_project(tmp_path, {"wrapped.txt": wrapped, "renamed.txt": "工会讲话致辞\n同志们：\n今天开会。\n"})
    (project / "seeds" / "renamed.yml").write_text("title: 在某区工会第三次代表大会上的讲话\n", encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "speeches" / "wrapped" / "index.html").read_text(encoding="utf-8")
    assert "署名与日期（不属于讲话正文）：区委副书记张某某" in page
    assert "署名：区委副书记　张某某" in page or "署名：区委副书记张某某" in page
    renamed = (site / "speeches" / "renamed" / "index.html").read_text(encoding="utf-8")
    assert "原文标题（不属于讲话正文）：工会讲话致辞" in renamed
    data = json.loads((site / "data" / "corpus.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "build_scripts" / "data" / "corpus.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    speech = next(s for s in data["speeches"] if s["id"] == "wrapped")
    assert speech["meta"]["date"]["origin"] == "byline"
