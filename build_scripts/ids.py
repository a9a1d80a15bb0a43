"""Speech ids: URL-safe slugs made from file names, unique per build.

A speech's id is its page URL (``speeches/<id>/``), its anchor prefix on
theme pages and its key in corpus.json, so it must be safe in a URL path,
an HTML id and an attr_list ``{ #id }``.  The rule (``slugify``): NFKC
normalisation (full-width ＡＢＣ１２ → ABC12), ASCII lower case, and every
run of characters other than Unicode letters, digits and ``_`` (spaces,
dots, parentheses, full-width punctuation, anything reserved in a URL)
becomes one ``-``.  Chinese characters are kept: browsers show them in the
address bar and mkdocs percent-encodes them in links.  pymdownx's slugify
is not used because it drops markup-like text (``a<b>.txt`` → ``a``) and
joins words across punctuation (``讲话（2016）`` → ``讲话2016``).

The five seeds' names are already slugs, so their ids and URLs do not
change.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Optional

log = logging.getLogger("build_scripts")

#: Anything that is not a letter, a digit or "_" (``\\w`` is Unicode-aware).
_SEPARATOR_RE = re.compile(r"[\W]+")
#: Ids the site itself uses (speeches/index.md is the list of speeches),
#: and the device names Windows refuses as file or folder names (a site
#: copied to an IIS intranet server must still open).
RESERVED = frozenset({"index", "con", "prn", "aux", "nul"}
                     | {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)})
#: The most UTF-8 bytes of a slug.  A file name may be 255 bytes
#: (NAME_MAX on Linux, macOS and Windows), and NFKC can make a name longer
#: (㌀ → アパート: 3 bytes → 12); the id becomes the folder
#: ``speeches/<id>/`` and, in the offline copy, the file
#: ``speeches/<id>.html``, after a collision suffix ``-NN``.  200 bytes
#: leaves room for both.
MAX_ID_BYTES = 200
#: Id of a file whose name has no letter or digit at all (e.g. "（）.txt").
FALLBACK = "speech"


def slugify(stem: str) -> str:
    """A file name without its suffix → URL-safe id (see the module doc),
    at most ``MAX_ID_BYTES`` bytes of UTF-8.

    >>> slugify("我的 讲话（2016）")
    '我的-讲话-2016'
    """
    text = unicodedata.normalize("NFKC", stem)
    text = "".join(c.lower() if c.isascii() else c for c in text)
    slug = _SEPARATOR_RE.sub("-", text).strip("-")
    if len(slug.encode("utf-8")) > MAX_ID_BYTES:
        # Cut at a character boundary; a collision this makes gets "-2".
        slug = slug.encode("utf-8")[:MAX_ID_BYTES].decode("utf-8", "ignore").rstrip("-")
    return slug or FALLBACK


def assign(paths: Iterable[Path], names: Optional[dict[Path, str]] = None) -> dict[Path, str]:
    """A unique id for each path, in the order given (the build's sorted
    order, so the outcome is the same on every machine).

    The first file keeps its slug; a later file with the same slug (or a
    reserved one) gets ``<slug>-2``, ``-3`` … skipping every slug another
    file has as its own.  Each such collision is logged as a warning
    naming both files (as ``names[path]``, default the path).
    """
    paths = list(paths)
    names = names or {}
    natural = {p: slugify(p.stem) for p in paths}
    wanted = set(natural.values())
    owner: dict[str, Path] = {}
    ids: dict[Path, str] = {}
    for path in paths:
        slug = natural[path]
        if slug not in owner and slug not in RESERVED:
            owner[slug] = path
            ids[path] = slug
            continue
        n = 2
        while f"{slug}-{n}" in owner or f"{slug}-{n}" in wanted:
            n += 1
        new = f"{slug}-{n}"
        owner[new] = path
        ids[path] = new
        if slug in RESERVED:
            why = "is used by the site itself" if slug == "index" else "is a device name Windows servers refuse"
            log.warning("%s: id %r %s; published as %r — rename the file", names.get(path, path), slug, why, new)
        else:
            log.warning("%s: id %r is already taken by %s; published as %r — rename one of the two files",
                        names.get(path, path), slug, names.get(owner[slug], owner[slug]), new)
    return ids
