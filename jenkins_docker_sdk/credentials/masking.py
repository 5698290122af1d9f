"""No secret value in a log line or an error message: masking with ``****``.

A :class:`SecretMasker` knows the secret values in play (those read from a value source)
and every form they are likely to travel in: as written, base64 (standard and URL-safe, at
each of the three byte alignments, so a secret inside a larger encoded blob such as an HTTP
Basic header is found too), URL-encoded and JSON-escaped. :class:`MaskingFilter` rewrites log
records of the SDK's loggers; :func:`masked_errors` rewrites an exception's text (and drops
its chained causes) before it leaves the SDK. :class:`Secret` holds a value without ever
showing it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import attrs

MASK = "****"
#: Shorter values are not masked: they would mask ordinary text everywhere.
MIN_LENGTH = 4
#: The loggers whose records are masked: the SDK's own.
LOGGER = "jenkins_docker_sdk"


@attrs.frozen(repr=False)
class Secret:
    """A secret value that shows as ``****`` in ``repr``, ``str`` and f-strings."""

    _value: str

    def reveal(self) -> str:
        """The value itself: only for the call that hands it to its destination."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK


def encoded_forms(value: str) -> set[str]:
    """``value`` and the forms it may be written in; each at least :data:`MIN_LENGTH` long."""
    raw = value.encode("utf-8")
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    for shift in range(3):  # base64 of the value at each alignment inside a longer blob
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * shift + raw).decode("ascii").rstrip("=")
            start, end = -(-8 * shift // 6), 8 * (shift + len(raw)) // 6
            forms.add(text[start:end])
        if shift == 0:
            forms.add(base64.b64encode(raw).decode("ascii"))
    return {form for form in forms if len(form) >= MIN_LENGTH}


@attrs.define
class SecretMasker:
    """Replaces known secret values, and their encoded forms, with ``****``. Thread-safe."""

    _needles: set[str] = attrs.field(factory=set, repr=False)
    _pattern: re.Pattern[str] | None = attrs.field(default=None, init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def add(self, value: str | Secret) -> None:
        """Mask ``value`` (and its encoded forms) from now on; shorter than 4 characters: ignored."""
        text = value.reveal() if isinstance(value, Secret) else value
        if len(text) < MIN_LENGTH:
            return
        with self._lock:
            self._needles |= encoded_forms(text)
            self._pattern = None

    def update(self, values: Iterable[str | Secret]) -> None:
        for value in values:
            self.add(value)

    def __len__(self) -> int:
        return len(self._needles)

    def __bool__(self) -> bool:  # an empty masker is still a masker (``masker or MASKER``)
        return True

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._needles:
                ordered = sorted(self._needles, key=lambda n: (-len(n), n))  # longest first
                self._pattern = re.compile("|".join(map(re.escape, ordered)))
            return self._pattern

    def contains(self, text: str) -> bool:
        """Whether ``text`` holds a known secret in any of its forms."""
        pattern = self._compiled()
        return pattern is not None and pattern.search(text) is not None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where known secret forms are in ``text``: ``(start, end)`` of each."""
        pattern = self._compiled()
        if pattern is not None:
            yield from (match.span() for match in pattern.finditer(text))

    def mask(self, text: str) -> str:
        """``text`` with every known secret form replaced by ``****``."""
        pattern = self._compiled()
        if pattern is None:
            return text
        while True:  # a replacement can complete another secret ('a***' in 'aa***'): repeat
            masked = pattern.sub(MASK, text)
            if masked == text:
                return masked
            text = masked


#: The masker of this process: value sources register what they read with it.
MASKER = SecretMasker()


class MaskingFilter(logging.Filter):
    """A logging filter that masks the message, arguments and traceback text of each record."""

    def __init__(self, masker: SecretMasker | None = None) -> None:
        super().__init__()
        self.masker = masker if masker is not None else MASKER

    def filter(self, record: logging.LogRecord) -> bool:
        if not len(self.masker):
            return True
        message = record.getMessage()
        record.msg, record.args = self.masker.mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.masker.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.masker.mask(record.stack_info)
        return True


def install(masker: SecretMasker | None = None) -> MaskingFilter:
    """Put a :class:`MaskingFilter` on every SDK logger that exists (and on their handlers).

    A logger's filters see only the records made on that logger, so each one gets the filter;
    call this again after importing more of the SDK (the SDK calls it whenever it reads values).
    """
    masker = masker if masker is not None else MASKER
    manager = logging.Logger.manager
    names = [LOGGER, *(n for n in manager.loggerDict if n.startswith(LOGGER + "."))]
    installed = None
    for name in names:
        logger = logging.getLogger(name)
        targets: list[logging.Filterer] = [logger, *logger.handlers]
        for target in targets:
            existing = next(
                (f for f in target.filters if isinstance(f, MaskingFilter) and f.masker is masker), None
            )
            if existing is None:
                existing = MaskingFilter(masker)
                target.addFilter(existing)
            installed = installed or existing
    assert installed is not None  # LOGGER itself is always among the names
    return installed


def mask_exception(exc: BaseException, masker: SecretMasker | None = None) -> BaseException:
    """Mask ``exc`` in place: its arguments, string attributes and problems; drop its causes.

    Returns ``exc`` (same type, so callers and the CLI still tell errors apart).
    """
    masker = masker if masker is not None else MASKER
    exc.args = tuple(_masked(arg, masker) for arg in exc.args)
    for name, value in list(vars(exc).items()):
        exc.__dict__[name] = _masked(value, masker)
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = True
    return exc


def _masked(value: Any, masker: SecretMasker) -> Any:
    if isinstance(value, str):
        return masker.mask(value)
    if isinstance(value, tuple):
        return tuple(_masked(item, masker) for item in value)
    if isinstance(value, list):
        return [_masked(item, masker) for item in value]
    if attrs.has(type(value)) and not isinstance(value, Secret):
        changes = {
            f.alias or f.name: _masked(getattr(value, f.name), masker)
            for f in attrs.fields(type(value))
            if f.init and isinstance(getattr(value, f.name), (str, tuple, list))
        }
        return attrs.evolve(value, **changes) if changes else value
    return value


def _chain_text(exc: BaseException) -> Iterator[str]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield f"{type(current).__name__}: {current} {current.args!r} {vars(current)!r}"
        current = current.__cause__ or current.__context__


@contextlib.contextmanager
def masked_errors(masker: SecretMasker | None = None) -> Iterator[None]:
    """Re-raise any exception from the block with known secrets masked out of its text.

    An exception whose text, or whose chain of causes, holds a secret is masked in place and
    loses its causes; others pass unchanged. Ctrl-C and exits pass untouched.
    """
    masker = masker if masker is not None else MASKER
    try:
        yield
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        if len(masker) and any(masker.contains(text) for text in _chain_text(exc)):
            raise mask_exception(exc, masker) from None
        raise
