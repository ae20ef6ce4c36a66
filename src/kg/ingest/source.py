"""Reading a report file into its text: UTF-8 text, PDF (pypdf) or DOCX (python-docx).

The text is kept exactly as extracted: every offset of the candidate graph counts code points in it,
and its SHA-256 (of its UTF-8 bytes) names the report. Bad input is refused here, before anything is
extracted or written, with a message that names the problem and the fix.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import BadRequestError

#: Fewest CJK ideographs a report has; a shorter text is no report of this kind.
MIN_CJK = 100
#: Smallest share of CJK ideographs among the non-space characters of a report.
MIN_CJK_SHARE = 0.3
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class ReportInputError(BadRequestError):
    """A report file that cannot be ingested (empty, too large, not a report, no text, bad encoding)."""

    code = "bad_report"


@dataclass(frozen=True)
class ReportSource:
    """The text of one report as extracted, with the name of the file it came from."""

    text: str
    file_name: str

    @property
    def checksum(self) -> str:
        """SHA-256 of the text's UTF-8 bytes, 64 hex digits."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        """The report's key in IRIs: the first 12 hex digits of its checksum."""
        return self.checksum[:12]


def load_report(path: Path, *, max_bytes: int) -> ReportSource:
    """The text of the report at `path`; raises ReportInputError for bad input, OSError if unreadable."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ReportInputError(f"{path.name} has {size} bytes, more than KG_MAX_INGEST_BYTES={max_bytes}; "
                               "split the report or raise the limit.")
    if size == 0:
        raise ReportInputError(f"{path.name} is empty; give the report's text, PDF or DOCX file.")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        text = _pdf_text(data, path.name)
    elif suffix == ".docx":
        text = _docx_text(data, path.name)
    else:
        text = decode_text(data, path.name)
    check_report_text(text, path.name)
    return ReportSource(text, path.name)


def decode_text(data: bytes, name: str) -> str:
    """`data` decoded as UTF-8; raises ReportInputError naming the first bad byte and its likely encoding."""
    if b"\x00" in data:
        raise ReportInputError(f"{name} holds NUL bytes: it is a binary file, not a report's text (give a "
                               ".txt, .pdf or .docx file).")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportInputError(_encoding_problem(data, exc, name)) from exc


def _encoding_problem(data: bytes, error: UnicodeDecodeError, name: str) -> str:
    where = f"byte {error.start}"
    # Valid multi-byte UTF-8 before the bad byte means two encodings in one file.
    head = data[:error.start]
    mixed = any(b >= 0x80 for b in head)
    try:
        data.decode("gb18030")
        guess = "GBK/GB18030"
    except UnicodeDecodeError:
        guess = None
    if mixed:
        also = f" (the rest looks like {guess})" if guess else ""
        return (f"{name} mixes encodings: UTF-8 up to {where}, then something else{also}; convert the "
                "whole file to UTF-8 (e.g. with iconv) and ingest it again.")
    also = f": it reads as {guess}" if guess else ""
    return (f"{name} is not UTF-8 text (first bad {where}{also}); convert it to UTF-8 (e.g. `iconv -f "
            "GB18030 -t UTF-8`) and ingest it again.")


def check_report_text(text: str, name: str) -> None:
    """Raise ReportInputError unless `text` reads as a Chinese report (enough CJK text)."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        raise ReportInputError(f"{name} holds no text (only white space); give the report's text.")
    cjk = len(_CJK.findall(text))
    if cjk < MIN_CJK or cjk / len(visible) < MIN_CJK_SHARE:
        raise ReportInputError(
            f"{name} does not look like a report: {cjk} Chinese characters in {len(visible)} visible ones "
            f"(a report has at least {MIN_CJK}, and at least {MIN_CJK_SHARE:.0%} of its text); give the "
            "text of a Chinese policy report."
        )


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ReportInputError(f"{name} is not a readable PDF ({exc}); give the report's text, PDF or "
                               "DOCX file.") from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise ReportInputError(f"{name} is a PDF without a text layer ({len(pages)} page(s) of images?); "
                               "run OCR on it first and ingest the text.")
    return text


def _docx_text(data: bytes, name: str) -> str:
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ReportInputError(f"{name} is not a readable DOCX file ({exc}); give the report's text, PDF "
                               "or DOCX file.") from exc
    return "\n\n".join(paragraph.text for paragraph in document.paragraphs)
