"""The mkdocs site: strict build, generated pages, export, escaping."""

import json
from pathlib import Path

import html as html_lib

import pytest

from build_scripts import export
from conftest import ROOT, SEEDS, mkdocs_build
from support.projects import make_project


def test_strict_build_makes_every_page(built_site, corpus):
    for speech in corpus.speeches:
        assert (built_site / "speeches" / speech.id / "index.html").is_file()
        assert (built_site / "sources" / Path(speech.source).name).read_bytes() == (ROOT / speech.source).read_bytes()
    for theme in corpus.themes:
        assert (built_site / "themes" / theme.slug / "index.html").is_file()
    for page in ("index.html", "speeches/index.html", "themes/index.html", "about/data/index.html"):
        assert (built_site / page).is_file(), page
    # The tag index listed every speech under nearly every tag; the speech
    # list's filters replace it.
    assert not (built_site / "tags").exists()


def test_generated_pages_are_not_written_into_docs(built_site):
    docs = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()}
    assert docs == {"about/codebook.md", "about/data.md", "about/index.md", "developer/engines.md",
                    "stylesheets/kb.css", "images/favicon.svg", "javascripts/kb.js", "javascripts/kb-list.js", "javascripts/kb-sort.js",
                    *(f"about/images/insight-{view}.png" for view in ("formulation", "reuse", "citations", "trends"))}


def test_corpus_json_is_the_export_and_utf8(built_site, corpus):
    data = (built_site / "data" / "corpus.json").read_bytes()
    assert data.decode("utf-8") == export.to_json(corpus)
    assert "工会".encode("utf-8") in data and b"\\u" not in data


def test_speech_page_structure(built_site):
    html = (built_site / "speeches/002_3520ac743f25e09c/index.html").read_text(encoding="utf-8")
    for anchor in ("part-1", "part-4", "part-2-1", "part-2-3", "part-1-p1", "salutation", "intro-1", "closing-1"):
        assert f'id="{anchor}"' in html, anchor
    # Theme badges link to the passage's entry on the theme page.
    assert 'href="../../themes/weiquan-bangfu/#002_3520ac743f25e09c-part-2-1"' in html
    # Facts line, 详情, theme line, notes, original.
    for text in ("kb-facts", "详情：基本信息及其依据", "本篇主题：", "附注", "本文系邮箱投稿", "原文", "估计时期"):
        assert text in html, text
    # No developer paths in what readers see.
    assert "period_clues.yml" not in html and "seeds/" not in html
    assert 'class="kb-ph"' in html  # placeholders shown one visible way


def test_theme_page_lists_passages_with_evidence_and_links_back(built_site):
    html = (built_site / "themes/weiquan-bangfu/index.html").read_text(encoding="utf-8")
    assert 'id="002_3520ac743f25e09c-part-2-1"' in html
    assert "<mark>" in html
    assert 'href="../../speeches/002_3520ac743f25e09c/#part-2-1"' in html
    for other in ("fuwu-daju", "zishen-jianshe", "dang-de-lingdao"):
        assert f'href="../{other}/"' in html


def test_home_lists_counts_themes_and_speeches(built_site, corpus):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{len(corpus.speeches)}</strong> 篇" in html
    for theme in corpus.themes:
        assert f'href="themes/{theme.slug}/"' in html


def test_no_external_fonts_or_scripts(built_site):
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page


@pytest.mark.slow
def test_untrusted_speech_text_is_shown_literally(tmp_path):
    evil = ("危险讲话\n同志们：\n"
            "<script>alert(1)</script>开场白[链接](javascript:alert(2))。\n"
            "一、第一部分 {: onclick=alert(3) }\n"
            "<img src=x onerror=alert(4)>正文**加粗**_斜_ `代码` {{ config }} {% raw %} <!-- material/tags -->。\n"
            "--8<-- \"/etc/passwd\"\n"
            "# 不是标题\n"
            "二、第二部分\n| a | b |\n|---|---|\n正文。\n")
    project = make_project(tmp_path, {"evil.txt": evil})
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "speeches/evil/index.html").read_text(encoding="utf-8")
    html = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'onclick="alert' not in html and 'onerror="alert' not in html
    assert 'href="javascript' not in html
    assert "root:" not in html  # nothing was included
    # Shown as typed: the escaped markup reads back as the text.
    assert "&lt;script&gt;" in html and "<script>alert(1)</script>开场白" in html_lib.unescape(html)
    assert "{{ config }}" in html or "&#123;&#123; config &#125;&#125;" in html
    assert "<table>" not in html.split('id="text"')[1].split('id="notes"')[0]
    # Unchanged characters: every non-space character is in the page text.
    assert "不是标题" in html and "**加粗**" in html.replace("&#42;", "*")


@pytest.mark.slow
def test_same_input_same_corpus_json(tmp_path):
    project = make_project(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    assert mkdocs_build(project, a).returncode == 0
    assert mkdocs_build(project, b).returncode == 0
    assert (a / "data/corpus.json").read_bytes() == (b / "data/corpus.json").read_bytes()
    for page in ("index.html", "themes/weiquan-bangfu/index.html", "speeches/003_8934f3c4a65f5158/index.html",
                 "search/search_index.json"):
        assert (a / page).read_bytes() == (b / page).read_bytes(), page


@pytest.mark.slow
def test_broken_themes_stop_the_build_before_writing(tmp_path):
    project = make_project(tmp_path)
    (project / "themes.yml").write_text("themes:\n  - name: x\n", encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert "themes.yml" in result.stderr + result.stdout
    assert not site.exists()


def test_headings_get_readable_unicode_anchors(built_site):
    html = (built_site / "about/index.html").read_text(encoding="utf-8")
    assert 'id="搜索"' in html
    assert 'id="_1"' not in html


def test_home_page_lists_a_screenful_and_points_to_the_speech_list(corpus):
    import dataclasses

    from build_scripts.layout import Site
    from build_scripts.page_lists import HOME_SPEECHES, render_home

    many = dataclasses.replace(corpus, speeches=[dataclasses.replace(corpus.speeches[i % 5], id=f"s{i:03d}")
                                                 for i in range(HOME_SPEECHES + 5)])
    home = render_home(Site(many))
    listed = [line for line in home.splitlines() if line.startswith("- [") and "](speeches/s" in line]
    assert len(listed) == HOME_SPEECHES
    assert f"全部 {HOME_SPEECHES + 5} 篇讲话见[讲话列表](speeches/index.md)" in home
    few = render_home(Site(corpus))
    assert all(f"](speeches/{s.id}.md)" in few for s in corpus.speeches) and "篇讲话见[讲话列表]" not in few
