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

import errno
import io
import logging
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional


from . import config_schema
from .errors import ConfigError, Problem, SpeechError
from .safetext import has_unsafe, printable

log = logging.getLogger("build_scripts")

#: File suffixes read as speeches: plain text and Word (.docx).
SPEECH_SUFFIXES = (".txt", ".docx")
#: Formats users drop into seeds/ that cannot be read; they are reported
#: (with how to convert them) rather than silently ignored.
UNSUPPORTED_SUFFIXES = {".doc": "a Word 97–2003 document (.doc)", ".wps": "a WPS document (.wps)",
                        ".rtf": "an RTF document", ".pdf": "a PDF file",
                        ".odt": "an OpenDocument text (.odt)"}
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


#: Suffixes of files in seeds/ that are not speeches and are not
#: reported: sidecars (``<speech>.yml``).
SIDECAR_SUFFIX = ".yml"

#: The most non-blank lines (paragraphs, for .docx) a speech may have.  The
#: longest seeds have a few hundred; 50 000 is far beyond any speech yet
#: keeps a pathological file (a .docx of a million one-character
#: paragraphs) from holding up the build.  Checked while reading.
MAX_LINES = 50_000
#: The largest .docx file read (bytes on disk).  A .docx is compressed and
#: may hold images, so it may be larger than ``MAX_BYTES``; its text is
#: still held to ``MAX_BYTES``.
MAX_DOCX_BYTES = 64 * 1024 * 1024
#: The largest uncompressed ``word/document.xml`` parsed: a "zip bomb"
#: expands a small file into gigabytes of XML.  A .docx of ``MAX_LINES``
#: plain paragraphs has well under 64 MB.
MAX_DOCX_XML_BYTES = 128 * 1024 * 1024

#: What a non-regular file is, for messages.
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


@dataclass
class Scan:
    """What ``scan`` found in the seeds folder.

    ``speeches``: the files to read (regular files, or links to regular
    files inside seeds/, with a speech or an unsupported document suffix),
    sorted bytewise by name.  ``refused``: entries that look like a speech
    (by their name) but cannot be read — a link out of seeds/, a folder
    named ``x.txt``, a name with control characters …; the build logs them
    like every skipped speech file ("skipped …", at ERROR level, so even
    ``mkdocs build -q`` shows them) and counts them as skipped.
    ``ignored``: entries that are not speeches (hidden and lock files,
    other suffixes, sub-folders); logged at INFO and counted.  Sidecars
    (``.yml``) are in none of them.
    """

    speeches: list[Path] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)


def _name_key(path: Path) -> bytes:
    # os.fsencode: a name with bytes that are not UTF-8 holds lone
    # surrogates, which str.encode("utf-8") refuses.
    return os.fsencode(path.name)


#: Characters that can trail a suffix by mistake ("x.txt ", "x.txt.").
_TRAILING = " .\t\u3000"


def looks_like_speech(name: str) -> bool:
    """True if the name's suffix (trailing spaces and dots ignored) is a
    speech's or an unsupported document's (.txt, .docx, .doc …)."""
    suffix = Path(name.rstrip(_TRAILING)).suffix.lower()
    return suffix in SPEECH_SUFFIXES or suffix in UNSUPPORTED_SUFFIXES


def _kind(mode: int) -> str:
    for test, what in _KINDS:
        if test(mode):
            return what
    return "not a regular file"


def classify(path: Path, root: Optional[Path] = None, sidecar: bool = False) -> Optional[Problem]:
    """Why ``path`` cannot be read as a speech (or, ``sidecar`` True, as a
    sidecar), or None if it can be opened as one (a regular file, or a link
    to one).  Decided on ``os.lstat``: the file is never opened, so a FIFO
    cannot block and a huge file is not read.

    ``root`` (the seeds folder): a symbolic link must resolve inside it —
    a link to /etc/passwd or ../../secret.txt is refused, naming both
    paths.  With ``root`` None (files given on the command line) links are
    followed anywhere.  The suffix is not checked here.
    """
    kind = "sidecar" if sidecar else "speech file"
    regular = "a .yml file" if sidecar else "a regular .txt or .docx file"
    shown = str(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Problem(shown, "does not exist", "check the file name and the folder")
    except OSError as exc:
        return Problem(shown, f"cannot be examined ({exc.strerror})", "check the file's permissions")
    if stat.S_ISLNK(st.st_mode):
        try:
            target_text = os.readlink(path)
        except OSError:
            target_text = "?"
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
                return Problem(shown, f"is a symbolic link loop (→ {target_text})",
                               f"remove the link, or replace it by the {kind} itself")
            return Problem(shown, f"is a symbolic link to {target_text}, which does not exist",
                           f"remove the link, or replace it by the {kind} itself")
        if root is not None:
            real_root = root.resolve()
            if target != real_root and real_root not in target.parents:
                return Problem(shown, f"is a symbolic link to {target}, outside the seeds folder; only links to "
                                      "files inside it are followed (anything they point at would be published)",
                               f"copy the {kind} into the seeds folder instead of linking to it")
        try:
            st = os.stat(target)
        except OSError as exc:
            return Problem(shown, f"is a symbolic link to {target}, which cannot be examined ({exc.strerror})",
                           "check the file's permissions")
        link = f"is a symbolic link to {target}, which "
    else:
        link = ""
    if not stat.S_ISREG(st.st_mode):
        what = _kind(st.st_mode)
        if not stat.S_ISDIR(st.st_mode) or sidecar:
            fix = f"replace it by {regular}"
        elif root is None:
            fix = f"name the speech files in it instead (e.g. {os.path.join(str(path), '*.txt')})"
        else:
            fix = "sub-folders are not read: move the speeches directly into the seeds folder"
        return Problem(shown, f"{link}is {what}, not a {kind}", fix)
    return None


def check_files(files: Iterable[Path]) -> Scan:
    """``scan`` for files named on the command line (``tag``): each is
    checked with ``classify`` (links are followed anywhere: the user named
    the file) and must end in a speech suffix; a file given twice (the same
    file by any path) is read once and the repeat is logged."""
    result = Scan()
    seen: dict[Path, Path] = {}
    for p in files:
        key = Path(os.path.abspath(p))
        try:
            key = p.resolve(strict=True)
        except (OSError, RuntimeError):
            pass
        if key in seen:
            same = "" if str(p) == str(seen[key]) else f" (also as {printable(str(seen[key]))})"
            log.warning("%s: given more than once%s; read once", printable(str(p)), same)
            continue
        seen[key] = p
        problem = classify(p)
        if problem is not None:
            result.refused.append(problem)
        elif p.suffix.lower() not in SPEECH_SUFFIXES and p.suffix.lower() not in UNSUPPORTED_SUFFIXES:
            what = f"a {p.suffix} file" if p.suffix else "a file without a suffix"
            result.refused.append(Problem(str(p), f"is {what}, not a speech (only .txt and .docx are read)",
                                          "save the speech as .txt (UTF-8) or .docx"))
        else:
            result.speeches.append(p)
    return result


def scan(seeds_dir: Path) -> Scan:
    """Decide every entry of ``seeds_dir`` (see ``Scan``), without reading
    any file.  Raises ``ConfigError`` if the folder does not exist or cannot
    be listed."""
    try:
        entries = sorted(seeds_dir.iterdir(), key=_name_key)
    except FileNotFoundError:
        raise ConfigError([Problem(str(seeds_dir), "the seeds folder does not exist",
                                   "create it and put the speeches (.txt or .docx) in it")])
    except NotADirectoryError:
        raise ConfigError([Problem(str(seeds_dir), "is not a folder",
                                   "make seeds/ a folder holding the speeches (.txt or .docx)")])
    except OSError as exc:
        raise ConfigError([Problem(str(seeds_dir), f"the seeds folder cannot be listed ({exc.strerror})",
                                   "check the folder's permissions")])
    result = Scan()
    for p in entries:
        name = p.name
        speechlike = looks_like_speech(name)
        bucket = result.refused if speechlike else result.ignored
        if name.startswith((".", "~$")):
            result.ignored.append(Problem(str(p), "ignored: a hidden or lock file",
                                          f"rename it without the leading '{'.' if name[0] == '.' else '~$'}' "
                                          "to publish it"))
            continue
        if has_unsafe(name):
            bucket.append(Problem(str(p), "has control, bidi or undecodable characters in its name, which would "
                                          "show wrongly on the site and in logs",
                                  "rename the file using ordinary characters"))
            continue
        problem = classify(p, seeds_dir)
        if problem is not None:
            bucket.append(problem)
            continue
        suffix = p.suffix.lower()
        if suffix in SPEECH_SUFFIXES or suffix in UNSUPPORTED_SUFFIXES:
            result.speeches.append(p)
        elif speechlike:  # "x.txt " or "x.txt.": Windows cannot even open it
            stem = name.rstrip(_TRAILING)
            result.refused.append(Problem(str(p), f"has a name ending in {name[len(stem):]!r} after its suffix, "
                                                  "so it is not recognised as a speech file",
                                          f"rename it to {stem!r}"))
        elif suffix != SIDECAR_SUFFIX:
            what = f"a {suffix} file" if suffix else "a file without a suffix"
            result.ignored.append(Problem(str(p), f"ignored: {what} is not a speech (only .txt and .docx are read)",
                                          "save a speech as .txt (UTF-8) or .docx to publish it"))
    return result


def discover(seeds_dir: Path) -> list[Path]:
    """Speech files directly in ``seeds_dir``, sorted by name (bytewise, so
    the order is the same on every machine); see ``scan`` for what is left
    out and why.  Files in a format that cannot be read (.doc, .wps, .rtf,
    .pdf, .odt) are returned too, so that reading them reports how to
    convert them.  What ``scan`` refuses is logged as a skipped file, what
    it ignores at INFO.  Raises ``ConfigError`` if the folder does not exist.
    """
    found = scan(seeds_dir)
    for problem in found.refused:
        log.error("skipped %s", problem)
    for problem in found.ignored:
        log.info("%s", problem)
    return found.speeches


def _read_limited(path: Path, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` + 1 bytes of the regular file ``path`` and its size
    on disk.  Opened without following a last-component link only if it is
    not one (links were vetted by ``classify``), non-blocking (a FIFO put in
    its place after the check cannot hang the build), and refused unless it
    is a regular file.  Raises ``SpeechError``; ``_TooLarge`` when the size
    on disk is over ``limit`` (nothing is read then)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if not os.path.islink(path):
            flags |= getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise SpeechError(_os_problem(path, exc))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SpeechError(Problem(str(path), f"is {_kind(st.st_mode)}, not a speech file",
                                      "replace it by a regular .txt or .docx file"))
        if st.st_size > limit:
            raise _TooLarge(st.st_size)
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise SpeechError(_os_problem(path, exc))
    return data, st.st_size


def source_bytes(path: Path, seeds_dir: Path) -> Optional[bytes]:
    """The bytes of the speech file ``path`` to publish under ``sources/``,
    vetted again as the input gate vets it (a link must still resolve inside
    ``seeds_dir``, a regular file, within the size limit), or None when it
    no longer passes: a file swapped for a link or a FIFO between analysis
    and publishing is never copied into the site."""
    if classify(path, seeds_dir) is not None:
        return None
    limit = MAX_DOCX_BYTES if path.suffix.lower() == ".docx" else MAX_BYTES
    try:
        data, _ = _read_limited(path, limit)
    except (SpeechError, _TooLarge):
        return None
    return data if len(data) <= limit else None


class _TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _os_problem(path: Path, exc: OSError) -> Problem:
    """A message for an error opening or reading ``path``."""
    if isinstance(exc, FileNotFoundError):
        return Problem(str(path), "does not exist", "check the file name and the folder")
    if isinstance(exc, IsADirectoryError):
        return Problem(str(path), "is a folder, not a speech file",
                       "give the speech files in it (e.g. folder/*.txt), or move them into seeds/")
    if isinstance(exc, PermissionError):
        return Problem(str(path), f"cannot be read ({exc.strerror})", "check the file's permissions")
    if exc.errno == errno.ELOOP:
        return Problem(str(path), "is a symbolic link that was not expected here",
                       "replace the link by the speech file itself")
    return Problem(str(path), f"cannot be read ({exc.strerror or exc})", "check the file and the disk")


def read_speech(path: Path) -> SpeechText:
    """The text of a speech file (.txt in any supported encoding, or .docx).

    The size is checked before reading: a .txt of ``MAX_BYTES`` or more (a
    sparse 3 GB file included) is refused unread.  Raises ``SpeechError``
    for a file that is missing, not a regular file, unreadable, empty,
    binary, too large, too many lines (``MAX_LINES``), in an unsupported
    format or an encoding that cannot be determined with confidence.
    """
    suffix = path.suffix.lower()
    limit = MAX_DOCX_BYTES if suffix == ".docx" else MAX_BYTES - 1
    try:
        data, _ = _read_limited(path, limit)
    except _TooLarge as exc:
        if suffix == ".docx":
            raise SpeechError(Problem(str(path), f"is a {exc.size / 1024 / 1024:.0f} MB .docx, more than the "
                                                 f"{MAX_DOCX_BYTES // 1024 // 1024} MB read",
                                      "save the speech's text alone (without images) as .docx or UTF-8 .txt"))
        raise SpeechError(_too_large(path, exc.size))
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
    lines = sum(1 for line in result.text.splitlines() if line.strip())
    if lines > MAX_LINES:
        raise SpeechError(_too_many_lines(path, lines))
    return result


def _too_many_lines(path: Path, lines: int) -> Problem:
    return Problem(str(path), f"has {lines:,} lines of text (or more), more than the {MAX_LINES:,} a speech can have "
                              "(the longest have a few hundred)",
                   "put one speech per file; if this is not a speech, move it out of seeds/")


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


#: WordprocessingML and markup-compatibility namespaces (ECMA-376).
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: Elements whose text is not in the document as it reads now: deleted
#: text (tracked deletions hold ``w:delText``, but a deleted paragraph's
#: runs can still hold ``w:t``), the old place of moved text, and Word's
#: fallback copy of a drawing (the same text box again, as VML).
_SKIPPED = {_W + "del", _W + "moveFrom", _MC + "Fallback"}
#: Run content that is text: ``w:t``, and the characters Word stores as
#: elements.  Field codes (``w:instrText``) are instructions, not text.
_TEXT_ELEMENTS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-",
                  _W + "softHyphen": "\u00ad"}


def read_docx(path: Path, data: bytes) -> str:
    """The text of a Word .docx: one line per paragraph, in document order.

    Every paragraph of the body is read, wherever it sits: in tables (each
    cell once, row by row), in content controls (``w:sdt``, block, row,
    cell or inline), in custom XML and in text boxes (after the paragraph
    that anchors them).  A paragraph's text is every ``w:t`` in it — runs,
    hyperlinks, tracked insertions (``w:ins``) and moves (``w:moveTo``),
    simple and complex fields' results (``w:fldSimple``), smart tags,
    inline content controls — except deleted text (``w:del``, ``w:delText``,
    ``w:moveFrom``) and field codes (``w:instrText``).  python-docx opens
    the package, but its ``Paragraph.text`` reads only runs and hyperlinks
    that are direct children of the paragraph (all the constructs above
    would be lost) and its ``iter_inner_content`` skips block content
    controls, so the body is walked here on python-docx's XML tree.
    Headers, footers, footnotes and comments are not the speech and are
    not read.

    Raises ``SpeechError`` if the file is not a .docx python-docx can open,
    its document XML is larger than ``MAX_DOCX_XML_BYTES`` or it has more
    than ``MAX_LINES`` non-blank paragraphs (checked while reading, so a
    file of a million tiny paragraphs fails in seconds).
    """
    import docx  # python-docx; imported here so plain-text builds never load lxml

    fix = "open it in Word/WPS and save it again as .docx, or save the text as UTF-8 .txt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml_size = sum(i.file_size for i in archive.infolist() if i.filename.startswith("word/document"))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise SpeechError(Problem(str(path), f"is not a Word .docx document that can be opened ({exc})", fix))
    if xml_size > MAX_DOCX_XML_BYTES:
        raise SpeechError(Problem(str(path), f"holds {xml_size / 1024 / 1024:.0f} MB of document XML, more than the "
                                             f"{MAX_DOCX_XML_BYTES // 1024 // 1024} MB read",
                                  "put one speech per file; if this is not a speech, move it out of seeds/"))
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SpeechError(Problem(str(path), f"is not a Word .docx document that can be opened ({exc})", fix))
    except Exception as exc:  # lxml and python-docx raise many kinds on a damaged file
        raise SpeechError(Problem(str(path), f"is a damaged .docx ({type(exc).__name__}: {exc})", fix))
    lines: list[str] = []
    counted = [0]

    def add(line: str) -> None:
        lines.append(line)
        if line.strip():
            counted[0] += 1
            if counted[0] > MAX_LINES:
                raise SpeechError(_too_many_lines(path, counted[0]))

    def blocks(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue  # comments, processing instructions, entities; deleted content
            if tag == _W + "p":
                paragraph(child)
            else:  # tables, rows, cells, content controls, custom XML …
                blocks(child)

    def paragraph(p: Any) -> None:
        parts: list[str] = []
        boxes: list[Any] = []

        def runs(element: Any) -> None:
            for child in element.iterchildren():
                tag = child.tag
                if not isinstance(tag, str) or tag in _SKIPPED:
                    continue
                if tag == _W + "t":
                    parts.append(child.text or "")
                    if len(child):  # w:t holds only text; a child is an entity reference
                        raise SpeechError(Problem(str(path), "contains XML entity references (a DOCTYPE), which Word "
                                                             "never writes; they are not expanded, so text would be "
                                                             "lost or read from outside the file", fix))
                elif tag in _TEXT_ELEMENTS:
                    parts.append(_TEXT_ELEMENTS[tag])
                elif tag == _W + "txbxContent":
                    boxes.append(child)
                elif tag != _W + "p":  # a paragraph inside a run only occurs in a text box
                    runs(child)

        runs(p)
        add("".join(parts))
        for box in boxes:
            blocks(box)

    try:
        blocks(body)
    except RecursionError:
        raise SpeechError(Problem(str(path), "is nested too deeply to be a speech (a damaged or crafted .docx)", fix))
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
