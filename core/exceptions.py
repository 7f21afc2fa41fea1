"""Errors a service raises that are not about the input: see core.api.exceptions for the API."""


class Conflict(Exception):
    """The input may be fine, but Brobyg cannot do it as things stand (an admin has retired the
    only questionnaire, say). The API answers 409 with `code` and the message; a page shows the
    message. Subclasses set `code` and a default message a person understands."""

    code = "conflict"
    default_message = ""

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
