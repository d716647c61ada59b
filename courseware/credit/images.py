"""Checking an uploaded signature or logo before it is kept: a PNG, re-encoded, or a safe SVG.

A certificate prints these images, so nothing in them may reach outside the document: an SVG is
parsed without fetching anything, with no DOCTYPE or entity, no script, no foreignObject, no
event attribute, no animation, and no reference that is not a fragment of the image itself
(``#id``). A PNG is decoded by Pillow, its size checked, and encoded again, which drops its
metadata (text chunks, EXIF, colour profile) and anything hidden after the image data.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.parsers import expat

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 512 * 1024
MAX_SIDE = 3000  # pixels, each way
MIN_SIDE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FORBIDDEN_ELEMENTS = {
    "script", "foreignobject", "iframe", "embed", "object", "handler", "listener",
    "animate", "animatemotion", "animatetransform", "animatecolor", "set", "discard",
}  # fmt: skip
URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


class ImageRejected(ValueError):
    """Why an upload cannot be used, in words for the person who uploaded it."""


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    media_type: str  # "image/png" or "image/svg+xml"


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def too_large(size: int) -> str:
    return f"The file is {size_text(size)}: an image may be at most {size_text(MAX_BYTES)}. Choose a smaller file."


def check_image(data: bytes) -> CheckedImage:
    """The image as it will be kept, or ImageRejected saying what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(too_large(len(data)))
    if not data:
        raise ImageRejected("The file is empty. Choose a PNG or SVG image.")
    if data.startswith(PNG_SIGNATURE):
        return CheckedImage(_clean_png(data), "image/png")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        _check_svg(data)
        return CheckedImage(data, "image/svg+xml")
    raise ImageRejected("This file is not a PNG or SVG image. Export the image as PNG or SVG and upload that.")


def _clean_png(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ImageRejected("This file is not a PNG image.")
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ImageRejected(f"The image is {width} by {height} pixels: use at most {MAX_SIDE} each way.")
            if width < MIN_SIDE or height < MIN_SIDE:
                raise ImageRejected(f"The image is {width} by {height} pixels: use at least {MIN_SIDE} each way.")
            image.load()
            mode = (
                "RGBA"
                if image.mode in {"RGBA", "LA", "PA", "P", "RGBa", "La"} or "transparency" in image.info
                else "RGB"
            )
            pixels = image.convert(mode)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected("This PNG image cannot be read: it may be damaged. Export it again and upload that.")
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # a new image: no metadata comes along
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    encoded = out.getvalue()
    if len(encoded) > MAX_BYTES:
        raise ImageRejected(too_large(len(encoded)))
    return encoded


def _local_name(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _check_reference(value: str, where: str) -> None:
    if not value.strip().startswith("#"):
        raise ImageRejected(
            f"The SVG image refers to “{value.strip()[:80]}” ({where}): an image may refer only to parts of itself "
            "(“#name”), never to a file or address. Embed everything in the SVG and upload it again."
        )


def _check_css(text: str, where: str) -> None:
    if "@import" in text.lower():
        raise ImageRejected(f"The SVG image imports a style sheet ({where}): remove the @import and upload it again.")
    for match in URL_RE.finditer(text):
        _check_reference(match.group(2), where)


class _SvgCheck:
    """Expat handlers that refuse, as they meet it, anything a certificate cannot print safely."""

    def __init__(self) -> None:
        self.root: tuple[str, str] | None = None
        self.in_style = 0
        self.style_text: list[str] = []

    def doctype(self, *_args: object) -> None:
        raise ImageRejected("The SVG image has a DOCTYPE: remove it (and any ENTITY) and upload the image again.")

    def entity(self, *_args: object) -> None:
        raise ImageRejected("The SVG image declares an ENTITY: remove it and upload the image again.")

    def external_entity(self, *_args: object) -> int:
        raise ImageRejected("The SVG image refers to an external entity: remove it and upload the image again.")

    def instruction(self, target: str, _data: str) -> None:
        raise ImageRejected(
            f"The SVG image has a processing instruction (<?{target} …?>): remove it and upload the image again."
        )

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _local_name(name)
        if self.root is None:
            self.root = (namespace, local)
            if self.root != (SVG_NS, "svg"):
                raise ImageRejected(
                    "This file is not an SVG image: its first element is not <svg> in the SVG namespace."
                )
        if local.lower() in FORBIDDEN_ELEMENTS:
            raise ImageRejected(
                f"The SVG image has a <{local}> element, which a certificate cannot print safely: remove it."
            )
        if local == "style":
            self.in_style += 1
        for attribute, value in attributes.items():
            attr_namespace, attr = _local_name(attribute)
            where = f"{attr} of <{local}>"
            if attr.lower().startswith("on"):
                raise ImageRejected(f"The SVG image has an event attribute ({where}): remove it and upload it again.")
            if attr == "href" and attr_namespace in {"", XLINK_NS}:
                _check_reference(value, where)
            elif "file:" in value.lower():
                raise ImageRejected(
                    f"The SVG image refers to a file ({where}): remove the reference and upload it again."
                )
            _check_css(value, where)

    def end(self, name: str) -> None:
        if _local_name(name)[1] == "style":
            self.in_style -= 1
            _check_css("".join(self.style_text), "a <style> element")
            self.style_text = []

    def text(self, data: str) -> None:
        if self.in_style:
            self.style_text.append(data)


def _check_svg(data: bytes) -> None:
    check = _SvgCheck()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = check.doctype
    parser.EntityDeclHandler = check.entity
    parser.UnparsedEntityDeclHandler = check.entity
    parser.ExternalEntityRefHandler = check.external_entity
    parser.ProcessingInstructionHandler = check.instruction
    parser.StartElementHandler = check.start
    parser.EndElementHandler = check.end
    parser.CharacterDataHandler = check.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ImageRejected(f"This SVG image cannot be read (line {exc.lineno}): it is not well-formed XML.")
    if check.root is None:
        raise ImageRejected("This file is not an SVG image: it has no <svg> element.")
