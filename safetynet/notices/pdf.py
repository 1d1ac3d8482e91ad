"""A paper's HTML as a PDF (WeasyPrint, with the Noto CJK fonts the Makefile installs).

The stylesheets are given to WeasyPrint directly: the PDF fetches nothing, no URL and no file,
except an image carried in the page itself (the verification QR, a ``data:image/png`` URL).

Papers for publication (the explainer, the standing list, the roster: masked names only) are
kept by the digest of what they are made from, their HTML and stylesheets: the same paper asked
again (fourteen counties' explainers, every village's board) is not laid out again, which costs
seconds a paper, and a changed figure is a new digest, so nothing stale is served. Letters,
which carry a person's name and address, are never kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.cache import cache

STYLESHEET = Path(__file__).with_name("static") / "notices" / "letter.css"
KEEP_SECONDS = 24 * 3600


def html_to_pdf(html: str, stylesheets: tuple[Path, ...] = (), *, keep: bool = False) -> bytes:
    sheets = (STYLESHEET, *stylesheets)
    key = None
    if keep:
        digest = hashlib.sha256(html.encode())
        for path in sheets:
            digest.update(path.read_bytes())
        key = f"notices-pdf:{digest.hexdigest()}"
        kept = cache.get(key)
        if kept is not None:
            return kept
    body = _render(html, sheets)
    if key is not None:
        cache.set(key, body, KEEP_SECONDS)
    return body


def _render(html: str, sheets: tuple[Path, ...]) -> bytes:
    # loaded on the first PDF: the web process starts without it
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Only data: URLs (the QR drawn into the page); a link to anything else is refused, not fetched.
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[CSS(filename=str(p)) for p in sheets])
