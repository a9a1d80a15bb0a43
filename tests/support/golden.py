"""The seeds' site as it was before a refactoring: a SHA-256 per file.

``tests/data/site-golden.json`` holds the fingerprint of the site built
from the seeds; tests/test_plugin.py checks that the current build gives
the same bytes.  A change that is *meant* to change the output records
the new fingerprint (and says so in its commit)::

    .venv/bin/python tests/support/golden.py site/      # after `make site`

sitemap.xml(.gz) and the Word downloads are left out: their dates are the
build date, which follows the last commit that touched an input
(``source_date``).  In HTML pages the ``<meta name="generator">`` tag is
left out: it names the engine (MkDocs or ProperDocs, ``make test
ENGINE=…``), which is the only byte the two change (tests/test_engines.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "site-golden.json"
#: Files whose bytes depend on the build date.
DATED = {"sitemap.xml", "sitemap.xml.gz"}
#: The one line of an HTML page that depends on the engine.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def fingerprint(site: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file of ``site`` but ``DATED`` and
    the Word downloads (HTML pages without their ``GENERATOR`` tag)."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(_engine_free(p)).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.relative_to(site).as_posix() not in DATED
            and p.suffix != ".docx"}


def _engine_free(path: Path) -> bytes:
    data = path.read_bytes()
    return GENERATOR.sub(b"", data) if path.suffix == ".html" else data


def load() -> dict[str, str]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    GOLDEN.write_text(json.dumps(fingerprint(site), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(fingerprint(site))} files")
