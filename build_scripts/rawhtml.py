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
        """Linear in the number of lines and characters: each line is looked
        at once by the main loop and at most once by a closing-tag search,
        and a run of joined blocks is joined once (``str.join``), not by
        repeated concatenation, which copied the growing block for each
        passage (quadratic in a speech of 40,000 one-line passages)."""
        self.extension.ids = ids = set()
        if not self.extension.active:
            return lines
        stash = self.md.htmlStash
        out: list[str] = []
        # The blocks of the current run (blocks with only blank lines
        # between them are stored as one, which leaves the HTML as it was
        # and saves Markdown a paragraph each) and where the run's stash
        # entry is.
        run: list[str] = []
        slot = -1
        # Tags known to have no closing line at or after the current line:
        # their start lines are left to Markdown without searching again.
        unclosed: set[str] = set()

        def flush() -> None:
            if run:
                stash.rawHtmlBlocks[slot] = "\n".join(run)
                run.clear()

        i = 0
        n = len(lines)
        while i < n:
            line = lines[i]
            start = HTML_BLOCK_START.match(line) if line.startswith("<") else None
            end = i
            if start is not None and start.group(1) not in unclosed:
                close = f"</{start.group(1)}>"
                while end < n and not lines[end].endswith(close):
                    end += 1
                if end == n:
                    unclosed.add(start.group(1))
            if start is None or end == n or start.group(1) in unclosed:  # not one of ours: leave it to Markdown
                if line.strip():
                    flush()
                out.append(line)
                i += 1
                continue
            block = "\n".join(lines[i:end + 1]) if end > i else line
            if not run:
                placeholder = stash.store(block)
                slot = len(stash.rawHtmlBlocks) - 1
                out += ["", placeholder, ""]
            run.append(block)
            if start.group(2):
                ids.add(start.group(2))
            i = end + 1
        flush()
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
