"""Releasing a generated page's Markdown and HTML (``pagememory``) keeps
what mkdocs still reads of the page afterwards: its title (shown in every
other page's nav), and that a generated file counts as modified."""

from __future__ import annotations

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from build_scripts import pagememory


def _rendered(tmp_path, markdown: str) -> tuple[Page, MkDocsConfig, Files]:
    config = MkDocsConfig()
    (tmp_path / "docs").mkdir()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    errors, _ = config.validate()
    assert not errors
    config.plugins._current_plugin = "kb"  # set by mkdocs while a plugin hook runs
    file = File.generated(config, "themes/x/index.md", content=markdown)
    files = Files([file])
    page = Page(None, file, config)
    page.read_source(config)
    page.render(config, files)
    return page, config, files


@pytest.mark.parametrize("markdown", ["# 服务大局\n\n正文", "正文，没有标题"])
def test_title_and_modified_state_survive_release(tmp_path, markdown):
    page, _, _ = _rendered(tmp_path, markdown)
    title, modified = page.title, page.file.is_modified()
    assert page.content
    pagememory.release_markdown(page)
    assert page.title == title and page.file.is_modified() == modified
    pagememory.release_html(page)
    assert page.title == title and page.file.is_modified() == modified
    assert not page.markdown and not page.content and not page.file.content_string


def test_release_keeps_a_title_that_was_none_before_rendering(tmp_path):
    """A page not yet read has no title; the released one keeps its own."""
    page, _, _ = _rendered(tmp_path, "# 维权帮扶")
    pagememory.release_markdown(page)
    pagememory.release_html(page)
    assert page.title == "维权帮扶"
