"""Errors another transaction causes, told apart from bad orders (plain Python and psycopg2)."""
import psycopg2
from psycopg2 import errorcodes


class ConcurrentUpdate(Exception):
    """Another transaction changed rows this run needs (serialization failure, deadlock): the page
    is rolled back and done again by the next run; it is not a bad order."""


# Errors another transaction causes: serialization failure, deadlock, lock timeout, and a unique race
# (the pipeline checks existence before inserting, so a duplicate key means a concurrent insert).
CONCURRENCY_ERRORS = {errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED,
                      errorcodes.LOCK_NOT_AVAILABLE, errorcodes.UNIQUE_VIOLATION}


def is_concurrent_update(exc):
    """True when ``exc``, or what caused it, comes from a concurrent transaction."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConcurrentUpdate) or (
                isinstance(exc, psycopg2.Error) and exc.pgcode in CONCURRENCY_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def raise_if_concurrent(exc):
    """Raise :class:`ConcurrentUpdate` when another transaction caused ``exc`` (the page is redone by
    the next run); any other error is the caller's to record."""
    if is_concurrent_update(exc):
        raise ConcurrentUpdate(str(exc)) from exc
