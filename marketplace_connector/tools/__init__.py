"""Helpers shared by the connector's models and the connector addons (no model here)."""
from .concurrency import CONCURRENCY_ERRORS, ConcurrentUpdate, is_concurrent_update, raise_if_concurrent
from .dates import to_naive_utc
from .exchanges import ExchangeRecorder, held_exchanges
from .runtime import LOCK_NAMESPACE, WEBHOOK_MAX_BYTES, is_testing
from .text import squash

__all__ = ["CONCURRENCY_ERRORS", "LOCK_NAMESPACE", "WEBHOOK_MAX_BYTES", "ConcurrentUpdate", "ExchangeRecorder",
           "held_exchanges", "is_concurrent_update", "is_testing", "raise_if_concurrent", "squash", "to_naive_utc"]
