"""Rendering HTML to PDF with WeasyPrint, fetching nothing but the files of one folder.

Learner-written text reaches these documents (names, worksheet answers), so the HTML is made
by autoescaping templates and every URL the document names is refused unless it is a file
inside the allowed folder: no network request, no local file outside it, no attachment. The one
other kind of URL served is a ``data:`` URI of a PNG or SVG image, base64-encoded: how a
certificate carries its provider's signature and logo (checked when they were uploaded).
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

DATA_URI_RE = re.compile(r"^data:(image/png|image/svg\+xml);base64,([A-Za-z0-9+/=\s]*)$", re.DOTALL)


class FolderFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``root`` and PNG or SVG ``data:`` URIs, and refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return self._data(url)
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if path is None or not path.is_relative_to(self.root) or not path.is_file():
            log.info("PDF rendering refused to fetch %s", url[:200])
            raise ValueError(f"not fetched: {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def _data(self, url: str) -> URLFetcherResponse:
        match = DATA_URI_RE.match(url)
        try:
            body = base64.b64decode("".join(match.group(2).split()), validate=True) if match else None
        except (binascii.Error, ValueError):
            body = None
        if match is None or body is None:
            log.info("PDF rendering refused a data: URI that is not a base64 PNG or SVG image")
            raise ValueError("not fetched: a data: URI that is not a base64 PNG or SVG image")
        return URLFetcherResponse(f"data:{match.group(1)};base64,", body, {"Content-Type": match.group(1)})


def render_pdf(html: str, assets: Path) -> bytes:
    """The PDF of ``html``, whose relative links resolve inside ``assets`` (and nowhere else)."""
    document = HTML(string=html, base_url=assets.resolve().as_uri() + "/", url_fetcher=FolderFetcher(assets))
    return document.write_pdf(pdf_variant="pdf/ua-1")
