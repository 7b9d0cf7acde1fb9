"""Reading a JSON request body: one rule for every place that parses what a client sent (the API's parser, the
login throttle's username, the webhooks). Malformed input of any kind, including nesting deep enough to exhaust
Python's recursion limit (`json` raises RecursionError, not ValueError, for ~1 KB of "["), is a ValueError, so
every caller answers 400 instead of 500."""

import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_body(raw: bytes | str, *, empty: Any = None) -> Any:
    """The decoded body (`empty` for an empty one); ValueError for anything that is not JSON a client meant."""
    if not raw:
        return empty
    try:
        return json.loads(raw)
    except RecursionError as error:
        raise ValueError("JSON nested too deeply.") from error


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, answering 400 (not 500) for JSON nested too deeply."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
