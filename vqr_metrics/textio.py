"""Decoding input text: UTF-8 (with or without BOM) or GBK/GB18030, the way
Excel on Chinese Windows saves CSV."""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputError

# GB18030 is a superset of GBK and GB2312, so one fallback decodes all three.
FALLBACK = "gb18030"


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """The file's text and the encoding used: ``encoding`` if given, else
    UTF-16 when the file starts with its byte-order mark, UTF-8 when the
    bytes are valid UTF-8, else GB18030."""
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
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputError(
                f"input {path}: not valid {encoding} at byte {exc.start}; check encoding = ..."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode text" export
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"input {path}: not valid UTF-16 at byte {exc.start}") from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode(FALLBACK), FALLBACK
        except UnicodeDecodeError:
            raise InputError(
                f"input {path}: neither UTF-8 nor GBK/GB18030 (bad byte at {utf8_error.start}); "
                'set encoding = "..." on the input'
            ) from None
