"""Bad PDF bytes made in tests: hand-written objects with a valid xref, encrypted, blank pages,
a decompression bomb, a damaged cross-reference table. Shared by tests/extract and tests/fault."""

from __future__ import annotations

import zlib

def pdf_with_objects(objs: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """Given object bodies (numbered from 1; object 1 the catalog), return a PDF with a valid xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer_extra, xref)
    return bytes(out)


def one_page_pdf(content: bytes, filt: bytes = b"") -> bytes:
    """A one-page PDF whose page content stream is ``content`` (already encoded with ``filt``)."""
    return pdf_with_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s>>\nstream\n" % (len(content), filt) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def bomb_pdf(decompressed_mb: int = 900) -> bytes:
    """A one-page PDF whose Flate content stream inflates to ``decompressed_mb`` MB of text operators."""
    c = zlib.compressobj(9)
    chunk = b"BT /F1 12 Tf 72 712 Td (A) Tj ET\n" * 30000  # ~1 MB
    data = b"".join(c.compress(chunk) for _ in range(decompressed_mb)) + c.flush()
    return one_page_pdf(data, b"/Filter /FlateDecode ")


def encrypted_pdf() -> bytes:
    """A one-page PDF under the Standard security handler that the empty password does not open."""
    return pdf_with_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> /P -4 >>",
    ], b"/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ")


def blank_pages_pdf(n: int) -> bytes:
    """A PDF of ``n`` blank pages (no text), made with pypdfium2."""
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(n):
        doc.new_page(612, 792)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def corrupt_xref(data: bytes) -> bytes:
    """Given PDF bytes, return them with every xref offset zeroed (a damaged cross-reference table)."""
    head, sep, tail = data.rpartition(b"xref\n")
    lines = tail.split(b"\n")
    fixed = [b"0000000000" + ln[10:] if ln.endswith(b" n ") else ln for ln in lines]
    return head + sep + b"\n".join(fixed)
