"""Errors raised by services; views and the API turn them into messages and status codes."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class OutOfScope(PermissionDenied):
    """The object would end up (or already is) outside the acting user's scope."""

    def __init__(self, message: str | None = None) -> None:
        if message is None:
            message = _("This record is outside your area; no changes have been saved.")
        super().__init__(message)
        self.message = message
