"""Domain errors raised by services; the API exception handler and HTML views turn them into answers."""

from __future__ import annotations


class DomainError(Exception):
    """A request that the domain refuses. `message` is shown to the user as it is."""

    status_code = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(DomainError):
    """Input that breaks a rule; `errors` maps field names to messages."""


class NotFound(DomainError):
    """Missing, or belonging to another tenant or account: the two answer alike."""

    status_code = 404


class PermissionDenied(DomainError):
    """The signed-in user's role may not do this."""

    status_code = 403


class Conflict(DomainError):
    """The object changed under the request (for example, edited by someone else)."""

    status_code = 409


class IllegalTransition(DomainError):
    """A life-cycle step not allowed from the current state; the message says what is."""

    status_code = 409
