"""Inside a page job, an order that fails on a concurrent update is not a bad order: the page
is retried later (queue_job rolls the job back and postpones it) instead of recording a failure."""
import psycopg2
from psycopg2 import errorcodes

from odoo import models

CONCURRENCY_ERRORS = {errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED,
                      errorcodes.LOCK_NOT_AVAILABLE, errorcodes.UNIQUE_VIOLATION}


def is_concurrency_error(exc):
    """True for serialization failures, deadlocks, lock timeouts and unique races (chained too)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, psycopg2.Error) and exc.pgcode in CONCURRENCY_ERRORS:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class MarketplaceOrderImporter(models.AbstractModel):
    _inherit = "marketplace.order.importer"

    def _note_concurrency_error(self, exc):
        """Remember a concurrency error of the running page job (its context holds a list)."""
        errors = self.env.context.get("marketplace_job_concurrency")
        if errors is not None and is_concurrency_error(exc):
            errors.append(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)

    def _import_order(self, channel, order):
        try:
            return super()._import_order(channel, order)
        except Exception as exc:
            self._note_concurrency_error(exc)
            raise

    def _confirmation_failed(self, sale, exc):
        self._note_concurrency_error(exc)
        return super()._confirmation_failed(sale, exc)
