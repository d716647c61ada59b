"""Rendering HTML to PDF with WeasyPrint, fetching nothing but the files of one folder.

Learner-written text reaches these documents (names, worksheet answers), so the HTML is made
by autoescaping templates and every URL the document names is refused unless it is a file
inside the allowed folder: no network request, no local file outside it, no attachment.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)


class FolderFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``root`` and refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if path is None or not path.is_relative_to(self.root) or not path.is_file():
            log.info("PDF rendering refused to fetch %s", url[:200])
            raise ValueError(f"not fetched: {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


def render_pdf(html: str, assets: Path) -> bytes:
    """The PDF of ``html``, whose relative links resolve inside ``assets`` (and nowhere else)."""
    document = HTML(string=html, base_url=assets.resolve().as_uri() + "/", url_fetcher=FolderFetcher(assets))
    return document.write_pdf(pdf_variant="pdf/ua-1")
