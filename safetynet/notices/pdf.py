"""A letter's HTML as a PDF (WeasyPrint, with the Noto CJK fonts the Makefile installs).

The page's own stylesheet is given to WeasyPrint directly: the PDF fetches nothing, no URL and
no file but this one.
"""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).with_name("static") / "notices" / "letter.css"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # loaded on the first PDF: the web process starts without it

    def refuse(url: str, *args, **kwargs):
        raise ValueError(f"a letter fetches nothing: {url}")

    return HTML(string=html, url_fetcher=refuse).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
