"""The search worker (kb-search.js) without a browser, in Node.

- ``node --test tests/js/``: the worker against a tiny index built by
  ``search_index`` (tests/js/make_index.py): tiers, pieces, near-matches,
  grouping, metadata, escaping, the query cap, a broken index.
- ``fold`` and ``key_hash`` agree between Python and the worker on random
  text (the index is written by one and read by the other), and the worker
  reads every key's postings (hot keys in parts included) as what the
  pages hold.

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


def test_numbers_agree_with_the_worker():
    """The index's text varints (see Numbers) read back by the worker, from
    one digit to the largest numbers a corpus of millions of pages makes;
    and the worker's digits are search_index.DIGITS."""
    numbers = [*range(0, 3000), *(29 ** k * 64 + d for k in range(1, 6) for d in (-1, 0, 1)),
               *random.Random(5).sample(range(2 ** 40), 2000)]
    texts = [si._varint(n) for n in numbers]
    assert all(ch in si.DIGITS for text in texts for ch in text) and len(si.DIGITS) == 93
    assert len(si._varint(si.TERMINAL - 1)) == 1 and len(si._varint(si.TERMINAL)) == 2
    script = _AGREE.replace('"({fold: texts.map(fold), hash: texts.map(keyHash)})"',
                            '"({numbers: texts.map(t => { at = 0; return [varint(t), at] }), '
                            'digits: [...Array(128).keys()].filter(c => DIGIT[c] >= 0).map(c => String.fromCharCode(c)).join(\'\')})"')
    assert script != _AGREE
    result = subprocess.run([NODE, "-e", script, str(WORKER)], input=json.dumps(texts), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["digits"] == si.DIGITS
    assert got["numbers"] == [[n, len(text)] for n, text in zip(numbers, texts)]
    assert all(si._read_varint(text, 0) == (n, len(text)) for n, text in zip(numbers, texts))


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


#: Loads the worker, feeds it every index file in argv[2] (as its fetch
#: would: the JSON after the kbLoaded call), and prints, per key, the
#: worker's reading of its postings: [[doc, positions or 1], ...], and
#: the part headings and title lengths it found on the way.
_READ = r"""
const fs = require("fs"), path = require("path"), vm = require("vm")
const context = { URL, atob, console, location: { href: "http://kb.test/assets/javascripts/workers/kb-search.js" },
                  addEventListener() {}, postMessage() {} }
context.self = context
vm.createContext(context)
vm.runInContext(fs.readFileSync(process.argv[1], "utf-8"), context)
const dir = process.argv[2]
context.index = JSON.parse(fs.readFileSync(path.join(dir, "search_index.json"), "utf-8"))
vm.runInContext("setup(index)", context)
const keys = new Set()
for (const file of fs.readdirSync(path.join(dir, "kb"))) {
  const text = fs.readFileSync(path.join(dir, "kb", file), "utf-8")
  const name = file.slice(0, -3)
  const data = JSON.parse(text.slice(`kbLoaded("${name}",`.length, text.lastIndexOf(");")))
  context.kbLoaded(name, data)
  if (name[0] === "p")
    Object.keys(data).forEach(key => keys.add(key))
}
context.keys = [...keys]
const out = vm.runInContext(`({
  postings: Object.fromEntries(keys.map(key => [key, [...posting(key)]])),
  headings: [...headings].sort((a, b) => a - b),
  titles: Object.fromEntries(titleLengths)
})`, context)
process.stdout.write(JSON.stringify(out))
"""


def test_worker_reads_the_postings_python_writes(tmp_path):
    """Random pages, small shards (hot keys in several parts): the worker's
    reading of every key is what the pages hold — documents numbered page
    × 65536 + local, bigram positions, the documents of characters, part headings,
    title lengths."""
    rng = random.Random(4)
    alphabet = "职工会困难帮扶的，。Ａa1"
    pages = []
    for n in range(60):
        title = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        page = si.SearchPage(f"p{n}/", title, "speech")
        page.docs.append(si.SearchDoc("", title, title + "　" + "职工" * rng.randint(0, 3), "page"))
        for k in range(rng.randint(0, 6)):
            kind = rng.choice(["section", "paragraph", "subpoint"])
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            page.docs.append(si.SearchDoc(f"u{k}", text[:5], text, kind))
        pages.append(page)
    index = si.build(pages, shard_bytes=120)
    for rel, content in index.files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    assert any(p.name.startswith("h") and p.name.endswith(".2.js") for p in (tmp_path / "search/kb").iterdir())
    result = subprocess.run([NODE, "-e", _READ, str(WORKER), str(tmp_path / "search")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    truth: dict[str, list] = {}
    headings, titles = [], {}
    for page_no, page in enumerate(pages):
        titles[str(page_no)] = len(page.title)
        for local, doc in enumerate(page.docs):
            number = page_no * 65536 + local
            if doc.kind == "section":
                headings.append(number)
            text = si.fold(doc.text)
            found: dict[str, list] = {}
            for i, ch in enumerate(text):
                if si.is_indexed(ch):
                    found[ch] = 1  # a character's count is not stored
                    if i + 1 < len(text) and si.is_indexed(text[i + 1]):
                        found.setdefault(text[i:i + 2], []).append(i)
            for key, value in found.items():
                truth.setdefault(key, []).append([number, value])
    assert got["postings"] == truth
    assert got["headings"] == [h for h in headings if any(h == d for v in truth.values() for d, _ in v)]
    assert got["titles"] == titles
