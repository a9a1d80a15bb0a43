"""Chinese word segmentation: the only module that talks to jieba.

A private ``jieba.Tokenizer`` (not jieba's global one, which mkdocs-material's
search plugin configures for itself) loaded with the domain user dictionary
``build_scripts/data/userdict.txt`` and with every lexicon term, so domain
terms (职工之家, 厂务公开, 集体合同 …) stay whole tokens.
"""

from __future__ import annotations

import getpass
import logging
import os
import tempfile
from pathlib import Path
from typing import Iterable

import jieba

#: The domain user dictionary, one term per line (jieba's format: word
#: [freq [tag]]).  Also given to mkdocs-material's search plugin as
#: ``jieba_dict_user`` so indexing and tagging segment alike.
USER_DICT = Path(__file__).parent / "data" / "userdict.txt"
#: The project folder (the one holding build_scripts/).
ROOT = Path(__file__).resolve().parent.parent

# jieba logs "Building prefix dict…" at INFO on every load.
jieba.setLogLevel(logging.WARNING)


def cache_dir() -> Path:
    """Where jieba keeps its dictionary cache (a 9 MB marshal file that
    saves ~1 s per load): ``.cache/jieba/<user id>/`` in the project.

    jieba's default is one ``jieba.cache`` in the shared temporary folder.
    When another user owns that file, every build logs "Dump cache file
    failed" and leaves a 9 MB temporary file behind (jieba writes the cache
    to a temporary file, then fails to rename it over the other user's);
    and loading a cache another user can write is trusting them.  Falls
    back to a private folder in the temporary folder if the project is not
    writable.
    """
    user = str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()
    for folder in (ROOT / ".cache" / "jieba" / user, Path(tempfile.gettempdir()) / f"kb-jieba-{user}"):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            continue
        if os.access(folder, os.W_OK) and (not hasattr(os, "getuid") or folder.stat().st_uid == os.getuid()):
            return folder
    raise OSError("no writable cache folder for jieba")


def _use_cache_dir(tokenizer: jieba.Tokenizer) -> None:
    try:
        tokenizer.tmp_dir = str(cache_dir())
    except OSError:
        pass  # jieba then works without a cache (slower, and logs why)


# mkdocs-material's search plugin segments with jieba's global tokenizer:
# it gets the same cache folder.
_use_cache_dir(jieba.dt)


class Segmenter:
    """Segments text into tokens with the domain dictionary.

    ``extra_words`` (lexicon terms) are added with jieba's suggested
    frequency, the smallest that keeps each one a single token.
    """

    def __init__(self, extra_words: Iterable[str] = (), user_dict: Path = USER_DICT):
        self._tokenizer = jieba.Tokenizer()
        _use_cache_dir(self._tokenizer)  # before load_userdict, which loads the dictionary
        self._tokenizer.load_userdict(str(user_dict))
        for word in sorted(set(extra_words)):
            if word.strip():
                self._tokenizer.add_word(word)
        self._tokenizer.initialize()

    def tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` in order (precise mode, HMM on); no spaces."""
        return [t for t in self._tokenizer.lcut(text, HMM=True) if t.strip()]

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """(token, start, end) character offsets of every token."""
        return [(t, s, e) for t, s, e in self._tokenizer.tokenize(text) if t.strip()]


def read_user_dict(path: Path = USER_DICT) -> list[str]:
    """The terms of a user dictionary file (first field of each line)."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words
