"""Table readers (CSV and Excel) that collect every problem, and formula-safe writers.

CSV: UTF-8 (a byte-order mark is tolerated), ``,`` or ``;`` delimiter (detected from the
header line). Excel: the first sheet of an ``.xlsx`` workbook. Cells are read as text and
converted by :class:`RowParser`, which records a located problem for each bad cell instead of
stopping at the first one.

Row numbers are the ones a spreadsheet user sees: the header is row 1, the first data row is 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd

from tpm_models.errors import InputError, ProblemCollector

__all__ = [
    "RowParser",
    "Table",
    "neutralise_formulas",
    "read_table",
    "to_csv_bytes",
    "to_excel_bytes",
]

Source = str | os.PathLike[str] | bytes | IO[bytes]

#: The largest input file read, in bytes (a safety bound; the app's upload limit is lower).
MAX_FILE_BYTES = 50 * 1024 * 1024
_CSV_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """A table read from a file: text cells keyed by normalised column name.

    Attributes
    ----------
    source : str
        File name used in problem messages.
    columns : tuple of str
        Normalised column names in file order (lower case, spaces -> ``_``).
    rows : tuple of dict
        One ``{column: text}`` mapping per data row (blank rows skipped).
    row_numbers : tuple of int
        Spreadsheet row number of each entry of ``rows``.
    """

    source: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    row_numbers: tuple[int, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(self.columns))


def normalise_column(name: str) -> str:
    """``" Impact Low "`` -> ``"impact_low"``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip().lower())


def source_name(source: Source, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return getattr(source, "name", None) or "input"


def read_source_bytes(source: Source, name: str) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.exists():
            raise InputError.single(name, f"file not found: {path}")
        if path.is_dir():
            raise InputError.single(name, f"{path} is a folder, not a file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError.single(
                name, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it"
            )
        data = path.read_bytes()
    else:
        data = source.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InputError.single(
                name, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it"
            )
    return data


def read_table(
    source: Source,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    name: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> Table:
    """Read a CSV or ``.xlsx`` table with the given columns.

    Parameters
    ----------
    source : path, bytes or binary file
        The file. Excel is recognised by its zip signature, whatever the file name.
    required, optional : sequence of str
        Normalised column names. Missing required columns are problems; unknown columns
        are ignored (so exports with extra columns load).
    name : str, optional
        Name used in messages (defaults to the file name).
    aliases : mapping, optional
        Other accepted header names, e.g. ``{"duration": "likely"}``.

    Raises
    ------
    InputError
        Empty file, undecodable text, unknown delimiter, missing columns.

    Examples
    --------
    >>> t = read_table(b"id;low\\nA;1\\n", required=["id", "low"])
    >>> t.rows, t.row_numbers
    (({'id': 'A', 'low': '1'},), (2,))
    """
    src = source_name(source, name)
    data = read_source_bytes(source, src)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise InputError.single(src, "the file is empty; it needs a header row and data rows")
    if data[:4] == b"PK\x03\x04":
        header, body = _excel_rows(data, src)
        first_row = 2
    else:
        header, body, first_row = _csv_rows(data, src)
    return _build_table(src, header, body, first_row, required, optional, aliases or {})


def _csv_rows(data: bytes, src: str) -> tuple[list[str], list[list[str]], int]:
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError.single(
                src, "the file is UTF-16 encoded; save it as 'CSV UTF-8' and upload again"
            )
        raise InputError.single(
            src, "this is not a text file (it contains binary data); upload a CSV or .xlsx file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.single(
            src,
            f"the file is not UTF-8 text (bad byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as 'CSV UTF-8' and upload again",
            row=line,
        ) from None
    # split lines as the csv module does (str.splitlines also breaks at \v, \f, \x1c...)
    lines = _CSV_LINE_BREAK.split(text)
    header_idx = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    header_line = lines[header_idx]
    delimiter = _detect_delimiter(header_line)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
        all_rows = [row for row in reader]
    except csv.Error as exc:
        raise InputError.single(src, f"could not read the CSV: {exc}") from None
    unclosed = unclosed_quote_row(text, delimiter)
    if unclosed is not None:
        raise InputError.single(
            src,
            "a quoted cell opened on this line is never closed (the file may be truncated); "
            "close the quote or save the file again",
            row=unclosed,
        )
    if header_idx >= len(all_rows):
        raise InputError.single(src, "the file has no header row; it needs a header and data")
    # csv rows may span several lines when quoted; the reader's line_num is not kept per row,
    # so count rows as records (header = row header_idx + 1).
    return all_rows[header_idx], all_rows[header_idx + 1 :], header_idx + 2


def unclosed_quote_row(text: str, delimiter: str) -> int | None:
    """Line on which a quoted cell opens that the file never closes, or ``None``.

    The lenient reader would swallow the rest of the file into that one cell.

    Examples
    --------
    >>> unclosed_quote_row('id,name\\nA,"ok"\\nB,"open\\nC,x\\n', ",")
    3
    >>> unclosed_quote_row('id,name\\nA,"two\\nlines"\\n', ",") is None
    True
    """
    if '"' not in text:
        return None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return start
    return None


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";")}
    if counts[","] == 0 and counts[";"] == 0:
        return ","
    return ";" if counts[";"] > counts[","] else ","


def _excel_rows(data: bytes, src: str) -> tuple[list[str], list[list[str]]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError.single(src, "reading .xlsx needs openpyxl") from None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise InputError.single(
            src,
            f"this is not a readable .xlsx workbook ({type(exc).__name__}); re-save it in Excel",
        ) from None
    try:
        ws = wb.worksheets[0]
        rows = [[_excel_cell_text(c) for c in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise InputError.single(src, "the first sheet is empty; it needs a header row and data")
    return rows[0], rows[1:]


def _excel_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _build_table(
    src: str,
    header: list[str],
    body: list[list[str]],
    first_row: int,
    required: Sequence[str],
    optional: Sequence[str],
    aliases: Mapping[str, str],
) -> Table:
    problems = ProblemCollector(src)
    cols = [normalise_column(h) for h in header]
    cols = [aliases.get(c, c) for c in cols]
    known = set(required) | set(optional)
    if len(cols) == 1 and not (set(cols) & known) and any(d in header[0] for d in ("\t", "|")):
        raise InputError.single(
            src,
            "could not split the header into columns; use ',' or ';' as the delimiter "
            f"(expected columns: {', '.join(required)})",
            row=first_row - 1,
        )
    positions: dict[str, int] = {}
    for i, c in enumerate(cols):
        if c in known and c in positions:
            problems.add(f"column '{c}' appears twice; keep one", row=first_row - 1, column=c)
        elif c:
            positions.setdefault(c, i)
    for m in (c for c in required if c not in positions):
        problems.add(
            f"missing column '{m}'; the header must have {', '.join(required)}",
            row=first_row - 1,
            column=m,
        )
    problems.raise_if_any()
    keep = [c for c in cols if c in known and positions.get(c) is not None]
    keep = list(dict.fromkeys(keep))
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for k, raw in enumerate(body):
        if not any(cell.strip() for cell in raw):
            continue
        rows.append(
            {c: (raw[positions[c]].strip() if positions[c] < len(raw) else "") for c in keep}
        )
        numbers.append(first_row + k)
    if not rows:
        raise InputError.single(src, "the file has a header but no data rows")
    return Table(src, tuple(keep), tuple(rows), tuple(numbers))


class RowParser:
    """Typed access to a :class:`Table`'s cells that records problems instead of raising.

    Examples
    --------
    >>> t = read_table(b"id,low\\nA,x\\n", required=["id", "low"])
    >>> p = RowParser(t)
    >>> p.number(0, "low") is None, str(p.problems.problems[0])
    (True, "input:2:low: 'x' is not a number")
    """

    def __init__(self, table: Table, problems: ProblemCollector | None = None) -> None:
        self.table = table
        self.problems = problems or ProblemCollector(table.source)

    def row_number(self, i: int) -> int:
        return self.table.row_numbers[i]

    def text(self, i: int, column: str, *, required: bool = True) -> str | None:
        value = self.table.rows[i].get(column, "")
        if value == "":
            if required:
                self.problems.add("is empty; fill it in", self.row_number(i), column)
            return None
        return value

    def number(
        self,
        i: int,
        column: str,
        *,
        required: bool = True,
        default: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        raw = self.table.rows[i].get(column, "")
        if raw == "":
            if required and default is None:
                self.problems.add("is empty; enter a number", self.row_number(i), column)
            return default
        value = parse_number(raw)
        if value is None:
            self.problems.add(f"{_quote(raw)} is not a number", self.row_number(i), column)
            return None
        if not math.isfinite(value):
            self.problems.add(f"{_quote(raw)} is not a finite number", self.row_number(i), column)
            return None
        if minimum is not None and value < minimum:
            self.problems.add(
                f"{value:g} is below the minimum {minimum:g}", self.row_number(i), column
            )
            return None
        if maximum is not None and value > maximum:
            self.problems.add(
                f"{value:g} is above the maximum {maximum:g}", self.row_number(i), column
            )
            return None
        return value

    def choice(
        self, i: int, column: str, choices: Iterable[str], *, default: str | None = None
    ) -> str | None:
        options = list(choices)
        raw = self.table.rows[i].get(column, "").strip().lower()
        if raw == "":
            if default is None:
                self.problems.add(
                    f"is empty; use one of {', '.join(options)}", self.row_number(i), column
                )
            return default
        if raw not in options:
            self.problems.add(
                f"{_quote(raw)} is not one of {', '.join(options)}", self.row_number(i), column
            )
            return None
        return raw

    def date(self, i: int, column: str, *, required: bool = True) -> dt.date | None:
        raw = self.table.rows[i].get(column, "")
        if raw == "":
            if required:
                self.problems.add(
                    "is empty; enter a date as YYYY-MM-DD", self.row_number(i), column
                )
            return None
        value = parse_date(raw)
        if value is None:
            self.problems.add(
                f"{_quote(raw)} is not a date; use YYYY-MM-DD", self.row_number(i), column
            )
        return value

    def add(self, i: int, column: str | None, message: str) -> None:
        self.problems.add(message, self.row_number(i), column)


def _quote(raw: str, limit: int = 40) -> str:
    shown = raw if len(raw) <= limit else raw[:limit] + "…"
    return repr(shown)


def parse_number(raw: str) -> float | None:
    """Parse ``"1,5"``-free plain numbers; thousands separators and % are not guessed."""
    s = raw.strip().replace("\u2212", "-")
    try:
        return float(s)
    except ValueError:
        return None


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d %b %Y", "%d-%b-%Y", "%b %d %Y")


def parse_date(raw: str) -> dt.date | None:
    """ISO dates (``2027-03-01``, also with a time part) and a few unambiguous forms."""
    s = raw.strip()
    try:
        return dt.date.fromisoformat(s[:10]) if len(s) >= 10 else dt.date.fromisoformat(s)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


# --- writers ---------------------------------------------------------------------------------
def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells cannot run as spreadsheet formulas.

    Text starting with ``= + - @``, tab or CR is prefixed with ``'`` (OWASP's advice for CSV
    injection). Numbers are left as numbers.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok"], "b": [-1, 2]}))["a"].tolist()
    ["'=1+1", 'ok']
    """
    out = df.copy()
    out.columns = [_safe_cell(str(c)) for c in out.columns]
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(lambda v: _safe_cell(v) if isinstance(v, str) else v)
    return out


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Formula-safe CSV (UTF-8 with BOM so Excel detects the encoding).

    Rows end in CRLF (RFC 4180), so a cell holding a bare CR is quoted instead of splitting
    its row.
    """
    text = neutralise_formulas(df).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_excel_bytes(sheets: pd.DataFrame | Mapping[str, pd.DataFrame]) -> bytes:
    """Formula-safe ``.xlsx`` with one sheet per frame."""
    frames = {"Sheet1": sheets} if isinstance(sheets, pd.DataFrame) else dict(sheets)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            neutralise_formulas(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
