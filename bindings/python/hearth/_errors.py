"""Exceptions raised by hearth: one class per C status code, all derived from HearthError.

Each class also derives from the builtin exception a Python caller would expect (a missing file is a
FileNotFoundError, a bad argument a ValueError), so ordinary ``except`` clauses keep working.
"""

from __future__ import annotations

from typing import Dict, Type


class HearthError(Exception):
    """Base class of every error reported by the hearth C library; ``str(e)`` is the library's message."""

    status: int = -1
    """The C status code (``HEARTH_ERROR_*``)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(HearthError, ValueError):
    """A bad value passed to the library (a token outside the vocabulary, a bad parameter...)."""

    status = 1


class NotFoundError(HearthError, FileNotFoundError):
    """A missing file, metadata key or tensor."""

    status = 2


class HearthIOError(HearthError, OSError):
    """The file could not be read or mapped."""

    status = 3


class InvalidFileError(HearthError, ValueError):
    """The file is not valid GGUF or is malformed."""

    status = 4


class UnsupportedError(HearthError, NotImplementedError):
    """Valid, but not supported (architecture, tensor type, tokenizer)."""

    status = 5


class OutOfMemoryError(HearthError, MemoryError):
    """An allocation failed."""

    status = 6


class CancelledError(HearthError):
    """Stopped by Context.cancel() or a callback."""

    status = 7


class ContextFullError(HearthError):
    """The tokens do not fit in the context's remaining positions."""

    status = 8


class BufferTooSmallError(HearthError):
    """An output buffer was too small (the bindings retry, so this is rarely seen)."""

    status = 9


class WrongTypeError(HearthError, TypeError):
    """A metadata value has another type than the one asked for."""

    status = 10


class InternalError(HearthError):
    """A bug in hearth."""

    status = 11


_BY_STATUS: Dict[int, Type[HearthError]] = {
    cls.status: cls
    for cls in (
        InvalidArgumentError,
        NotFoundError,
        HearthIOError,
        InvalidFileError,
        UnsupportedError,
        OutOfMemoryError,
        CancelledError,
        ContextFullError,
        BufferTooSmallError,
        WrongTypeError,
        InternalError,
    )
}


def _from_status(status: int, message: str) -> HearthError:
    """Builds the exception for a C status code; called by the extension."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        error = HearthError(message)
        error.status = status
        return error
    return cls(message)
