"""Whitespace compaction of the rendered pages (``compact_html``).

mkdocs-material's templates indent their markup for readability: at
1,000 speeches that indentation (and the blank lines Jinja leaves where a
block tag was) is about 10 % of every page's bytes, repeated on every page
(benchmarks/bench.py, ``site_bytes``).  A browser treats a line break
followed by spaces exactly as a line break wherever white space is not
preserved, so each run of white space that contains a line break becomes
one line break.  Elements that preserve white space (``<pre>``,
``<textarea>``) are left as they are; the site's own stylesheet gives
``white-space: pre*`` to no other element.  Nothing here knows about
mkdocs: the plugin calls it on each page's output (``on_post_page``).
"""

from __future__ import annotations

import re

#: An element whose white space is content, or a run of white space that
#: holds a line break (the spaces before it, the break, the indentation
#: and blank lines after it).
_RUN = re.compile(r"(<(pre|textarea)\b.*?</\2\s*>)|[ \t]*\n\s*", re.S | re.I)


def compact_html(html: str) -> str:
    """``html`` with every run of white space that contains a line break
    made one ``\\n``, outside ``<pre>`` and ``<textarea>`` elements.  Same
    rendering, same text content (up to collapsible white space); linear
    in ``len(html)``."""
    return _RUN.sub(lambda m: m.group(1) or "\n", html)
