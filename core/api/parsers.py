"""The one JSON parser of Brobyg's API (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES and the FHIR
endpoints): JSON that Brobyg can read and keep, or a 400 with a sentence.

Valid JSON can still be refused: nesting deeper than any request of Brobyg's (the decoder
recurses, and so do the code and the database that handle the data after it), the NUL
character (PostgreSQL keeps no NUL in text or JSON) and half a UTF-16 surrogate pair, which
"\\ud800" writes and no UTF-8 text can hold. Refused at the door, each would otherwise fail
later as a server error, or part-way through storing.
"""

import math
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

# No request Brobyg takes is nested more than a dozen levels (a FHIR message is the deepest).
MAX_DEPTH = 100

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnreadableJSON(exceptions.APIException):
    """A 400 with the parser's own sentence. Not a ParseError: the API's exception handler
    (core.api.exceptions) puts one general sentence in place of a ParseError's."""

    status_code = 400
    default_code = "parse_error"
    default_detail = _("The body of the request is not valid JSON.")


TOO_DEEP = _("The JSON is nested too deeply.")
UNSTORABLE_CHARACTER = _(
    "The JSON holds a character that cannot be stored: a NUL character (\\u0000) or half a "
    "UTF-16 surrogate pair."
)
NUMBER_TOO_LARGE = _("The JSON holds a number too large to be stored.")


def json_check(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise UnreadableJSON if parsed JSON is nested deeper than `max_depth` or holds a string
    (a key or a value) with a NUL or a lone surrogate, or a number too large for a float.
    Walked with a stack of its own, so that a deep value cannot exhaust Python's."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise UnreadableJSON(UNSTORABLE_CHARACTER)
        elif isinstance(value, float):
            # 1e400 is read as infinity, which JSON cannot write back.
            if not math.isfinite(value):
                raise UnreadableJSON(NUMBER_TOO_LARGE)
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise UnreadableJSON(TOO_DEEP)
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what json_check refuses and nesting the decoder itself
    cannot follow (its RecursionError) as a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise UnreadableJSON(TOO_DEEP) from None
        json_check(data)
        return data
