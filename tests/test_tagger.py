"""Theme tagging: behaviour on small passages, and P/R/F1 on the labelled sets.

The labelled sets (tests/data) were made by hand under the codebook
(docs/about/codebook.md), by reading each passage.  The floors below are a
little under the measured figures, so a change that makes tagging worse
fails here; the codebook's own example sentences must be tagged as it says.
"""

import re
from pathlib import Path

import pytest

from build_scripts import evaluation
from build_scripts.splitter import subpoint_heading
from build_scripts.tagger import order_key
from conftest import DATA, ROOT


def themes(analyzer, text, heading=None):
    return {t.theme for t in analyzer.tagger.tag(text, heading)}


def test_a_passage_about_rights_is_tagged_with_evidence(analyzer):
    text = "要以工资集体协商为切入点，签订和落实集体合同。要做好困难职工帮扶，开展送温暖和金秋助学活动。"
    tags = analyzer.tagger.tag(text)
    assert [t.theme for t in tags] == ["维权帮扶"]
    terms = tags[0].terms
    assert {"集体合同", "困难职工", "送温暖", "金秋助学"} <= set(terms)
    assert all(e.sentence in text and e.term in e.sentence for e in tags[0].evidence)
    assert tags[0].score > 0


def test_passing_mention_is_not_a_theme(analyzer):
    text = ("要围绕全区重点项目开展劳动竞赛和技术革新活动。要深入开展岗位练兵和技术比武，提高职工技能。"
            "要大力弘扬劳模精神和工匠精神，激励职工建功立业。同时也要注意维护稳定。")
    assert themes(analyzer, text) == {"服务大局"}


def test_ceremonial_text_has_no_theme(analyzer):
    assert themes(analyzer, "最后，预祝大会取得圆满成功！") == set()
    assert themes(analyzer, "在此，我代表区委、区政府向大会的召开表示热烈的祝贺！向全区广大职工致以崇高的敬意！") == set()


def test_domain_terms_stay_whole_tokens(analyzer):
    tokens = analyzer.tagger.segmenter.tokens("把工会建成职工之家，推行厂务公开，签订集体合同，坚持党建带工建，帮扶困难职工。")
    for term in ("职工之家", "厂务公开", "集体合同", "党建带工建", "困难职工"):
        assert term in tokens


def test_overlapping_matches_count_once(analyzer):
    # 党联系职工群众 / 联系职工群众的桥梁 / 桥梁和纽带 are one stock phrase.
    scores = {s.theme: s for s in analyzer.tagger.scores("工会要发挥好党联系职工群众的桥梁和纽带作用。")}
    assert scores["党的领导"].score == 2.0


def test_heading_cue_needs_content_evidence(analyzer):
    heading = "二是要建立和发展新型劳动关系"
    scores = {s.theme: s for s in analyzer.tagger.scores(heading + "。多做化解矛盾的工作。", heading)}
    assert not scores["服务大局"].cue


def test_multi_label(analyzer):
    text = ("各级党委要加强对工会工作的领导，坚持党建带工建。"
            "工会要加强自身建设，加强工会干部队伍建设，改进作风，把工会建成职工之家。")
    assert themes(analyzer, text) == {"党的领导", "自身建设"}


def test_every_section_and_passage_of_the_seeds_is_tagged(corpus):
    for speech in corpus.speeches:
        for unit in speech.units:
            if unit.kind in ("section", "subpoint"):
                assert unit.scores, f"{speech.id} {unit.id} was not scored"
                assert unit.themes, f"{speech.id} {unit.id} has no theme"
            for tag in unit.tags:
                assert tag.evidence, f"{speech.id} {unit.id} {tag.theme} has no evidence"


SEED_FLOOR = {"服务大局": 0.95, "维权帮扶": 0.95, "自身建设": 0.95, "党的领导": 0.95, "micro": 0.95}
#: Floors a little under the figures measured when the thresholds were
#: calibrated on dev (micro 0.83, train 0.81, each now holding part of both
#: former blind tests); a blind test is not scored here: it is evaluated
#: once, by `python -m build_scripts evaluate --labels PATH`.
TEXT_FLOOR = {"train": 0.79, "dev": 0.81}


def test_precision_recall_f1_on_the_seed_labels(corpus):
    labels = evaluation.load_labels(DATA / "labels_seeds.yml")
    assert len(labels) >= 60
    metrics = evaluation.score(evaluation.seed_decisions(corpus, labels), [t.name for t in corpus.themes])
    print("\n" + evaluation.table(metrics))
    for m in metrics:
        assert m.f1 >= SEED_FLOOR[m.name], f"{m.name}: F1 {m.f1:.2f} < {SEED_FLOOR[m.name]}\n{m.errors}"


def test_every_numbered_part_of_the_seeds_is_tagged_as_labelled(corpus):
    labels = [item for item in evaluation.load_labels(DATA / "labels_seeds.yml") if re.fullmatch(r"part-\d+", item["unit"])]
    assert len(labels) == 16
    wrong = [d for d in evaluation.seed_decisions(corpus, labels) if d.gold != d.predicted]
    assert not wrong, wrong


@pytest.mark.parametrize("split", sorted(TEXT_FLOOR))
def test_precision_recall_f1_on_passages_of_other_speeches(analyzer, corpus, split):
    labels = evaluation.load_labels(DATA / f"labels_{split}.yml")
    assert len(labels) >= 40
    names = [t.name for t in corpus.themes]
    decisions = evaluation.text_decisions(analyzer.tagger, labels)
    metrics = evaluation.score(decisions, names)
    low, high = evaluation.bootstrap(decisions, names, rounds=200)["micro"]
    print("\n" + evaluation.table(metrics))
    assert low <= metrics[-1].f1 <= high
    assert metrics[-1].f1 >= TEXT_FLOOR[split]


def test_the_splits_share_no_source():
    splits = [p.stem.removeprefix("labels_") for p in sorted(DATA.glob("labels_train*.yml"))] + ["dev"]
    sources = {split: {item["source"] for item in evaluation.load_labels(DATA / f"labels_{split}.yml")}
               for split in splits}
    for a in splits:
        for b in splits:
            assert a == b or not sources[a] & sources[b], (a, b, sources[a] & sources[b])
    # Each blind test, once used, moved to train and dev whole sources at a
    # time; its two annotators' labels are kept for agreement.
    items = [item for split in ("train", "dev") for item in evaluation.load_labels(DATA / f"labels_{split}.yml")]
    for (name, pattern), size, agreement in zip(evaluation.FORMER_TESTS, (149, 155, 140),
                                                ("labels_agreement.yml", "labels_agreement_test2.yml",
                                                 "labels_agreement_test3.yml")):
        former = [item for item in items if re.fullmatch(pattern, str(item.get("id", "")))]
        assert len(former) == size, name
        assert {str(i["id"]) for i in evaluation.load_agreement(DATA / agreement)} == {str(i["id"]) for i in former}
        by_split = {split: {i["source"] for i in evaluation.load_labels(DATA / f"labels_{split}.yml")
                            if re.fullmatch(pattern, str(i.get("id", "")))} for split in ("train", "dev")}
        assert by_split["train"] and by_split["dev"], name


def test_evaluate_scores_a_given_labels_file(tmp_path, capsys):
    from build_scripts.__main__ import main

    labels = tmp_path / "labels_blind.yml"
    labels.write_text(
        "- id: b-1\n  source: https://example.org/1\n  text: 要推进工资集体协商，扩大集体合同覆盖面。\n  themes: [维权帮扶]\n"
        "- id: b-2\n  source: https://example.org/2\n  text: 大会今天隆重开幕了，我代表市委向大会表示热烈的祝贺！\n  themes: []\n"
        "- id: b-3\n  source: https://example.org/3\n  text: 要广泛开展技术革新和技能比武，引导职工在岗位上攻坚克难。\n"
        "  themes: [自身建设]\n", encoding="utf-8")
    assert main(["evaluate", "--labels", str(labels)]) == 0
    out = capsys.readouterr().out
    assert "seeds: 81 passages" in out and "blind: 3 passages" in out
    assert "train:" not in out and "annotator agreement" not in out
    table = out[out.index("blind: 3 passages"):]
    micro = next(line for line in table.splitlines() if line.startswith("micro"))
    # 维权帮扶 right; 服务大局 predicted where 自身建设 was labelled: P 1/2, R 1/2.
    assert micro.split()[1:5] == ["2", "0.50", "0.50", "0.50"]
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--labels", str(tmp_path / "missing.yml")])
    assert exc.value.code == 2


def test_labels_point_at_the_right_passages(corpus):
    # seed_decisions raises if a label's `start` is not the unit's start.
    labels = evaluation.load_labels(DATA / "labels_seeds.yml")
    assert len(evaluation.seed_decisions(corpus, labels)) == len(labels)
    with pytest.raises(ValueError):
        evaluation.seed_decisions(corpus, [dict(labels[0], start="完全不同的开头")])


# --- the codebook (docs/about/codebook.md) -----------------------------------

CODEBOOK = ROOT / "docs" / "about" / "codebook.md"
EXAMPLE_RE = re.compile(r"^- 「(.+)」(?:（[^）]*）)? → (.+)$", re.M)


def codebook_examples():
    text = CODEBOOK.read_text(encoding="utf-8")
    out = []
    for m in EXAMPLE_RE.finditer(text):
        expected = set() if m.group(2).strip() == "无" else set(m.group(2).split("、"))
        out.append((m.group(1), expected))
    return out


def test_the_codebook_has_examples_for_every_rule():
    examples = codebook_examples()
    assert len(examples) >= 30
    themes = {t for _, expected in examples for t in expected}
    assert themes == {"服务大局", "维权帮扶", "自身建设", "党的领导"}
    assert sum(1 for _, expected in examples if not expected) >= 10


@pytest.mark.parametrize("sentence, expected", codebook_examples())
def test_codebook_examples_are_tagged_as_the_codebook_says(analyzer, sentence, expected):
    assert themes(analyzer, sentence, subpoint_heading(sentence)) == expected


def test_annotation_copy_of_the_codebook_matches_the_page():
    # /work/annotation/codebook.md is the annotators' copy; the page is the
    # source.  Only checked where the copy exists (not in CI).
    copy = Path("/work/annotation/codebook.md")
    if not copy.exists():
        pytest.skip("no annotation copy on this machine")
    def bare(text):
        return re.sub(r"\s+", "", text)

    page = CODEBOOK.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert bare(page) in bare(copy.read_text(encoding="utf-8"))


# --- failure classes ------------------------------------------------------------

def test_a_ceremonial_opening_carries_no_theme(analyzer):
    text = ("××区工会第七次代表大会今天隆重开幕了，这是全区广大职工政治生活中的一件大事。"
            "开好这次大会，对于动员全区职工促进经济社会发展，具有十分重要的意义。"
            "首先，代表区委、区政府，向大会的召开表示热烈的祝贺！")
    assert themes(analyzer, text) == set()


def test_a_summary_listing_all_four_themes_carries_none(analyzer):
    text = ("五年来，全市各级工会在加强职工思想政治引领、推动经济社会发展、维护职工合法权益、"
            "深化工会改革创新等方面做了大量卓有成效的工作。")
    assert themes(analyzer, text) == set()


def test_a_developed_item_of_a_summary_is_carried(analyzer):
    text = ("过去五年，全区工会在职工维权、技能培训、帮扶解困、自身建设等方面取得了新成绩。"
            "全年开展劳动竞赛120场，参赛职工3万人次，评出技术能手85名。")
    assert themes(analyzer, text) == {"服务大局"}


def test_one_strong_sentence_is_enough(analyzer):
    text = "会议期间还安排了参观学习。要大力弘扬劳模精神，激励职工在岗位上争创一流。代表们还观看了展览。"
    assert themes(analyzer, text) == {"服务大局"}


def test_political_study_is_partys_leadership_and_a_frame_is_not(analyzer):
    assert themes(analyzer, "各级工会要落实“第一议题”制度，深刻领悟“两个确立”的决定性意义。") == {"党的领导"}
    assert themes(analyzer, "以习近平新时代中国特色社会主义思想为指导，扎实开展困难职工帮扶工作。") == {"维权帮扶"}


def test_named_programmes(analyzer):
    assert themes(analyzer, "要建好用好职工书屋，丰富职工精神文化生活。") == {"维权帮扶"}
    assert themes(analyzer, "要推进劳模创新工作室建设，带动职工技术攻关。") == {"服务大局"}


def test_the_subject_decides(analyzer):
    # 主干是党委 → 党的领导 even when the object is the union's cadres.
    text = "各级党委要重视工会工作。要加强工会干部队伍建设，关心工会干部的成长。"
    assert themes(analyzer, text) == {"党的领导"}
    assert themes(analyzer, "工会干部要真情关心职工疾苦，不断提高服务职工的能力。") == {"自身建设"}


def test_tags_mark_what_a_passage_is_mainly_about(analyzer):
    text = ("要围绕全区重点项目开展劳动竞赛和技术革新活动。要深入开展岗位练兵和技术比武。"
            "要弘扬劳模精神和工匠精神。要关心困难职工生活。")
    tags = analyzer.tagger.tag(text)
    by_theme = {t.theme: t for t in tags}
    assert by_theme["服务大局"].main and not by_theme["维权帮扶"].main
    from build_scripts.model import Unit
    strong = Unit("a", "paragraph", text, 1, tags=tags)
    weak = Unit("b", "paragraph", "要关心困难职工生活，做好帮扶工作。", 2,
                tags=analyzer.tagger.tag("要关心困难职工生活，做好帮扶工作。"))
    assert order_key(weak, "维权帮扶") < order_key(strong, "维权帮扶")


# --- evaluation arithmetic --------------------------------------------------------

def test_cohen_kappa_and_agreement():
    assert evaluation.cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    # p_o = 0.5, p_e = 0.5 → κ = 0
    assert evaluation.cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0
    kappas, micro = evaluation.agreement([{"id": 1, "a": ["甲"], "b": ["甲"]}, {"id": 2, "a": [], "b": ["甲"]}], ["甲"])
    assert micro.precision == 0.5 and micro.recall == 1.0 and kappas["甲"] == 0.0


def test_bootstrap_is_reproducible_and_brackets_the_estimate():
    decisions = [evaluation.Decision(str(i), frozenset({"甲"} if i % 3 else set()), frozenset({"甲"} if i % 4 else set()))
                 for i in range(40)]
    first = evaluation.bootstrap(decisions, ["甲"], rounds=300)
    assert first == evaluation.bootstrap(decisions, ["甲"], rounds=300)
    f1 = evaluation.score(decisions, ["甲"])[-1].f1
    assert first["micro"][0] <= f1 <= first["micro"][1] and first["micro"][0] < first["micro"][1]


def test_a_fifth_theme_with_subjects_and_cues_needs_no_code(tmp_path):
    from build_scripts.pipeline import Analyzer
    from build_scripts.themes import load_lexicon
    from conftest import THEMES
    text = THEMES.read_text(encoding="utf-8") + """
  - name: 疫情防控
    slug: yiqing-fangkong
    description: 工会组织职工参与疫情防控、推动复工复产。
    keywords: {疫情防控: 2, 复工复产: 2, 核酸检测: 1.5}
    heading_cues: [疫情]
    subjects: [防控专班]
"""
    (tmp_path / "themes.yml").write_text(text, encoding="utf-8")
    analyzer = Analyzer.from_lexicon(load_lexicon(tmp_path / "themes.yml"))
    # The trained model knows the four shipped themes; the fifth falls back
    # to the lexicon rule (tagger.py, step 8).
    assert analyzer.tagger.model is not None and "疫情防控" not in analyzer.tagger.model.themes
    tags = analyzer.tagger.tag("要深入开展疫情防控，有序推进复工复产。")
    assert [t.theme for t in tags] == ["疫情防控"] and tags[0].evidence
    assert {t.theme for t in analyzer.tagger.tag("防控专班要抓好疫情防控和核酸检测，做好困难职工帮扶工作。")} == {"疫情防控"}


def test_traditional_characters_are_matched_and_quoted_as_written(analyzer):
    text = "要切實維護好廣大職工群眾的合法權益，加大對困難職工的幫扶力度。"
    tags = analyzer.tagger.tag(text)
    assert [t.theme for t in tags] == ["维权帮扶"]
    # Evidence quotes the sentence as written, the term as in the lexicon.
    assert all(e.sentence in text for e in tags[0].evidence)
    assert {"帮扶", "合法权益"} <= {e.term for e in tags[0].evidence}


def test_a_closing_formula_drops_only_its_own_clause(analyzer):
    text = "全区各级党组织要进一步加强对工会工作的领导，为建设示范区作出新的更大贡献！"
    assert themes(analyzer, text) == {"党的领导"}
    assert themes(analyzer, "为建设示范区、推动高质量发展作出新的更大贡献！") == set()


def test_a_list_announced_by_a_procedural_clause_is_content(analyzer):
    text = "新当选的工会主席提出两点要求：一是要坚定不移地走中国特色社会主义工会发展道路；二是要加快推进基层工会建会入会。"
    assert themes(analyzer, text) == {"党的领导", "自身建设"}
    assert themes(analyzer, "新当选的工会主席向大会表示感谢。") == set()


def test_vocabulary_of_the_constitution_and_the_law(analyzer):
    # Terms taken from the 中国工会章程 / 工会法 duties, not from single labelled sentences.
    assert themes(analyzer, "要建立政府与工会联席会议制度，研究解决工会工作中的重大问题。") == {"党的领导"}
    assert themes(analyzer, "要协调劳动关系，维护职工劳动权益。") == {"维权帮扶"}
    assert themes(analyzer, "要动员职工积极参加经济建设，努力完成生产任务。") == {"服务大局"}
    assert themes(analyzer, "机关干部要改进作风，提高业务能力，多听取职工意见。") == {"自身建设"}


def test_the_blind_test_shares_no_source_or_text_with_the_training_data():
    # test4 was fixed by source before labelling; none of its sources, and no
    # passage text, may be in the data the lexicon or the model learned from.
    test = evaluation.load_labels(DATA / "labels_test4.yml")
    assert len(test) == 176
    seen = [item for p in sorted(DATA.glob("labels_train*.yml")) + [DATA / "labels_dev.yml"]
            for item in evaluation.load_labels(p)]
    assert not {i["source"] for i in test} & {i["source"] for i in seen}
    assert not {i["text"] for i in test} & {i["text"] for i in seen}
    agreement = evaluation.load_agreement(DATA / "labels_agreement_test4.yml")
    assert [str(i["id"]) for i in agreement] == [str(i["id"]) for i in test]
