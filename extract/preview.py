"""Visual debugging: draw findings' boxes on a page image with pdfplumber, so a reviewer sees
what was read (``page.crop(bbox).to_image().draw_rects(...)`` in pdfplumber's words).

Boxes are ``(x0, top, x1, bottom)`` in PDF points, origin top-left: pdfplumber's convention, so
they draw without conversion.
"""

from __future__ import annotations

from pathlib import Path

from extract.models import Finding


def draw_findings(pdf_path: str | Path, page: int, findings: list[Finding], out_path: str | Path,
                  resolution: int = 100) -> Path:
    """Given a PDF, a 1-based page number and findings, write a PNG of the page with each finding's
    box outlined (red for scores, blue otherwise) to ``out_path`` and return that path.

    Findings on other pages or without a box are skipped. Raises ``ValueError`` for a page number
    outside the document and whatever pdfplumber raises for an unreadable file.
    """
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise ValueError(f"page {page} outside 1..{len(pdf.pages)}")
        p = pdf.pages[page - 1]
        image = p.to_image(resolution=resolution)
        for f in findings:
            if f.page != page or f.bbox is None:
                continue
            colour = (220, 30, 30) if f.kind == "score" else (30, 60, 220)
            image.draw_rect(f.bbox, stroke=colour, fill=(*colour, 40), stroke_width=1)
        out = Path(out_path)
        image.save(str(out), format="PNG")
        p.close()
    return out
