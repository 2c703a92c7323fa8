"""Errors the core raises for the user to read (app/errors.py renders them)."""

from __future__ import annotations

from werkzeug.exceptions import BadRequest


class InputError(BadRequest):
    """A 400 whose description is a translated message for the user: shown as it is on the
    error page, in the API's JSON (FAB's @safe answers str(e)) and in logs."""

    def __str__(self) -> str:
        return str(self.description)
