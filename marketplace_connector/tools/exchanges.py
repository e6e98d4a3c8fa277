"""The exchange log kept apart from the savepoints (plain Python).

A savepoint rolled back undoes the rows written inside it, but not what the marketplace saw: the
exchanges recorded while a page or an order is imported are held in memory and written once the
savepoint is left, whether it was released or rolled back.
"""
import logging
from contextlib import contextmanager

_logger = logging.getLogger(__name__)


class ExchangeRecorder:
    """The transport's ``recorder``: turns each exchange into log values at once (redacted with the
    secrets of that moment) and writes them, or holds them while :func:`held_exchanges` is active.

    :param prepare: exchange -> values of one log row
    :param write: list of values -> None (creates the rows)
    """

    def __init__(self, prepare, write):
        self.prepare = prepare
        self.write = write
        self.held = None  # values waiting for the end of the hold; None: not holding

    def __call__(self, exchange):
        vals = self.prepare(exchange)
        if self.held is None:
            self.write([vals])
        else:
            self.held.append(vals)

    def flush(self):
        held, self.held = self.held or [], None
        if held:
            self.write(held)


@contextmanager
def held_exchanges(recorder):
    """Hold the exchanges ``recorder`` receives until the block is left, then write them.

    Enter it outside the savepoint it protects. Nested holds on the same recorder write once, when
    the outermost ends; a recorder that cannot hold (``None``, a plain callable) is left as it is.
    """
    if not isinstance(recorder, ExchangeRecorder) or recorder.held is not None:
        yield recorder
        return
    recorder.held = []
    try:
        yield recorder
    except BaseException:
        _flush_quietly(recorder)
        raise
    recorder.flush()


def _flush_quietly(recorder):
    """Write the held exchanges while an error goes up; a failing write must not hide that error."""
    try:
        recorder.flush()
    except Exception:  # noqa: BLE001 - the error going up matters more than the log rows
        _logger.exception("Exchange log rows could not be written after a rollback")
