"""Reading pages with a real HTML parser instead of regular expressions.

Every function takes the page as a string (or a response, whose text is used) and a CSS
selector where it needs one::

    csrf_token(html)                          # the token in <meta name="csrf-token">
    form_fields(html, "form.quiz")            # {"version": "...", "number": "1", ...}
    text_of(html, "h1")                       # "Getting started" (whitespace collapsed)
    texts_of(html, ".course-card__title")     # every match, in page order
    attribute(html, "[data-visit]", "data-visit")
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_SPACE = re.compile(r"\s+")


def page_text(page) -> str:
    """The text of a response (or a string, as it is)."""
    return page if isinstance(page, str) else page.get_data(as_text=True)


def parse(page) -> BeautifulSoup:
    return BeautifulSoup(page_text(page), "html.parser")


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, as a reader sees it."""
    return _SPACE.sub(" ", text).strip()


def element_text(element: Tag) -> str:
    return squash(element.get_text())


def one(page, selector: str) -> Tag:
    """The first element matching ``selector``; fails the test when there is none."""
    soup = page if isinstance(page, Tag) else parse(page)
    found = soup.select_one(selector)
    assert found is not None, f"nothing on the page matches {selector!r}"
    return found


def text_of(page, selector: str) -> str:
    """The text of the first element matching ``selector``."""
    return element_text(one(page, selector))


def texts_of(page, selector: str) -> list[str]:
    """The text of every element matching ``selector``, in page order."""
    soup = page if isinstance(page, Tag) else parse(page)
    return [element_text(element) for element in soup.select(selector)]


def attribute(page, selector: str, name: str) -> str:
    """An attribute of the first element matching ``selector``."""
    value = one(page, selector).get(name)
    assert value is not None, f"{selector!r} has no attribute {name!r}"
    return value if isinstance(value, str) else " ".join(value)


def links(page, selector: str = "a") -> list[str]:
    """The href of every link matching ``selector``."""
    soup = page if isinstance(page, Tag) else parse(page)
    return [a["href"] for a in soup.select(selector) if a.has_attr("href")]


def csrf_token(page) -> str:
    """The CSRF token every page carries in ``<meta name="csrf-token">``."""
    return attribute(page, 'meta[name="csrf-token"]', "content")


def form_fields(page, selector: str = "form") -> dict[str, str | list[str]]:
    """What the form would send as it stands: inputs (checked boxes only), selects and textareas.

    A name that occurs more than once (checkboxes) maps to a list of its values.
    """
    form = one(page, selector)
    fields: dict[str, list[str]] = {}
    for element in form.select("input[name], select[name], textarea[name]"):
        name = element["name"]
        if element.name == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and not element.has_attr("checked"):
                continue
            if kind in {"submit", "button", "image", "file", "reset"}:
                continue
            value = element.get("value", "on" if kind in {"checkbox", "radio"} else "")
        elif element.name == "select":
            chosen = element.select("option[selected]") or element.select("option")[:1]
            if not chosen:
                continue
            value = chosen[0].get("value", chosen[0].get_text())
        else:
            value = element.get_text()
        fields.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}


def options(page, selector: str) -> list[str]:
    """The labels of a select's options, in order."""
    return texts_of(one(page, selector), "option")


def selected_option(page, selector: str) -> str | None:
    chosen = one(page, selector).select_one("option[selected]")
    return element_text(chosen) if chosen else None


def table_rows(page, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, each as the text of its cells."""
    soup = parse(page)
    for table in soup.select("table"):
        found = table.find("caption")
        if found is not None and element_text(found) == caption:
            body = table.find("tbody") or table
            return [[element_text(cell) for cell in row.find_all(["th", "td"])] for row in body.find_all("tr")]
    raise AssertionError(f"no table has the caption {caption!r}")
