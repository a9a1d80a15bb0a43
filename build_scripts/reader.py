"""Find and read speech files and their optional metadata sidecars.

Input files are only ever opened for reading.  A file that cannot be read
as a speech raises ``SpeechError`` with a message naming the file, the
problem and the fix; the pipeline skips it and builds the rest.

Decoding (``decode``), in order of certainty:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) names the encoding;
2. bytes that are valid UTF-8 are UTF-8 (text in another encoding almost
   never is);
3. otherwise charset-normalizer guesses, and the guess is only accepted for
   the encodings Chinese speeches are saved in (GB18030 and its subsets GBK
   and GB2312, which are decoded as GB18030; Big5) and only when the
   evidence is strong: little mess and a recognisable language
   (``MIN_COHERENCE``).  Anything else is refused with the guess named,
   never decoded silently.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from . import config_schema
from .errors import ConfigError, Problem, SpeechError

log = logging.getLogger("build_scripts")

#: File suffixes read as speeches: plain text and Word (.docx).
SPEECH_SUFFIXES = (".txt", ".docx")
#: Formats users drop into seeds/ that cannot be read; they are reported
#: (with how to convert them) rather than silently ignored.
UNSUPPORTED_SUFFIXES = {".doc": "a Word 97–2003 document (.doc)", ".wps": "a WPS document (.wps)",
                        ".rtf": "an RTF document", ".pdf": "a PDF file"}
#: Keys a sidecar seeds/<id>.yml may set; each overrides the value read
#: from the text (their rules: build_scripts/data/sidecar.schema.json).
SIDECAR_KEYS = tuple(config_schema.schema("sidecar")["properties"])

#: Files this large are not read.  The longest speeches are ~50 000
#: characters (≈ 150 KB in UTF-8); 5 MiB of text is a book, a log or a
#: database dump dropped by mistake, and would make one page of several MB
#: and bloat the search index every visitor downloads.  For .docx the limit
#: applies to the extracted text (a document's images do not count).
MAX_BYTES = 5 * 1024 * 1024

#: Byte-order marks, longest first (the UTF-32 LE mark starts with the
#: UTF-16 LE one).  Python's codec names; "utf-8-sig" drops the mark.
BOMS = ((b"\xff\xfe\x00\x00", "utf-32", "UTF-32 (BOM)"), (b"\x00\x00\xfe\xff", "utf-32", "UTF-32 (BOM)"),
        (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 (BOM)"),
        (b"\xff\xfe", "utf-16", "UTF-16 (BOM)"), (b"\xfe\xff", "utf-16", "UTF-16 (BOM)"))

#: Signatures of binary formats that get renamed to .txt: named in the
#: message so the user knows what the file really is.
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
              (b"GIF8", "a GIF image"), (b"%PDF-", "a PDF file"),
              (b"PK\x03\x04", "a ZIP archive (a .docx saved as .txt?)"),
              (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word 97–2003/WPS document"),
              (b"{\\rtf", "an RTF document"))

#: Encodings a guess is accepted for (charset-normalizer's names) → the
#: codec used.  GBK and GB2312 are subsets of GB18030, so GB18030 decodes
#: them all (and the characters GBK lacks).
CHINESE_ENCODINGS = {"gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030",
                     "hz": "hz", "big5": "big5hkscs", "big5hkscs": "big5hkscs", "cp950": "cp950"}
#: The least language coherence (charset-normalizer's share of the
#: language's common characters, 0–1) a guess must show.  The seeds in GBK
#: score ≈ 0.19, 200 characters of speech ≈ 0.14; a title or a few words
#: score 0, where GBK cannot be told from Korean or Japanese encodings.
MIN_COHERENCE = 0.05
#: The most "mess" (charset-normalizer's share of odd characters) a guess
#: may show.
MAX_CHAOS = 0.1

FIX_SAVE_AS_UTF8 = "save it as UTF-8 text (WPS/Word: 另存为 → 纯文本 → 编码 UTF-8)"


@dataclass
class SpeechText:
    """A speech file's decoded text and how it was read.

    ``encoding`` is what the build log and ``check`` report: "UTF-8",
    "UTF-8 (BOM)", "GB18030", "UTF-16 (BOM)", "docx" …
    """

    text: str
    encoding: str


def discover(seeds_dir: Path) -> list[Path]:
    """Speech files directly in ``seeds_dir``, sorted by name (bytewise, so
    the order is the same on every machine).

    Hidden files (names starting with ``.``, e.g. macOS ``._x.txt``
    resource forks or editor backups) and Word's lock files (``~$x.docx``)
    are never speeches: they are ignored and logged at INFO level.  Files
    in a format that cannot be read (.doc, .wps, .rtf, .pdf) are returned
    too, so that reading them reports how to convert them.
    Raises ``ConfigError`` if the folder does not exist.
    """
    if not seeds_dir.is_dir():
        raise ConfigError([Problem(str(seeds_dir), "the seeds folder does not exist",
                                   "create it and put the speeches (.txt or .docx) in it")])
    found = []
    for p in seeds_dir.iterdir():
        suffix = p.suffix.lower()
        if not p.is_file() or (suffix not in SPEECH_SUFFIXES and suffix not in UNSUPPORTED_SUFFIXES):
            continue
        if p.name.startswith((".", "~$")):
            log.info("%s: ignored: hidden or lock file (rename it without the leading '%s' to publish it)",
                     p, p.name[0] if p.name[0] == "." else "~$")
            continue
        found.append(p)
    return sorted(found, key=lambda p: p.name.encode("utf-8"))


def read_speech(path: Path) -> SpeechText:
    """The text of a speech file (.txt in any supported encoding, or .docx).

    Raises ``SpeechError`` for a file that is unreadable, empty, binary,
    too large, in an unsupported format or an encoding that cannot be
    determined with confidence.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpeechError(Problem(str(path), f"cannot be read ({exc.strerror})", "check the file's permissions"))
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise SpeechError(Problem(str(path), f"is {UNSUPPORTED_SUFFIXES[suffix]}, which cannot be read",
                                  "open it in Word/WPS and save it as .docx, or as UTF-8 plain text (.txt)"))
    if suffix == ".docx":
        result = SpeechText(read_docx(path, data), "docx")
        size = len(result.text.encode("utf-8"))
    else:
        # Checked before decoding: a huge file is not worth detecting.
        size = len(data)
        result = None
    if size >= MAX_BYTES:
        raise SpeechError(_too_large(path, size))
    if result is None:
        result = decode(path, data)
    if not result.text:
        raise SpeechError(Problem(str(path), "is empty (0 bytes of text)", "put the speech text in it, or remove the file"))
    if not result.text.strip():
        raise SpeechError(Problem(str(path), "contains only whitespace", "put the speech text in it, or remove the file"))
    return result


def _too_large(path: Path, size: int) -> Problem:
    return Problem(str(path), f"is {size / 1024 / 1024:.1f} MB of text, more than the {MAX_BYTES // 1024 // 1024} MB "
                              "a speech can be (the longest are about 0.2 MB)",
                   "put one speech per file; if this is not a speech, move it out of seeds/")


def decode(path: Path, data: bytes) -> SpeechText:
    """Decode a text file's bytes (see the module docstring for the rules).

    Raises ``SpeechError`` for binary data or an encoding that cannot be
    determined with confidence.
    """
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise SpeechError(Problem(str(path), f"starts with a {label} byte-order mark but is not valid "
                                                     f"{codec.upper()} (byte {exc.start})", FIX_SAVE_AS_UTF8))
            if "\x00" in text:
                raise SpeechError(Problem(str(path), "contains NUL characters: not a text file", FIX_SAVE_AS_UTF8))
            return SpeechText(text.lstrip("\ufeff"), label)
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise SpeechError(Problem(str(path), f"is {what}, not text",
                                      "put the speech text in a .txt (UTF-8) or .docx file; move this file out of seeds/"))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SpeechError(Problem(str(path), "contains NUL bytes: a binary file, or UTF-16 text without a byte-order mark",
                                  FIX_SAVE_AS_UTF8, line))
    try:
        return SpeechText(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass

    # Imported here: only files that are not UTF-8 need the detector.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SpeechError(Problem(str(path), "is not text in any known encoding (binary data?)", FIX_SAVE_AS_UTF8))
    guess = best.encoding
    codec = CHINESE_ENCODINGS.get(guess)
    evidence = f"best guess {guess}, {best.chaos:.0%} garbled, coherence {best.coherence:.2f}"
    if best.coherence < MIN_COHERENCE or best.chaos > MAX_CHAOS:
        raise SpeechError(Problem(str(path), f"is not UTF-8 and the evidence for any encoding is too weak to decode "
                                             f"it without guessing ({evidence})", FIX_SAVE_AS_UTF8))
    if codec is None:
        raise SpeechError(Problem(str(path), f"is not UTF-8 and its encoding is not a Chinese one ({evidence})",
                                  FIX_SAVE_AS_UTF8))
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise SpeechError(Problem(str(path), f"looks like {guess} but is not valid {codec} (byte {exc.start})",
                                  FIX_SAVE_AS_UTF8))
    return SpeechText(text, codec.upper())


def read_docx(path: Path, data: bytes) -> str:
    """The text of a Word .docx: one line per paragraph, in document order.

    Paragraphs inside tables become lines too (row by row); a manual line
    break inside a paragraph is a line break.  Headers, footers, comments
    and text boxes are not read.  Raises ``SpeechError`` if the file is
    not a .docx python-docx can open.
    """
    import docx  # python-docx; imported here so plain-text builds never load lxml
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SpeechError(Problem(str(path), f"is not a Word .docx document that can be opened ({exc})",
                                  "open it in Word/WPS and save it again as .docx, or save the text as UTF-8 .txt"))
    except Exception as exc:  # lxml and python-docx raise many kinds on a damaged file
        raise SpeechError(Problem(str(path), f"is a damaged .docx ({type(exc).__name__}: {exc})",
                                  "open it in Word/WPS and save it again as .docx, or save the text as UTF-8 .txt"))
    lines: list[str] = []

    def walk(container: Any) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(item.text)

    walk(document)
    return "\n".join(lines)


def sidecar_path(speech: Path) -> Path:
    return speech.with_suffix(".yml")


def read_sidecar(speech: Path) -> tuple[dict[str, str], list[Problem]]:
    """Metadata overrides from ``<speech>.yml``, if it exists.

    Returns (values, problems): values are single-line strings by key
    (``SIDECAR_KEYS``; a date as written, YYYY, YYYY-MM or YYYY-MM-DD).
    The file is read strictly and validated against
    ``build_scripts/data/sidecar.schema.json`` (``config_schema``): YAML
    tags, aliases, merge keys, duplicate and unknown keys, multi-line or
    invisible-character values and impossible dates (2016-02-30) are
    problems, each with its line and fix; a sidecar that is a directory or
    unreadable is one too.  With any problem, no value is used.
    """
    path = sidecar_path(speech)
    if not path.exists() and not path.is_symlink():
        return {}, []
    doc, problems = config_schema.read_config(path, "sidecar", scalars_as_text=True)
    if problems or doc is None or doc.data is None:
        return {}, problems
    return {key: value.strip() for key, value in doc.data.items()}, []
