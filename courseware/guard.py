"""The edge of the app: what a request brings is decoded safely before any route reads it.

- Every string of a form or a query string is scrubbed (``text.scrub``): no NUL or other control
  character reaches a route, the database or a page.
- JSON is refused with a clear 400 when nested more than ``MAX_JSON_DEPTH`` deep (before it is
  parsed) or when a string holds a lone surrogate; its strings are scrubbed like a form's.
- ``<int:...>`` in an address matches 0 to 2**31 - 1, what a database id can be: a larger number
  is a 404, never an overflow.
- An address with a control character in it is a 404.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from courseware import text
from courseware.errors import ClearBadRequest

MAX_JSON_DEPTH = 32
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
_CONTROL_IN_PATH = re.compile("[\x00-\x1f\x7f]")


class ScrubbedMultiDict(ImmutableMultiDict):
    """The form and query values of a request, every key and string value scrubbed."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        pairs = mapping.items(multi=True) if isinstance(mapping, MultiDict) else MultiDict(mapping).items(multi=True)
        super().__init__(
            [(text.scrub(key) if isinstance(key, str) else key, text.scrub(v) if isinstance(v, str) else v)
             for key, v in pairs]
        )  # fmt: skip


def json_depth(data: bytes) -> int:
    """How deeply a JSON document nests arrays and objects (strings skipped), without parsing it."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b'""', data)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _scrub_json(value: Any) -> Any:
    if isinstance(value, str):
        if text.has_surrogates(value):
            raise ClearBadRequest("That text cannot be saved", text.SURROGATE_MESSAGE)
        return text.scrub(value)
    if isinstance(value, list):
        return [_scrub_json(item) for item in value]
    if isinstance(value, dict):
        return {_scrub_json(key): _scrub_json(item) for key, item in value.items()}
    return value


class GuardedRequest(Request):
    parameter_storage_class = ScrubbedMultiDict

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if (force or self.is_json) and json_depth(self.get_data(cache=True)) > MAX_JSON_DEPTH:
            raise ClearBadRequest(
                "That request could not be read",
                f"Its data is nested more than {MAX_JSON_DEPTH} levels deep. Reload the page and try again.",
            )
        return _scrub_json(super().get_json(force=force, silent=silent, cache=cache))


class IdConverter(IntegerConverter):
    """``<int:...>``: a whole number a database id can hold."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def init_guard(app: Flask) -> None:
    """Before the blueprints are registered, so that their ``<int:...>`` use ``IdConverter``."""
    app.request_class = GuardedRequest
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_control_characters_in_path() -> None:
        if _CONTROL_IN_PATH.search(request.path):
            abort(404)
