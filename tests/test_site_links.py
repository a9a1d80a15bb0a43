"""Static checks of the built site: every internal link and anchor
resolves, nothing is loaded from another host, and the JSON export is
valid and points at real pages and anchors.

Pure stdlib parsing (``html.parser``) of the site built by the
``built_site`` fixture (``mkdocs build --strict``); no browser.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "build_scripts" / "data" / "corpus.schema.json"

#: Schemes that are not files of the site.
SKIP_SCHEMES = ("http:", "https:", "mailto:", "javascript:", "data:", "tel:")
#: Elements whose src/href the browser loads by itself (not a click).
RESOURCE_TAGS = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "track", "input"}
#: Attributes that hold one URL.
URL_ATTRS = ("href", "src", "data")


@dataclass
class Ref:
    page: str  # site-relative path of the page holding the reference
    tag: str
    attr: str
    value: str
    line: int


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.result = Page()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag != "input" and tag != "meta" else ("id",):
            if attrs.get(key):
                self.result.ids.add(attrs[key])
        for attr in URL_ATTRS:
            value = attrs.get(attr)
            if value is None or (attr == "data" and tag != "object"):
                continue
            self.result.refs.append(Ref(self.page, tag, attr, value.strip(), self.getpos()[0]))

    handle_startendtag = handle_starttag


def _parse(site: Path) -> dict[str, Page]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        collector = _Collector(rel)
        collector.feed(path.read_text(encoding="utf-8"))
        collector.close()
        pages[rel] = collector.result
    return pages


@pytest.fixture(scope="module")
def site_pages(built_site: Path) -> dict[str, Page]:
    return _parse(built_site)


def is_external(value: str) -> bool:
    low = value.lower()
    return low.startswith(("http://", "https://")) or low.startswith("//")


def is_internal(value: str) -> bool:
    low = value.lower()
    return bool(value) and value != "#" and not low.startswith(SKIP_SCHEMES) and not low.startswith("//")


def resolve(site: Path, page: str, url: str) -> tuple[str | None, str]:
    """``url`` as written on ``page`` → (site-relative target file, fragment).

    The target is ``None`` when the URL leaves the site.  Directory URLs
    (``x/``, ``.``, or a path that is a folder) mean its ``index.html``.
    """
    parts = urlsplit(url)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        return page, fragment
    base = "" if path.startswith("/") else posixpath.dirname(page)
    joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if joined == ".":
        joined = ""
    if joined == ".." or joined.startswith("../"):
        return None, fragment
    if path.endswith("/") or joined == "" or (site / joined).is_dir():
        joined = posixpath.join(joined, "index.html") if joined else "index.html"
    return joined, fragment


def check_target(site: Path, pages: dict[str, Page], page: str, url: str) -> str | None:
    """``None`` if ``url`` (on ``page``) resolves to a file and anchor; else why not."""
    target, fragment = resolve(site, page, url)
    if target is None:
        return "points outside the site"
    if not (site / target).is_file():
        return f"missing file {target}"
    if fragment:
        if target not in pages:
            return f"fragment #{fragment} on non-HTML file {target}"
        if fragment not in pages[target].ids:
            return f"no id/name {fragment!r} in {target}"
    return None


def test_site_has_the_expected_pages(built_site, site_pages):
    expected = ["index.html", "speeches/index.html", "themes/index.html", "about/index.html",
                "speeches/002_3520ac743f25e09c/index.html"]
    expected += [f"themes/{slug}/index.html" for slug in ("fuwu-daju", "weiquan-bangfu", "zishen-jianshe",
                                                           "dang-de-lingdao")]
    missing = [p for p in expected if p not in site_pages]
    assert not missing, f"pages missing from the built site: {missing}"
    assert (built_site / "data" / "corpus.json").is_file()
    assert (built_site / "search" / "search_index.json").is_file()


def test_every_internal_link_and_anchor_resolves(built_site, site_pages):
    broken, checked = [], 0
    for page, info in site_pages.items():
        for ref in info.refs:
            if not is_internal(ref.value):
                continue
            checked += 1
            why = check_target(built_site, site_pages, page, ref.value)
            if why:
                broken.append(f"{page}:{ref.line} <{ref.tag} {ref.attr}={ref.value!r}>: {why}")
    assert checked > 500, f"only {checked} internal links found: is the parser seeing the pages?"
    assert not broken, f"{len(broken)} broken internal link(s) of {checked}:\n" + "\n".join(broken)


def test_theme_badges_point_at_theme_passages(built_site, site_pages):
    """Every badge on a speech page links to a passage of a theme page."""
    badge_re = re.compile(r'<a class="kb-badge[^"]*" href="([^"]+)"')
    badges = 0
    wrong = []
    for page in site_pages:
        if not re.fullmatch(r"speeches/[^/]+/index\.html", page) or page == "speeches/index.html":
            continue
        speech_id = page.split("/")[1]
        for href in badge_re.findall((built_site / page).read_text(encoding="utf-8")):
            badges += 1
            target, fragment = resolve(built_site, page, href)
            if not (target and re.fullmatch(r"themes/[a-z0-9-]+/index\.html", target)
                    and fragment.startswith(f"{speech_id}-")):
                wrong.append(f"{page}: {href}")
    assert badges > 20, f"only {badges} theme badges found on speech pages"
    assert not wrong, "badges not pointing at <speech>-<unit> anchors of a theme page:\n" + "\n".join(wrong)


def test_nothing_is_loaded_from_another_host(built_site, site_pages, capsys):
    loaded, clickable = [], set()
    for page, info in site_pages.items():
        for ref in info.refs:
            if not is_external(ref.value):
                continue
            if ref.tag in RESOURCE_TAGS or ref.attr == "src":
                loaded.append(f"{page}:{ref.line} <{ref.tag} {ref.attr}={ref.value!r}>")
            else:
                clickable.add(ref.value)
    # Stylesheets can pull fonts/imports from elsewhere too.
    css_re = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
    for css in sorted(built_site.rglob("*.css")):
        for url in css_re.findall(css.read_text(encoding="utf-8", errors="replace")):
            loaded.append(f"{css.relative_to(built_site).as_posix()}: {url}")
    with capsys.disabled():
        print(f"\n[external links for the user to click: {sorted(clickable) or 'none'}]")
    assert not loaded, "the site loads resources from another host:\n" + "\n".join(loaded)


# --- the JSON export ------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_json(built_site):
    return json.loads((built_site / "data" / "corpus.json").read_text(encoding="utf-8"))


def test_corpus_json_matches_schema(corpus_json):
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(corpus_json), key=lambda e: list(e.absolute_path))
    assert not errors, "corpus.json does not match corpus.schema.json:\n" + "\n".join(
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:50])
    assert corpus_json["speeches"], "corpus.json has no speeches"


def test_corpus_json_urls_resolve(built_site, site_pages, corpus_json):
    """Theme, speech and unit URLs of the export are real pages and anchors."""
    broken, units = [], 0
    for theme in corpus_json["themes"]:
        why = check_target(built_site, site_pages, "index.html", theme["url"])
        if why:
            broken.append(f"theme {theme['slug']}: {theme['url']}: {why}")
    for speech in corpus_json["speeches"]:
        why = check_target(built_site, site_pages, "index.html", speech["url"])
        if why:
            broken.append(f"speech {speech['id']}: {speech['url']}: {why}")
        for unit in speech["units"]:
            units += 1
            # A unit's URL is its speech's plus its id (schema 4).
            url = f"{speech['url']}#{unit['id']}"
            why = check_target(built_site, site_pages, "index.html", url)
            if why:
                broken.append(f"unit {speech['id']}/{unit['id']} ({unit['kind']}): {url}: {why}")
    assert units > 50, f"only {units} units in corpus.json"
    assert not broken, f"{len(broken)} URL(s) in data/corpus.json do not resolve:\n" + "\n".join(broken)


def test_every_themed_unit_is_on_its_theme_pages(site_pages, corpus_json):
    slug = {t["name"]: t["slug"] for t in corpus_json["themes"]}
    missing, tagged = [], 0
    for speech in corpus_json["speeches"]:
        for unit in speech["units"]:
            for theme in unit.get("themes", []):
                tagged += 1
                if theme not in slug:
                    missing.append(f"{speech['id']}/{unit['id']}: unknown theme {theme!r}")
                    continue
                page = f"themes/{slug[theme]}/index.html"
                anchor = f"{speech['id']}-{unit['id']}"
                if page not in site_pages:
                    missing.append(f"{speech['id']}/{unit['id']}: no page {page}")
                elif anchor not in site_pages[page].ids:
                    missing.append(f"{speech['id']}/{unit['id']} ({unit['kind']}): no #{anchor} on {page}")
    assert tagged > 20, f"only {tagged} unit-theme pairs in corpus.json"
    assert not missing, f"{len(missing)} themed unit(s) missing from their theme pages:\n" + "\n".join(missing)
