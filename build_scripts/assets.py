"""Minified copies of the site's own scripts and stylesheet (``minify``).

Every page loads ``javascripts/kb.js`` and ``stylesheets/kb.css`` before
it can show a search result (benchmarks/bench.py,
``search_bytes_first_result``); written for reading, with comments that
document their contracts, they are a third larger than they need to be.
The build serves them minified by rjsmin and rcssmin (maintained, pure
regular-expression minifiers with a C speed-up; same input, same output),
under their own names, so templates, tests and the offline copy refer to
them as before.  The sources in docs/ stay as written.

rjsmin keeps the code's meaning for scripts written as ours are (ES2017,
no template literals: a backquoted string containing ``//`` or ``/*``
would be mangled); ``tests/test_assets.py`` checks that each minified
script still parses.  Nothing here knows about mkdocs beyond the ``File``
objects the plugin hands over.
"""

from __future__ import annotations

from typing import Callable, Iterable

import rcssmin
import rjsmin

#: The docs/ files served minified, by path under docs/, with their minifier.
MINIFIED: dict[str, Callable[[str], str]] = {
    "javascripts/kb.js": rjsmin.jsmin,
    "javascripts/kb-list.js": rjsmin.jsmin,
    "javascripts/kb-sort.js": rjsmin.jsmin,
    "stylesheets/kb.css": rcssmin.cssmin,
}


def minified(src_uri: str, text: str) -> str:
    """``text`` (the file at ``src_uri`` under docs/) minified, with one
    closing newline; ``KeyError`` if ``src_uri`` is not in ``MINIFIED``."""
    return MINIFIED[src_uri](text).strip() + "\n"


def minify(files: Iterable) -> int:
    """Replace the content of each of ``files`` (mkdocs ``File`` objects)
    whose ``src_uri`` is in ``MINIFIED`` by its minified text; returns how
    many were replaced.  A file another plugin already generated is
    minified too (its ``content_string``)."""
    count = 0
    for file in files:
        if file.src_uri in MINIFIED:
            file.content_string = minified(file.src_uri, file.content_string)
            count += 1
    return count
