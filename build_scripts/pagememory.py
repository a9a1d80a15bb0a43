"""Memory of a build's pages: what mkdocs would keep until the build ends.

mkdocs renders every page's Markdown to HTML first and writes the pages
afterwards, and keeps each page's Markdown (``page.markdown``, and the
generated file's ``content``) and HTML (``page.content``) until the end of
the build.  For the knowledge base's generated pages neither is read again
once used: the Markdown after ``Page.render`` (``on_page_content``), the
HTML after the page is written (``on_post_page``).  At 10,000 speeches
they are gigabytes, so the plugin drops them there (``release_markdown``,
``release_html``).  Nothing here changes what is written.
"""

from __future__ import annotations

from mkdocs.structure.pages import Page


def release_markdown(page: Page) -> None:
    """Drop a rendered page's Markdown: mkdocs reads it only to render the
    page (``page.markdown``; a generated file's content is read once, as
    the page's source)."""
    # "" rather than None: mkdocs reads None as "not read yet" (the page's
    # title would be None in every other page's nav).
    page.markdown = ""
    if page.file.generated_by is not None and page.file.abs_src_path is None:
        # The content *is* the source of a generated file; a File without
        # a source path and without content would fail if read again, and
        # nothing reads it again in this build (the next build makes new
        # File objects).
        page.file._content = ""


def release_html(page: Page) -> None:
    """Drop a written page's HTML (``page.content``): the page has been
    written; anchors and links are validated from ``present_anchor_ids``
    and ``links_to_anchors``, and other pages' templates read only the
    titles and URLs of the nav."""
    # "" rather than None, for the same reason (``Page.title`` falls back
    # to the Markdown's first heading when the content is None).
    page.content = ""
