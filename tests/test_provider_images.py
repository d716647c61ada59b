"""A provider's signature and logo: PNG re-encoded without its metadata or SVG with nothing outside
itself; anything else is refused with a message next to the field, and nothing is stored."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from courseware import credit
from courseware.credit import services as providers
from courseware.credit.images import ImageRejected, check_image
from courseware.extensions import db
from courseware.models import ProviderAsset
from tests.helpers.html import text_of

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 40">{}</svg>'
GOOD_SVG = SVG.format(
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#1f5f5b"/></linearGradient></defs>'
    '<style>.ink { fill: url(#g); }</style><rect id="r" class="ink" width="40" height="40"/>'
    '<use xlink:href="#r" x="50"/>'
)


def png(width: int = 120, height: int = 40, text: dict[str, str] | None = None, exif: bytes | None = None) -> bytes:
    image = Image.new("RGBA", (width, height), (20, 30, 90, 255))
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, **({"exif": exif} if exif else {}))
    return out.getvalue()


@pytest.fixture
def provider(app):
    return providers.create_provider(
        "northfield",
        providers.ProviderDetailsForm(name="Northfield Teacher Learning Center", contact="training@northfield.test"),
    )


@pytest.fixture
def admin_client(app, make_user, sign_in):
    client = app.test_client()
    sign_in(client, make_user(role="admin"))
    return client


def upload(client, provider, kind: str, data: bytes, filename: str):
    """POST an image as a browser would; the body is encoded in memory, as large as it may be."""
    page = f"/admin/providers/{provider.id}"
    fields = {"csrf_token": client.csrf_token(page), f"{kind}-file": FileStorage(io.BytesIO(data), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(f"{page}/{kind}", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored() -> int:
    return db.session.scalar(select(func.count(ProviderAsset.id))) or 0


BAD = [
    ("signature", b"%PDF-1.7\n1 0 obj <<>> endobj\n", "sig.png", "not a PNG or SVG image"),
    ("signature", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "sig.gif", "not a PNG or SVG image"),
    ("signature", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "sig.png", "cannot be read"),
    ("signature", SVG.format('<script>alert("x")</script>').encode(), "sig.svg", "<script> element"),
    ("logo", SVG.format('<image href="https://tracker.invalid/pixel.png" width="1" height="1"/>').encode(), "logo.svg",
     "refers to “https://tracker.invalid/pixel.png”"),
    ("logo", SVG.format('<image xlink:href="file:///etc/passwd" width="1" height="1"/>').encode(), "logo.svg",
     "refers to “file:///etc/passwd”"),
    ("logo", SVG.format('<rect width="1" height="1" style="fill: url(file:///etc/passwd)"/>').encode(), "logo.svg",
     "refers to a file"),
    ("logo", SVG.format('<rect width="1" style="fill: url(http://tracker.invalid/#g)"/>').encode(), "logo.svg",
     "refers to “http://tracker.invalid/#g”"),
    ("logo", SVG.format('<style>@import url("https://fonts.invalid/x.css");</style>').encode(), "logo.svg",
     "imports a style sheet"),
    ("logo", SVG.format('<rect width="1" height="1" onclick="steal()"/>').encode(), "logo.svg", "event attribute"),
    ("logo", SVG.format('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>').encode(),
     "logo.svg", "<foreignObject> element"),
    ("logo", SVG.format('<set attributeName="href" to="https://x.invalid"/>').encode(), "logo.svg", "<set> element"),
    ("logo", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "lol">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
     "logo.svg", "has a DOCTYPE"),
    ("logo", b'<?xml-stylesheet href="https://x.invalid/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg",
     "processing instruction"),
    ("logo", b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "logo.svg", "not well-formed"),
    ("logo", b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "logo.svg", "not a PNG or SVG image"),
    ("logo", b'<svg xmlns="http://example.invalid/not-svg"/>', "logo.svg", "first element is not <svg>"),
    ("logo", png(4000, 20), "logo.png", "4000 by 20 pixels: use at most 3000"),
    ("logo", b"\x89PNG\r\n\x1a\n" + bytes(600 * 1024), "logo.png", "The file is 600 KB: an image may be at most 512"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "filename", "message"), BAD, ids=[f"{b[0]}-{b[3][:30]}" for b in BAD])
def test_a_bad_upload_is_explained_next_to_the_field_and_nothing_is_stored(
    admin_client, provider, kind, data, filename, message
):
    response = upload(admin_client, provider, kind, data, filename)
    assert response.status_code == 422
    assert message in text_of(response, f"#{kind}-file-error")
    assert "Please fix 1 thing below" in text_of(response, ".error-summary")
    assert stored() == 0
    db.session.refresh(provider)
    assert (provider.signature_asset_id, provider.logo_asset_id) == (None, None)


def test_a_50_mb_upload_shows_the_form_again_with_a_message(admin_client, provider):
    response = upload(admin_client, provider, "logo", b"\x89PNG\r\n\x1a\n" + bytes(50 * 1024 * 1024), "huge.png")
    assert response.status_code == 413
    assert text_of(response, "#logo-file-error").startswith(
        "Error: The file is 50.0 MB: an image may be at most 512 KB."
    )
    assert "Nothing was saved." in text_of(response, "#logo-file-error")
    assert text_of(response, "h1") == "Northfield Teacher Learning Center"  # the provider's page, not an error page
    assert stored() == 0


def test_a_too_large_request_elsewhere_still_gets_the_error_page(admin_client, provider):
    response = admin_client.post(f"/admin/providers/{provider.id}", data={"name": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413 and text_of(response, "h1") == "That upload is too large"


def test_a_png_is_re_encoded_without_its_metadata(admin_client, provider):
    original = png(text={"Author": "Dana Whitfield", "Comment": "scanned at home"}, exif=b"Exif\x00\x00MM\x00*")
    assert b"Dana Whitfield" in original
    response = upload(admin_client, provider, "signature", original, "signature.png")
    assert response.status_code == 302
    (asset,) = db.session.scalars(select(ProviderAsset))
    db.session.refresh(provider)
    assert provider.signature_asset_id == asset.id and asset.media_type == "image/png" and asset.kind == "signature"
    assert b"Dana Whitfield" not in asset.data and b"tEXt" not in asset.data and b"eXIf" not in asset.data
    with Image.open(io.BytesIO(asset.data)) as image:
        assert image.size == (120, 40) and image.getpixel((5, 5)) == (20, 30, 90, 255)
    served = admin_client.get(f"/admin/assets/{asset.id}")
    assert served.data == asset.data and served.mimetype == "image/png"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_a_safe_svg_is_kept_as_it_is_and_a_new_upload_keeps_the_old_asset(admin_client, provider):
    assert upload(admin_client, provider, "logo", GOOD_SVG.encode(), "logo.svg").status_code == 302
    first = credit.find_provider("northfield").logo_asset_id
    assert db.session.get(ProviderAsset, first).data == GOOD_SVG.encode()
    assert upload(admin_client, provider, "logo", png(), "logo.png").status_code == 302
    second = credit.find_provider("northfield").logo_asset_id
    assert second != first and db.session.get(ProviderAsset, first) is not None  # certificates may still print it
    page = f"/admin/providers/{provider.id}"
    assert admin_client.submit(f"{page}/logo/remove", page=page).status_code == 302
    assert credit.find_provider("northfield").logo_asset_id is None and stored() == 2


def test_check_image_refuses_an_entity_expansion_without_expanding_it():
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><svg>&b;</svg>'
    with pytest.raises(ImageRejected, match="DOCTYPE"):
        check_image(bomb)
    deflated = zlib.compress(bytes(10 * 1024 * 1024))  # a small file that would be large once read
    with pytest.raises(ImageRejected, match="not a PNG or SVG image"):
        check_image(deflated)
