"""The building blocks of generated pages: safe text types and HTML blocks.

Every page is Markdown composed from ``Md`` values (and HTML attributes
from ``Html`` values): ``markupsafe.Markup`` subclasses whose ``format``,
``join`` and ``+`` escape every argument that is not already one of them.
So a piece of speech text that reaches a page without an explicit escape
is escaped anyway — forgetting is not possible, only double safety.
``Md`` escapes for Markdown (``escape``: HTML-escaped, Markdown punctuation
as character references), ``Html`` for HTML attributes and ``<pre>``
(``html.escape``).  Literal markup is written ``Md("…")``; our own ASCII
tokens (ids, anchors, paths) pass through ``token``, which checks them.

The pages themselves are rendered by ``page_speech``, ``page_theme`` and
``page_lists`` and registered in ``generated``; their paths come from
``urls``.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Iterable, Optional

from markupsafe import Markup

from .cleaner import PLACEHOLDER
from .model import Unit

#: ASCII punctuation that Markdown or its extensions (attr_list, tables,
#: pymdownx inline syntaxes, Jinja-like macros) give meaning to.  Each is
#: written as a numeric character reference, which renders as the same
#: character but is never parsed as syntax.
_MD_SPECIAL = "\\`*_{}[]()#+-.!|~^=:%$@"
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _MD_SPECIAL}
_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#39;"})



class _Safe(Markup):
    """``Markup`` with its own escaper (``_escape``) and a faster
    ``format``: the arguments are escaped first, then ``str.format`` puts
    them in (markupsafe's ``Formatter`` is 3x slower, and most of a large
    site's page rendering).  So fields take no format spec or attribute
    lookup — format numbers with ``num``."""

    __slots__ = ()

    def __new__(cls, base: Any = "") -> "_Safe":
        # Only text: markupsafe's __new__ also decodes bytes and asks every
        # value for __html__, which the callers here never need.
        return str.__new__(cls, base)

    @staticmethod
    def _escape(text: str) -> str:
        raise NotImplementedError

    @classmethod
    def escape(cls, s: Any) -> "_Safe":
        if isinstance(s, Markup):
            return s
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(cls._escape(str(s)))

    def format(self, *args: Any, **kwargs: Any) -> "_Safe":
        escape = self.escape
        return self.__class__(str.format(self, *map(escape, args), **{k: escape(v) for k, v in kwargs.items()}))


class Md(_Safe):
    """Markdown (with inline HTML) that is safe as it is.  Composing with
    ``format``, ``join``, ``+`` or ``%`` escapes every value that is not
    ``Md``/``Html`` with ``escape`` (the function below)."""

    __slots__ = ()

    @staticmethod
    def _escape(text: str) -> str:
        return _escape_markdown(text)


class Html(_Safe):
    """HTML that is safe as it is; composing escapes other values with
    ``html.escape`` (quotes included): for attributes and ``<pre>``."""

    __slots__ = ()

    @staticmethod
    def _escape(text: str) -> str:
        return html.escape(text)


def _escape_markdown(text: str) -> str:
    out = text.translate(_ESCAPES)
    return out.replace(PLACEHOLDER, f'<span class="kb-ph" title="原文中的占位符">{PLACEHOLDER}</span>')


def escape(text: str) -> Md:
    """Speech text → inline Markdown that renders exactly as ``text``.

    Placeholders (××) are wrapped in a span so they show as redactions.
    """
    return Md.escape(text)


def html_text(text: str) -> str:
    """Text for a page title or nav title: the theme's templates insert
    those into the HTML unescaped (mkdocs' Jinja has no autoescape), so a
    speech title ``<img onerror=…>`` would run.  Escaped, it shows as typed."""
    return html.escape(text, quote=False)


def highlight(text: str, terms: list[str]) -> str:
    """``escape(text)`` with every occurrence of ``terms`` in ``<mark>``.

    Longer terms win where terms overlap (合法权益 over 权益); among terms
    of the same length the leftmost match wins.  Time is linear in
    ``len(text)`` for each term (plus sorting the matches): each match is
    checked against the characters already marked, never against the
    other matches.
    """
    by_length: dict[int, list[str]] = {}
    for term in set(terms):
        if term:
            by_length.setdefault(len(term), []).append(term)
    # taken[i] is 1 where an accepted match covers text[i].
    taken = bytearray(len(text))
    spans: list[tuple[int, int]] = []
    for length in sorted(by_length, reverse=True):
        found = sorted((m.start(), term) for term in by_length[length] for m in re.finditer(re.escape(term), text))
        for s, _ in found:
            e = s + length
            if taken.find(1, s, e) < 0:
                taken[s:e] = b"\x01" * length
                spans.append((s, e))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


#: The first line of an HTML block in generated Markdown: one whole element
#: (a passage's paragraph, the original text in ``<details>``, a table in a
#: ``<div>`` or a chart's ``<figure>``) that
#: ends on the first line ending in its closing tag.  Python-Markdown would
#: give such a block to its HTML-block parser and then run nothing on it;
#: the plugin's ``rawhtml`` extension recognises it by this pattern and
#: stores it as it is, which skips that parser (the passages are most of a
#: large site's text).  Either way the page's HTML is the same (but for
#: blank lines between blocks), so the Markdown stays valid without it.
#: Speech text is escaped (no ``<``), so only this module writes such lines
#: and closing tags.
HTML_BLOCK_START = re.compile(r'<(p|details|div|figure) class="kb-[^"<>]*"(?: id="([^"<>]*)")?'
                              r'(?: data-kb-[a-z-]+="[^"<>]*")*(?: data-search-exclude)?>')


def html_block(tag: str, inner: Any, classes: str, id: Optional[str] = None, search: bool = True,
               data: Optional[dict[str, str]] = None) -> Md:
    """The element ``<tag class=… id=… data-kb-…>inner</tag>`` as an HTML
    block (see ``HTML_BLOCK_START``).  ``inner`` is HTML (escaped text, and
    links from ``link``); only inside a ``<pre>`` or a ``<div>`` (around
    paragraphs) may it hold line breaks.  ``id`` and ``classes`` are ASCII
    tokens; ``data``: ``data-kb-*`` attributes (``facets``), values escaped.
    ``search`` False marks the element ``data-search-exclude`` (material's
    search skips it)."""
    ident = Md(' id="{}"').format(token(id)) if id else ""
    attrs = Md("").join(Md(' {}="{}"').format(token(k), Html.escape(v)) for k, v in (data or {}).items()
                        if k.startswith("data-kb-"))
    exclude = " data-search-exclude" if not search else ""
    return Md('<{tag} class="{classes}"{ident}{attrs}{exclude}>{inner}</{tag}>').format(
        tag=token(tag), classes=token(classes), ident=ident, attrs=attrs, exclude=Md(exclude), inner=inner)


def link(target: str, inner: Any, classes: str = "", attrs: Any = "") -> Md:
    """An ``<a>`` for an HTML block: ``target`` is a page's Markdown path
    relative to this page, as in a Markdown link (``../themes/x.md#a``);
    the plugin turns it into the page's URL, as mkdocs does for Markdown
    links, and validates it.  ``attrs`` (``Html``, else escaped) follow
    ``href``; ``inner`` is escaped unless it is ``Md``."""
    css = Md(' class="{}"').format(token(classes)) if classes else ""
    return Md('<a{css} href="{href}"{attrs}>{inner}</a>').format(
        css=css, href=Html.escape(target), attrs=Html.escape(attrs), inner=inner)


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


#: What ``token`` lets through: ids, anchors, CSS classes, docs paths —
#: word characters (speech ids keep Chinese file names: ``ids.slugify``),
#: ``-./#%~`` and spaces; no Markdown or HTML punctuation.
_TOKEN = re.compile(r"[\w\-./# %~]*")


def token(text: str) -> Md:
    """One of our own tokens — an id, an anchor, a class list, a docs path
    from ``urls`` — as ``Md``, unescaped.  Raises ``ValueError`` for
    anything else (it would need escaping, so it is not ours)."""
    if not _TOKEN.fullmatch(text):
        raise ValueError(f"not a plain ASCII token: {text!r}")
    return Md(text)


def num(value: float) -> Md:
    """A number as written on the pages (``5``, ``2.5``: ``:g``)."""
    return Md(f"{value:g}")


def lines(items: Iterable[Any]) -> Md:
    """Lines of Markdown joined with newlines (every item not ``Md`` escaped)."""
    return Md("\n").join(items)


def front_matter(title: str, tags: Iterable[str] = ()) -> str:
    """A page's YAML front matter (with the closing ``---`` line).  The
    title is HTML-escaped for material's templates (``html_text``), and
    both it and the tags are JSON strings (valid YAML scalars)."""
    out = ["---", f"title: {_yaml_str(html_text(title))}"]
    tags = list(tags)
    if tags:
        out.append("tags:")
        out += [f"  - {_yaml_str(t)}" for t in tags]
    return "\n".join(out + ["---"])


def page(front: str, body: Iterable[Any]) -> str:
    """A whole page: front matter, then the body's lines."""
    # str(): the front matter is YAML, not Markdown (``Md`` would escape it).
    return f"{front}\n{str(lines(body))}"


def _yaml_str(text: str) -> str:
    # JSON strings are valid YAML scalars and escape everything needed.
    return json.dumps(text, ensure_ascii=False)


def unit_body(unit: Unit, terms: Optional[list[str]] = None) -> list[Md]:
    """The inner HTML of a leaf unit's paragraphs (escaped text, with
    ``terms`` in ``<mark>``); a sub-point's first sentence (its heading) is
    bold."""
    render = (lambda t: Md(highlight(t, terms))) if terms else escape
    out = []
    for i, para in enumerate(paragraphs(unit.text)):
        if i == 0 and unit.kind == "subpoint" and unit.heading and para.startswith(unit.heading):
            cut = len(unit.heading)
            # Keep the sentence's own closing mark inside the bold part.
            while cut < len(para) and para[cut] in "。！？；：，":
                cut += 1
            out.append(Md("<strong>{}</strong>{}").format(render(para[:cut]), render(para[cut:])))
        else:
            out.append(render(para))
    return out


def passage_block(body: list[Md], classes: str, id: str, data: dict[str, str], tail: Any = "") -> Md:
    """A passage (a leaf unit's paragraphs, ``unit_body``) as one HTML
    block: a ``<p>``, or a ``<div>`` of paragraphs for a unit that spans
    lines, with the anchor ``id`` and the ``data-kb-*`` attributes the
    site's script reads (``facets.passage``).  ``tail`` (HTML: its badges)
    ends the last paragraph."""
    if len(body) == 1:
        return html_block("p", body[0] + tail, classes, id, data=data) + Md("\n")
    paras = [Md("<p>{}</p>").format(para + (tail if i == len(body) - 1 else "")) for i, para in enumerate(body)]
    return html_block("div", Md("\n").join(paras), classes, id, data=data) + Md("\n")


def paragraph_blocks(body: list[Md], classes: str, id: str) -> list[Md]:
    """A unit's paragraphs (``unit_body``) as HTML blocks, each followed by
    a blank line.  The anchor ``id`` goes on the first paragraph; a
    multi-paragraph unit (a sub-point spanning lines) keeps its paragraphs."""
    return [html_block("p", para, classes, id if i == 0 else None) + Md("\n") for i, para in enumerate(body)]
