"""Finishing a course over HTTP, as a learner does on its finish page.

finish_course(client)                                   # every statement "Agree", attested
finish_course(client, rating=5, comments={"improve": "More examples"})
"""

from __future__ import annotations

from tests.helpers.html import csrf_token, parse


def finish_url(slug: str = "example-course") -> str:
    return f"/courses/{slug}/finish"


def finished(client, slug: str = "example-course") -> bool:
    """The finish page says the learner has finished the course (this cycle)."""
    return parse(client.get(finish_url(slug))).select_one("form.finish-form, #missing") is None


def finish_course(
    client, slug: str = "example-course", rating: int = 4, comments: dict[str, str] | None = None, attest: bool = True
):
    """Open the finish page, rate every statement on it ``rating`` (1 to 5), answer ``comments``
    (question id -> text), tick the attestation and submit. The response: a redirect once finished."""
    page = client.get(finish_url(slug))
    assert page.status_code == 200, page.status_code
    radios = parse(page).select("form.finish-form input[type=radio]")
    assert radios, "the finish page shows no form: the learner is not ready to finish"
    data: dict[str, str] = {radio["name"]: str(rating) for radio in radios}
    data.update({f"comment-{question}": text for question, text in (comments or {}).items()})
    if attest:
        data["attest"] = "yes"
    data["csrf_token"] = csrf_token(page)
    return client.post(finish_url(slug), data=data)
