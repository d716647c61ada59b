"""Badge images with the credential baked in (Open Badges 3.0 baking): an SVG with an
``openbadges:credential`` element, and a PNG with an ``iTXt`` chunk whose keyword is ``openbadgecredential``;
and taking a credential back out of either."""

from __future__ import annotations

import html
import io
import json
import re
import struct
import textwrap
import zlib
from typing import Any

from PIL import Image, ImageDraw, ImageFont

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_CREDENTIAL = re.compile(
    r"<(?P<prefix>[A-Za-z_][\w.-]*:)?credential\b[^>]*>\s*(?:<!\[CDATA\[(?P<cdata>.*?)\]\]>|(?P<text>[^<]*))\s*"
    r"</(?P=prefix)?credential\s*>",
    re.DOTALL,
)
MAX_BYTES = 256 * 1024  # the most a credential may be, as given or as inflated out of an image
NAVY, GOLD, WHITE = "#1d3557", "#e9c46a", "#ffffff"
SIZE = 400


class NotBaked(ValueError):
    """The image holds no credential."""


def _lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, 22)[:4]
    return lines or [""]


def _json(credential: dict[str, Any]) -> str:
    # "]]>" can only occur inside a JSON string, where ">" may be written as an escape: the CDATA stays closed.
    return json.dumps(credential, ensure_ascii=False, indent=2).replace("]]>", "]]\\u003e")


def svg(credential: dict[str, Any], title: str, credit: str) -> bytes:
    """The badge as SVG, with the credential in an ``openbadges:credential`` element."""
    lines = _lines(title)
    top = 175 - 14 * (len(lines) - 1)
    text = "".join(
        f'<text x="200" y="{top + 28 * i}" text-anchor="middle" font-size="22" font-weight="700" fill="{WHITE}">'
        f"{html.escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    body = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-label="{html.escape(title)}, {html.escape(credit)}">\n'
        f"<openbadges:credential><![CDATA[{_json(credential)}]]></openbadges:credential>\n"
        f'<circle cx="200" cy="200" r="190" fill="{NAVY}" stroke="{GOLD}" stroke-width="12"/>'
        f"{text}"
        f'<text x="200" y="{top + 28 * len(lines) + 30}" text-anchor="middle" font-size="18" fill="{GOLD}">'
        f"{html.escape(credit)}</text>"
        "\n</svg>\n"
    )
    return body.encode()


def png(credential: dict[str, Any], title: str, credit: str) -> bytes:
    """The badge as PNG, with the credential in an uncompressed ``iTXt`` chunk before ``IEND``."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill=NAVY, outline=GOLD, width=12)
    lines = _lines(title)
    top = 175 - 14 * (len(lines) - 1)
    bold, small = ImageFont.load_default(22), ImageFont.load_default(18)
    for i, line in enumerate(lines):
        draw.text((200, top + 28 * i), line, fill=WHITE, font=bold, anchor="ms")
    draw.text((200, top + 28 * len(lines) + 30), credit, fill=GOLD, font=small, anchor="ms")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = buffer.getvalue()
    text = PNG_KEYWORD + b"\0\0\0\0\0" + json.dumps(credential, ensure_ascii=False).encode()
    chunk = struct.pack(">I", len(text)) + b"iTXt" + text + struct.pack(">I", zlib.crc32(b"iTXt" + text))
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


def from_png(data: bytes) -> str:
    """The credential's text in a PNG's ``openbadgecredential`` iTXt chunk. Raises NotBaked."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if len(body) < length:
            break
        if kind == b"iTXt" and body.startswith(PNG_KEYWORD + b"\0"):
            rest = body[len(PNG_KEYWORD) + 1 :]
            compressed, rest = rest[:1] == b"\1", rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            try:
                if compressed:
                    inflater = zlib.decompressobj()
                    text = inflater.decompress(text, MAX_BYTES + 1)
                    if inflater.unconsumed_tail or len(text) > MAX_BYTES:
                        raise NotBaked("The credential in this PNG image is too large.")
                return text.decode("utf-8")
            except (zlib.error, UnicodeDecodeError):
                raise NotBaked("The credential in this PNG image cannot be read.") from None
        if kind == b"IEND":
            break
        position += 12 + length
    raise NotBaked("This PNG image has no credential baked into it (no openbadgecredential chunk).")


def from_svg(text: str) -> str:
    """The credential's text in an SVG's ``credential`` element. Raises NotBaked."""
    found = SVG_CREDENTIAL.search(text)
    if found is None:
        raise NotBaked("This SVG image has no credential baked into it (no openbadges:credential element).")
    if found.group("cdata") is not None:
        return found.group("cdata")
    return html.unescape(found.group("text") or "")
