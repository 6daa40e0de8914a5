"""Errors raised by services; views and the API turn them into messages and status codes."""

from django.core.exceptions import PermissionDenied


class OutOfScope(PermissionDenied):
    """The object would end up (or already is) outside the acting user's scope."""

    def __init__(self, message: str = "该记录不在您的管辖范围内,未保存任何更改。") -> None:
        super().__init__(message)
        self.message = message
