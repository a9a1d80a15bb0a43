"""A Python-Markdown extension that passes the generated pages' HTML blocks
through untouched, without parsing them.

``pages.py`` writes each passage, and a speech's original text, as an HTML
block holding one whole element (``pages.HTML_BLOCK_START``).  Python-Markdown
would hand such a block to its HTML-block preprocessor, which runs the
standard library's ``html.parser`` over it character by character, only to
store it unchanged.  At 1,000 speeches that parse, and the inline
processing the same text got when it was written as Markdown paragraphs,
were most of the build (``benchmarks/bench.py``; see the README).  This
preprocessor stores those blocks in Markdown's own HTML stash directly, so
the page's HTML is what Python-Markdown would have produced (consecutive
blocks are stored as one, so only the blank lines between them differ).

The plugin adds one instance in ``on_config`` and switches it on for
generated pages only (``active``, set in ``on_page_markdown``; mkdocs
renders pages one at a time), so hand-written pages are untouched.  The
blocks it stores are hidden from mkdocs' own scan for anchor ids, so it
records their ids (``ids``) and the plugin adds them to the page's
``present_anchor_ids`` for link validation.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from .pages import HTML_BLOCK_START


class _HtmlBlocks(Preprocessor):
    """Replaces every block that starts with ``HTML_BLOCK_START`` (up to the
    first line ending in its closing tag) by a stash placeholder in a
    paragraph of its own, as the HTML-block preprocessor does."""

    def __init__(self, md: Markdown, extension: "RawHtmlExtension") -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.ids = ids = set()
        if not self.extension.active:
            return lines
        stash = self.md.htmlStash
        out: list[str] = []
        # Where the previous block's placeholder is in ``out``: a block
        # that follows it with only blank lines between joins it, which
        # leaves the HTML as it was and saves Markdown a paragraph each.
        previous = -1
        i = 0
        while i < len(lines):
            line = lines[i]
            start = HTML_BLOCK_START.match(line) if line.startswith("<") else None
            end = i
            if start is not None:
                close = f"</{start.group(1)}>"
                while end < len(lines) and not lines[end].endswith(close):
                    end += 1
            if start is None or end == len(lines):  # not one of ours: leave it to Markdown
                out.append(line)
                i += 1
                continue
            block = "\n".join(lines[i:end + 1])
            if previous >= 0 and not any(x.strip() for x in out[previous + 1:]):
                stash.rawHtmlBlocks[-1] += "\n" + block
            else:
                out += ["", stash.store(block), ""]
                previous = len(out) - 2
            if start.group(2):
                ids.add(start.group(2))
            i = end + 1
        return out


class RawHtmlExtension(Extension):
    """Registers ``_HtmlBlocks`` after whitespace normalisation (30) and
    before mkdocs' anchor scan (21) and the HTML-block preprocessor (20).

    ``active``: store the blocks of the next page converted (else leave
    them to Python-Markdown).  ``ids``: the ids of the blocks stored in the
    last conversion."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.active = False
        self.ids: set[str] = set()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_HtmlBlocks(md, self), "kb_html_blocks", 25)
