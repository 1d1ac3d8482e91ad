"""A registered paper as a PDF: one base template (the seal's name, the title, the number; at the
foot of every page the verification code and its QR), one template per kind.

The QR encodes the public verification page's address with the code in it (segno, a regular QR
of error level M). The address is ``SAFETYNET_PUBLIC_URL`` where the city has set it (the site's
public name behind its proxy), else the host the request came to.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from safetynet.documents.codes import grouped
from safetynet.documents.models import Document
from safetynet.notices import pdf
from safetynet.notices.letters import basis_lines

STYLESHEET = Path(__file__).with_name("static") / "documents" / "paper.css"
QR_SCALE, QR_BORDER = 3, 4


def public_base(request=None) -> str:
    """https://jzjz.jining.gov.cn: where the public reaches the verification page."""
    configured = getattr(settings, "SAFETYNET_PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/") if request is not None else ""


def verify_url(code: str, request=None) -> str:
    return f"{public_base(request)}{reverse('document-verify')}?{urlencode({'code': grouped(code)})}"


def qr(url: str) -> segno.QRCode:
    return segno.make_qr(url, error="m")


def qr_data_uri(url: str) -> str:
    return qr(url).png_data_uri(scale=QR_SCALE, border=QR_BORDER)


def template_of(document: Document) -> str:
    return "documents/pdf/decision.html" if document.is_decision else f"documents/pdf/{document.kind}.html"


def context(document: Document, request=None) -> dict:
    url = verify_url(document.code, request)
    content = document.letter.content if document.letter_id else document.content
    out = {"document": document, "c": content, "code": grouped(document.code), "verify_url": url,
           "verify_page": f"{public_base(request)}{reverse('document-verify')}", "qr": qr_data_uri(url)}  # fmt: skip
    if document.letter_id:
        out.update(letter=document.letter, bases=basis_lines(content))
    return out


def to_pdf(document: Document, request=None) -> bytes:
    html = render_to_string(template_of(document), context(document, request))
    return pdf.html_to_pdf(html, stylesheets=(STYLESHEET,))
