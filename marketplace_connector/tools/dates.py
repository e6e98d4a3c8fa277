"""Date helpers (plain Python)."""
from datetime import UTC


def to_naive_utc(dt):
    """Aware datetime -> naive UTC, as Odoo stores Datetime fields.

    >>> from datetime import datetime, timedelta, timezone
    >>> to_naive_utc(datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))))
    datetime.datetime(2024, 5, 1, 10, 0)
    """
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt
