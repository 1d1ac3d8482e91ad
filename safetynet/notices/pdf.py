"""A paper's HTML as a PDF (WeasyPrint, with the Noto CJK fonts the Makefile installs).

The stylesheets are given to WeasyPrint directly: the PDF fetches nothing, no URL and no file,
except an image carried in the page itself (the verification QR, a ``data:image/png`` URL).
"""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).with_name("static") / "notices" / "letter.css"


def html_to_pdf(html: str, stylesheets: tuple[Path, ...] = ()) -> bytes:
    # loaded on the first PDF: the web process starts without it
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Only data: URLs (the QR drawn into the page); a link to anything else is refused, not fetched.
    fetcher = URLFetcher(allowed_protocols=("data",))
    sheets = [CSS(filename=str(path)) for path in (STYLESHEET, *stylesheets)]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=sheets)
