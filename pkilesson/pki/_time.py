"""Time, passed in: every function that depends on the clock takes ``now=``."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from .._catalog import _
from ..errors import PkiLessonError

_LAST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


def resolve_now(now: Optional[dt.datetime], error: type[PkiLessonError] = PkiLessonError) -> dt.datetime:
    """``now`` as an aware UTC datetime to the second (the current time when None)."""
    if now is None:
        now = dt.datetime.now(dt.timezone.utc)
    if not isinstance(now, dt.datetime):
        raise error(
            _("now must be a datetime, got {type}.").format(type=type(now).__name__),
            _("pass now=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)."),
        )
    if now.tzinfo is None or now.utcoffset() is None:
        raise error(
            _("now={now} has no time zone, so the instant it names is ambiguous.").format(now=now.isoformat()),
            _("pass an aware datetime, e.g. datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)."),
        )
    return now.astimezone(dt.timezone.utc).replace(microsecond=0)


def validity_window(
    now: dt.datetime, days: int, error: type[PkiLessonError] = PkiLessonError
) -> tuple[dt.datetime, dt.datetime]:
    """(notBefore, notAfter) for a certificate valid ``days`` days from ``now``."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise error(
            _("The validity must be a whole number of days, got {days!r}.").format(days=days),
            _("pass days=365, for example.")
        )
    if days < 1:
        raise error(
            _("A validity of {days} days is impossible: the certificate would expire before it starts.").format(days=days),
            _("give at least 1 day."),
        )
    if days > (_LAST - now).days:
        raise error(
            _("A validity of {days} days from {date} ends after 9999-12-31, the last date X.509 can write.").format(
                days=days, date=f"{now:%Y-%m-%d}"),
            _("give at most {days} days.").format(days=(_LAST - now).days),
        )
    return now, now + dt.timedelta(days=days)


def parse_instant(text: str, error: type[PkiLessonError] = PkiLessonError) -> dt.datetime:
    """An ISO 8601 instant such as ``2026-11-26T12:00:00Z``, as an aware datetime."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise error(
            _("{text!r} is not an ISO 8601 date and time.").format(text=text), _("write it like 2026-11-26T12:00:00Z.")
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value
