"""Shopify Admin API versions: quarterly stable releases (YYYY-01/04/07/10), each supported 12 months.

Source: shopify.dev/docs/api/usage/versioning ("Shopify releases a new API version every 3 months at
the beginning of the quarter ... Each stable version is supported for a minimum of 12 months").
"""
import re
from datetime import date

#: newest stable version on 2026-12-05 (2026-10, released 2026-10-01, supported until 2027-10-01)
API_VERSION = "2026-10"
#: Test connection warns when the configured version's support ends within this many months
WARN_MONTHS = 3
_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")


def parse_version(version):
    """(year, month) of a stable version name, or None (``unstable``, a typo, a non-quarter month)."""
    match = _VERSION.match(str(version or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def support_end(version):
    """First day the version is no longer supported (release + 12 months), or None."""
    parsed = parse_version(version)
    return date(parsed[0] + 1, parsed[1], 1) if parsed else None


def newest_stable(today):
    """The newest stable version released on ``today`` (a :class:`date`)."""
    month = (today.month - 1) // 3 * 3 + 1
    return f"{today.year}-{month:02d}"


def _months_between(start, end):
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def version_status(version, today):
    """``("unknown" | "ended" | "ending" | "ok", support end or None)`` of ``version`` on ``today``."""
    end = support_end(version)
    if end is None:
        return "unknown", None
    if end <= today:
        return "ended", end
    return ("ending" if _months_between(today, end) < WARN_MONTHS else "ok"), end


def version_warning(version, today):
    """A sentence when ``version`` is not a stable version or its support ends within
    :data:`WARN_MONTHS` months of ``today``; "" otherwise."""
    status, end = version_status(version, today)
    if status == "unknown":
        return (f"Admin API version {version!r} is not a stable Shopify version (YYYY-01, -04, -07 or -10); "
                f"use {newest_stable(today)}.")
    if status == "ended":
        return (f"Admin API version {version} is no longer supported since {end.isoformat()}: Shopify answers "
                f"with the oldest supported version instead; use {newest_stable(today)}.")
    if status == "ending":
        return (f"Admin API version {version} is supported until {end.isoformat()} only: "
                f"move the channel to {newest_stable(today)}.")
    return ""
