"""Cells of the spreadsheet outputs: Excel-safe text, numbers without float artefacts, 是/否.

Excel runs a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, so text like that (not a number) is written
with a leading ``'`` (the OWASP rule for CSV injection), and the CSV and
XLSX readers take that one ``'`` off again.  Text that already begins with
``'`` before such a character gets one more, so the round trip is exact.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

_RISKY = r"^'*[=+\-@\t\r]"
_GUARDED = r"^'+[=+\-@\t\r]"
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_FIRST = pa.array(["'", "=", "+", "-", "@", "\t", "\r"])
_RISKY_RE = re.compile(_RISKY)
_GUARDED_RE = re.compile(_GUARDED)
_NUMBER_RE = re.compile(_NUMBER)

# Figures are printed with at most this many significant digits: arithmetic
# leaves noise in the 16th and 17th (0.015000000000000001).
DIGITS = 15
YES, NO = "是", "否"


def guard(text: str) -> str:
    """One text cell, Excel-safe."""
    return "'" + text if _RISKY_RE.match(text) and not _NUMBER_RE.match(text) else text


def unguard(text: str) -> str:
    """A cell as written before :func:`guard`: one leading ``'`` off."""
    return text[1:] if _GUARDED_RE.match(text) else text


def guard_column(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column, Excel-safe (a dictionary column through its dictionary)."""
    if pa.types.is_dictionary(column.type):
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        return pa.DictionaryArray.from_arrays(column.indices, guard_column(column.dictionary))
    text = pc.cast(column, pa.string())
    if text.null_count == len(text):  # most columns of a section: nothing to look at
        return text
    # The common case costs one look at each first character, no regex.
    if not pc.any(pc.is_in(pc.utf8_slice_codeunits(text, 0, 1), _FIRST)).as_py():
        return text
    risky = pc.and_(
        pc.match_substring_regex(text, _RISKY), pc.invert(pc.match_substring_regex(text, _NUMBER))
    )
    return pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)


def unguard_column(column: pa.Array) -> pa.Array:
    """A text column as written before :func:`guard_column`."""
    if not pc.any(pc.starts_with(column, "'")).as_py():
        return column
    return pc.replace_substring_regex(column, r"^'('*[=+\-@\t\r])", r"\1")


def rounded(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Floats rounded to :data:`DIGITS` significant digits (NaN stays NaN);
    a power of ten up to 1e22 is exact, so the result is the nearest float
    to the rounded decimal and prints as it."""
    x = np.array(values, dtype=np.float64)
    finite = np.isfinite(x) & (x != 0)
    exponent = np.zeros(x.shape, dtype=np.int64)
    exponent[finite] = np.floor(np.log10(np.abs(x[finite]))).astype(np.int64)
    for e in np.unique(exponent[finite]).tolist():
        places = DIGITS - 1 - e
        if -22 <= places <= 22:
            at = finite & (exponent == e)
            x[at] = np.round(x[at], places)
    return x


def number_text(values: npt.ArrayLike) -> pa.Array:
    """Floats as the shortest text of their rounded value; NaN as null."""
    x = rounded(values)
    return pc.cast(pa.array(x, mask=np.isnan(x)), pa.string())


def yes_no(flags: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Booleans as 是/否 (null stays null)."""
    return pc.if_else(flags, pa.scalar(YES), pa.scalar(NO))
