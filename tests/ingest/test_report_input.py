"""Bad input to `kg ingest` gets one clear error line and writes nothing; good input is read whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kg.cli import main
from kg.ingest.source import ReportInputError, load_report

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "synthetic-report.txt"
LIMIT = 1_000_000


def _ingest(capsys: pytest.CaptureFixture[str], report: Path, out: Path) -> tuple[int, str]:
    status = main(["ingest", str(report), "--scratch", "--out", str(out)])
    return status, capsys.readouterr().err


def _pdf(text: str | None) -> bytes:
    """A one-page PDF, with `text` on it or with no text layer at all."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    if text is not None:
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 10 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b"  \n\n \t ", "no text"),
    ("readme.txt", b"# A README\n\nThis is not a report at all, only English text.\n" * 20,
     "does not look like a report"),
    ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary file"),
    ("gbk.txt", ("关于赴合肥考察的报告。" * 30).encode("gb18030"), "not UTF-8"),
    ("mixed.txt", ("关于赴合肥考察的报告。" * 15).encode("utf-8")
     + ("合肥科学城考察报告。" * 15).encode("gb18030"), "mixes encodings"),
    ("scan.pdf", _pdf(None), "PDF without a text layer"),
    ("broken.pdf", b"%PDF-1.7\n this is no PDF body", "not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable DOCX"),
])
def test_bad_input_is_one_error_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         name: str, data: bytes, message: str) -> None:
    report = tmp_path / name
    report.write_bytes(data)
    out = tmp_path / "candidates.trig"
    status, err = _ingest(capsys, report, out)
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg ingest: error: ") and message in lines[0], err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind either


def test_a_report_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    report = tmp_path / "huge.txt"
    report.write_bytes(FIXTURE.read_bytes() * 3)
    with pytest.raises(ReportInputError, match="KG_MAX_INGEST_BYTES=1000"):
        load_report(report, max_bytes=1000)


def test_the_size_limit_is_a_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_MAX_INGEST_BYTES", "500")
    status, err = _ingest(capsys, FIXTURE, tmp_path / "out.trig")
    assert status == 1 and "KG_MAX_INGEST_BYTES=500" in err
    assert not (tmp_path / "out.trig").exists()


def test_a_text_report_is_read_exactly_as_it_is() -> None:
    source = load_report(FIXTURE, max_bytes=LIMIT)
    assert source.text == FIXTURE.read_text(encoding="utf-8")
    assert len(source.checksum) == 64 and source.key == source.checksum[:12]


def test_a_docx_report_is_read_paragraph_by_paragraph(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    paragraphs = [p for p in FIXTURE.read_text(encoding="utf-8").split("\n") if p.strip()]
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    path = tmp_path / "report.docx"
    document.save(str(path))
    assert load_report(path, max_bytes=LIMIT).text.split("\n\n") == paragraphs
