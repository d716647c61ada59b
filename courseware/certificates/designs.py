"""Rendering a certificate with its design: ``certificates/<design>/template.html`` and ``style.css``.

The template is rendered by a sandboxed, autoescaping Jinja environment that receives plain
values only (never a database object), and WeasyPrint may fetch nothing but the design's own files.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from flask import current_app
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from courseware.credit import fill
from courseware.models import Certificate
from courseware.pdf import render_pdf
from courseware.text import plain_line

DESIGN_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DesignMissing(Exception):
    pass


def design_folder(name: str) -> Path:
    root: Path = current_app.config["CERTIFICATES_DIR"]
    folder = root / name
    if not DESIGN_RE.match(name) or not (folder / "template.html").is_file():
        raise DesignMissing(f"certificate design '{name}' not found in {root}")
    return folder


def available_designs(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "template.html").is_file() and DESIGN_RE.match(p.name))


@lru_cache(maxsize=16)
def _environment(folder: str) -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(folder), autoescape=True, auto_reload=True)


def name_size(name: str) -> int:
    """A point size at which the learner's name fits the line space of a certificate (it wraps if longer)."""
    length = len(name)
    for limit, size in ((28, 34), (40, 28), (60, 22), (100, 17), (180, 13)):
        if length <= limit:
            return size
    return 10


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def printed_lines(certificate: Certificate) -> list[tuple[str, str]]:
    """The labelled lines the certificate's credit profile prints, as printed (none on older certificates)."""
    lines = certificate.printed_lines or []
    return [(str(label), fill(str(value), certificate.learner_name, certificate.issued_at)) for label, value in lines]


def printed_statement(certificate: Certificate) -> str:
    return fill(certificate.statement, certificate.learner_name, certificate.issued_at) if certificate.statement else ""


def values(
    certificate: Certificate, verify_url: str, replaces_code: str | None, images: dict[str, str] | None = None
) -> dict:
    """Everything the template may show, as plain strings, numbers, one QR code and the provider's
    images as ``data:`` URIs (``images``: "signature" and "logo", when the certificate has them)."""
    qr = segno.make(verify_url, error="m")
    date = "%-d %B %Y"
    images = images or {}
    printed: dict[str, Any] = {
        "lang": "en",
        "title": f"Certificate: {certificate.course_title}",
        "name": certificate.learner_name,
        "name_size": name_size(certificate.learner_name),
        "course_title": certificate.course_title,
        "course_version": certificate.course_version,
        "hours": number(certificate.hours),
        "credit_type": certificate.credit_type,
        "ceu": number(certificate.ceu) if certificate.ceu else "",
        "provider_name": certificate.provider_name,
        "approval_number": certificate.approval_number,
        "provider_contact": certificate.provider_contact,
        "completed_on": certificate.completed_at.strftime(date),
        "issued_on": certificate.issued_at.strftime(date),
        "expires_on": certificate.expires_at.strftime(date) if certificate.expires_at else "",
        "code": certificate.display_code,
        "verify_url": verify_url,
        "qr_svg": Markup(qr.svg_inline(scale=3, border=0, dark="#1d2433", omitsize=True)),  # noqa: S704 (made by segno)
        "replacement": certificate.replaces_id is not None,
        "replaces_code": replaces_code or "",
        # Printed by the credit profile (empty on certificates issued before profiles, which print as they did).
        "profile": bool(certificate.credit_profile),
        "credit_name": certificate.credit_name or "",
        "credit_amount": number(certificate.credit_amount) if certificate.credit_amount is not None else "",
        "credit_unit": certificate.credit_unit or "",
        "statement": printed_statement(certificate),
        "lines": printed_lines(certificate),
        "signatory_name": certificate.signatory_name or "",
        "signatory_title": certificate.signatory_title or "",
        "signature_src": images.get("signature", ""),
        "logo_src": images.get("logo", ""),
    }
    # Names and titles stored before bidirectional controls were refused print in their own order.
    printed["lines"] = [(plain_line(label), plain_line(value)) for label, value in printed_lines(certificate)]
    return {
        key: plain_line(value) if isinstance(value, str) and not isinstance(value, Markup) else value
        for key, value in printed.items()
    }


def render_certificate(
    certificate: Certificate, verify_url: str, replaces_code: str | None = None, images: dict[str, str] | None = None
) -> bytes:
    folder = design_folder(certificate.design)
    template = _environment(str(folder)).get_template("template.html")
    html = template.render(**values(certificate, verify_url, replaces_code, images))
    return render_pdf(html, folder)
