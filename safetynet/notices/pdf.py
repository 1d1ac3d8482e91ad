"""A paper's HTML as a PDF (WeasyPrint, with the Noto CJK fonts the Makefile installs).

The stylesheets are given to WeasyPrint directly: the PDF fetches nothing, no URL and no file,
except an image carried in the page itself (the verification QR, a ``data:image/png`` URL).

Papers for publication (the explainer, the standing list, the roster: masked names only) are
kept by the digest of what they are made from, their HTML and stylesheets: the same paper asked
again (fourteen counties' explainers, every village's board) is not laid out again, which costs
seconds a paper, and a changed figure is a new digest, so nothing stale is served. Letters,
which carry a person's name and address, are never kept.

A roster part (up to 2,000 lines, tens of seconds of layout) is laid out by the worker and kept
as a file under ``PAPERS_DIR`` named by the same digest, so the web process that queued it (which
does not share the worker's cache) serves it at once: ``kept_pdf`` answers without laying out.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

STYLESHEET = Path(__file__).with_name("static") / "notices" / "letter.css"
KEEP_SECONDS = 24 * 3600


def papers_dir() -> Path:
    return Path(getattr(settings, "PAPERS_DIR", settings.DATA_DIR / "papers"))


def digest_of(html: str, stylesheets: tuple[Path, ...] = ()) -> str:
    """What a paper is made from: its HTML and every stylesheet it is laid out with."""
    digest = hashlib.sha256(html.encode())
    for path in (STYLESHEET, *stylesheets):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _kept_file(digest: str) -> Path:
    return papers_dir() / f"{digest}.pdf"


def kept_pdf(html: str, stylesheets: tuple[Path, ...] = ()) -> bytes | None:
    """The paper already laid out (in this process's cache, or as a kept file), else None."""
    digest = digest_of(html, stylesheets)
    body = cache.get(f"notices-pdf:{digest}")
    if body is None:
        try:
            body = _kept_file(digest).read_bytes()
        except FileNotFoundError:
            return None
    return body


def html_to_pdf(html: str, stylesheets: tuple[Path, ...] = (), *, keep: bool = False, to_file: bool = False) -> bytes:
    """The paper as PDF; ``keep``: kept in the cache by digest, ``to_file``: as a file as well."""
    if keep or to_file:
        kept = kept_pdf(html, stylesheets)
        if kept is not None:
            return kept
    body = _render(html, (STYLESHEET, *stylesheets))
    if keep or to_file:
        digest = digest_of(html, stylesheets)
        cache.set(f"notices-pdf:{digest}", body, KEEP_SECONDS)
        if to_file:
            path = _kept_file(digest)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(body)
            os.replace(partial, path)  # never half a file under the kept name
    return body


def _render(html: str, sheets: tuple[Path, ...]) -> bytes:
    # loaded on the first PDF: the web process starts without it
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Only data: URLs (the QR drawn into the page); a link to anything else is refused, not fetched.
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[CSS(filename=str(p)) for p in sheets])
