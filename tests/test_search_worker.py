"""The search worker (kb-search.js) without a browser, in Node.

- ``node --test tests/js/``: the worker against a tiny index built by
  ``search_index`` (tests/js/make_index.py): tiers, pieces, near-matches,
  grouping, metadata, escaping, the query cap, a broken index.
- ``fold`` and ``key_hash`` agree between Python and the worker on random
  text (the index is written by one and read by the other).

Skipped when ``node`` is not installed; a failing Node test fails here.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys

import pytest

from build_scripts import search_index as si
from conftest import ROOT

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (the worker tests run in Node)")

WORKER = ROOT / "overrides/assets/javascripts/workers/kb-search.js"

#: Loads the worker in a vm context and answers {"fold": [...], "hash": [...]}
#: for the JSON list of strings on stdin.
_AGREE = r"""
const fs = require("fs"), vm = require("vm")
const context = { URL, console, location: { href: "http://kb.test/w.js" },
                  addEventListener() {}, postMessage() {} }
context.self = context
vm.createContext(context)
vm.runInContext(fs.readFileSync(process.argv[1], "utf-8"), context)
const texts = JSON.parse(fs.readFileSync(0, "utf-8"))
context.texts = texts
const out = vm.runInContext("({fold: texts.map(fold), hash: texts.map(keyHash)})", context)
process.stdout.write(JSON.stringify(out))
"""


def test_worker_node_tests_pass():
    result = subprocess.run([NODE, "--test", str(ROOT / "tests" / "js")], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, env=dict(os.environ, PYTHON=sys.executable))
    assert result.returncode == 0, f"node --test failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    pools = [
        "职工之家困难帮扶十八大",
        "".join(chr(c) for c in range(0xFF01, 0xFF5F)),  # full-width ASCII
        "".join(chr(c) for c in range(0x20, 0x7F)),
        "\u3000 \t\n×·—…“”，。、",
        "ÄÖÜßéΩωЖжİı",  # letters fold_char must leave alone (only A–Z fold)
        "𠀀𠀁😀\U0010FFFD",  # astral: two UTF-16 units in the worker
    ]
    texts = []
    for _ in range(n):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.2:
            text += chr(rng.randint(0x20, 0xD7FF))
        texts.append(text)
    return texts


def test_fold_and_key_hash_agree_with_the_worker():
    texts = _random_texts(20260, 3000) + ["", "ＡＺａｚ０９！～", "AZaz", "\u3000"]
    result = subprocess.run([NODE, "-e", _AGREE, str(WORKER)], input=json.dumps(texts), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    for text, folded, hashed in zip(texts, got["fold"], got["hash"]):
        assert folded == si.fold(text), f"fold({text!r}): worker {folded!r}, Python {si.fold(text)!r}"
        assert hashed == si.key_hash(text), f"key_hash({text!r}): worker {hashed}, Python {si.key_hash(text)}"
    assert len(got["fold"]) == len(texts)


def test_worker_type_checks():
    """``// @ts-check``: the worker's JSDoc types hold under ``tsc --strict``.
    TypeScript is not a dependency of the site; set ``TSC`` to a tsc binary
    (e.g. from ``npm install --prefix /tmp/tsc typescript``) to run this."""
    tsc = os.environ.get("TSC") or shutil.which("tsc")
    if not tsc:
        pytest.skip("tsc not found: set TSC=/path/to/tsc (npm install --prefix DIR typescript)")
    result = subprocess.run([tsc, "--noEmit", "--allowJs", "--checkJs", "--strict", "--target", "es2022",
                             "--lib", "es2022,dom", str(WORKER)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
