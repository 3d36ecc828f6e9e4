"""Decoding input text: UTF-8 (with or without BOM), UTF-16 with its BOM, or GBK/GB18030.

GBK is how Excel on Chinese Windows saves CSV and text."""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputError
from .model import Finding, Provenance

# GB18030 is a superset of GBK and GB2312, so one fallback decodes all three.
FALLBACK = "gb18030"
# The most bytes one character takes in any of these encodings (GB18030 and UTF-8: 4).
_LONGEST_CHARACTER = 4


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, Finding | None]:
    """The file's text in ``encoding`` if given, else UTF-16 when the file
    starts with its byte-order mark, UTF-8 when the bytes are valid UTF-8,
    else GB18030; and a warning when the only bad bytes are one character
    cut off at the end (a truncated download or copy): the text is then
    decoded up to the cut, and the reader notes the warning."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"input {path}: cannot read: {exc.strerror or exc}") from None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"input {path}: unknown encoding {encoding!r}") from None
        try:
            return _decode(path, data, encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"input {path}: not valid {encoding} at byte {exc.start}; check encoding = ..."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode text" export
            return _decode(path, data, "utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"input {path}: not valid UTF-16 at byte {exc.start}") from None
    try:
        return _decode(path, data, "utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return _decode(path, data, FALLBACK)
        except UnicodeDecodeError:
            raise InputError(
                f"input {path}: neither UTF-8 nor GBK/GB18030 (bad byte at {utf8_error.start}); "
                'set encoding = "..." on the input'
            ) from None


def _decode(path: str | Path, data: bytes, encoding: str) -> tuple[str, Finding | None]:
    """``data`` decoded; a character cut off at the very end is dropped and
    reported, any other bad byte raises :class:`UnicodeDecodeError`."""
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        # The error names the first bad byte: everything before it decodes.
        if exc.end != len(data) or len(data) - exc.start >= _LONGEST_CHARACTER:
            raise
        cut = exc.start
    text = data[:cut].decode(encoding)
    line = text.count("\n") + 1
    name = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
    return text, Finding(
        "warning",
        "truncated_file",
        f"{path}:{line}: the file ends inside a {name} character (bytes {cut}–{len(data) - 1} of "
        f"{len(data)}): it looks cut off; read up to there",
        actual=data[cut:].hex(" "),
        provenance=(Provenance(str(path), line),),
    )
