"""When to try a request to a controller again, and how long to wait first."""

from __future__ import annotations

import attrs

#: Answers worth another try: overload and gateway errors, and Jenkins' own 500s
#: (a controller restarting or short of memory answers 500/503 for a while).
RETRIABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Bounded retries with exponential backoff.

    Attempt ``n`` (0-based) that failed is followed by a wait of ``backoff * 2**n``
    seconds, at most ``max_delay``, or by what the controller's ``Retry-After`` asks for
    (also at most ``max_delay``).

    Attributes:
        retries: how many times a failed request is sent again (0: never).
        backoff: the first wait, in seconds.
        max_delay: the longest wait, in seconds.
    """

    retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))

    def delay(self, attempt: int, status: int | None, retry_after: float | None = None) -> float | None:
        """How long to wait before sending again, or ``None`` to give up.

        Args:
            attempt: how many retries were made already.
            status: the HTTP status of the failed attempt; ``None`` when no answer came
                (refused, dropped or timed-out connection).
            retry_after: the controller's ``Retry-After``, in seconds, if it sent one.
        """
        if attempt >= self.retries or not retriable(status):
            return None
        wait = retry_after if retry_after is not None else self.backoff * 2**attempt
        return min(self.max_delay, max(0.0, wait))


def retriable(status: int | None) -> bool:
    """Whether a failure with this status (``None``: no answer) may succeed on another try."""
    return status is None or status in RETRIABLE_STATUSES
