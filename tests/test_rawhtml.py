"""The generated pages' HTML blocks (pages.html_block) skip Python-Markdown's
parsing (build_scripts/rawhtml.py) without changing a byte of the HTML, and
their links are resolved and validated as mkdocs does for Markdown links
(plugin.resolve_link)."""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace

import markdown
import pytest
import yaml
from mkdocs.structure.files import File, Files

from build_scripts import generated, pages, plugin
from build_scripts.rawhtml import RawHtmlExtension
from conftest import ROOT


def _extensions() -> tuple[list, dict]:
    """mkdocs.yml's markdown_extensions (names and their configs)."""

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml builds the slugify function with a python tag; the same here.
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("!ENV", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if options:
            configs[name] = {k: v for k, v in options.items() if v is not None}
    return names + ["meta"], configs


def _convert(text: str, extension=None) -> str:
    """HTML of ``text``; blank lines between blocks are dropped (Markdown
    keeps one between raw-HTML blocks, the extension joins them with a
    line break, and neither shows)."""
    names, configs = _extensions()
    md = markdown.Markdown(extensions=names + ([extension] if extension else []), extension_configs=configs)
    return re.sub(r"\n\n+", "\n", md.convert(text))


@pytest.fixture(scope="module")
def rendered(corpus):
    return generated.render_pages(corpus)


def test_every_generated_page_renders_the_same_with_and_without_the_extension(rendered):
    stored = 0
    for path, text in rendered.items():
        extension = RawHtmlExtension()
        extension.active = True
        fast = _convert(text, extension)
        assert fast == _convert(text), path
        stored += len(extension.ids)
    # It did take the passages' blocks (each passage has an id).
    assert stored > 100


def test_blocks_are_left_to_markdown_when_inactive_and_ids_are_recorded():
    block = pages.html_block("p", "正文<b>", "kb-unit kb-paragraph", "part-1-p1")
    assert "正文&lt;b&gt;" in block
    meta = pages.html_block("p", pages.link("../themes/x.md#a", "主题"), "kb-badges", search=False)
    text = f"# 标题\n\n{block}\n\n{meta}\n"
    extension = RawHtmlExtension()
    assert _convert(text, extension) == _convert(text) and extension.ids == set()
    extension.active = True
    html = _convert(text, extension)
    assert html == _convert(text) and extension.ids == {"part-1-p1"}
    assert '<p class="kb-unit kb-paragraph" id="part-1-p1">正文&lt;b&gt;</p>\n<p class="kb-badges" ' \
           'data-search-exclude><a href="../themes/x.md#a">主题</a></p>' in html


def test_a_block_without_its_closing_tag_is_left_to_markdown():
    text = '<p class="kb-passage">未闭合\n\n下一段'
    extension = RawHtmlExtension()
    extension.active = True
    assert _convert(text, extension) == _convert(text)


def _page(src_uri: str, files: Files):
    file = files.get_file_from_path(src_uri)
    return SimpleNamespace(file=file, links_to_anchors={}, present_anchor_ids=set())


@pytest.fixture
def site_files(tmp_path):
    return Files([File(p, str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
                  for p in ("index.md", "speeches/a.md", "themes/fuwu-daju.md", "themes/fuwu-daju/2017/2.md")])


def test_links_in_blocks_become_urls_and_are_validated(site_files, caplog):
    kb = plugin.KnowledgeBasePlugin()
    kb.raw_html = extension = RawHtmlExtension()
    page = _page("themes/fuwu-daju/2017/2.md", site_files)
    extension.active, extension.ids = True, {"a-part-1-p1"}
    html = kb.on_page_content(
        '<p class="kb-passage-meta" data-search-exclude><a href="../../../speeches/a.md#part-1">第一部分 ↩</a></p>'
        '<a href="../../fuwu-daju.md">全部</a><a href="../../missing.md#x">?</a>', page=page, config=None,
        files=site_files)
    assert '<a href="../../../../speeches/a/#part-1">' in html  # from themes/fuwu-daju/2017/2/
    assert '<a href="../../">全部</a>' in html
    # The anchor is left for mkdocs to check against the target's ids.
    target = site_files.get_file_from_path("speeches/a.md")
    assert page.links_to_anchors == {target: {"part-1": "../../../speeches/a.md"}}
    assert page.present_anchor_ids == {"a-part-1-p1"}
    # A missing page is a warning (an error under --strict), as for Markdown links.
    assert '<a href="../../missing.md#x">' in html
    assert any("missing.md" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    # Switched off again for the next page.
    assert not extension.active and extension.ids == set()
