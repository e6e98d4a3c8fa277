"""Constants and checks of the running server (plain Python)."""
import threading

LOCK_NAMESPACE = 720431  # pg advisory lock class id for channel runs
WEBHOOK_MAX_BYTES = 2 * 1024 * 1024  # largest webhook body read


def is_testing():
    """True in a thread that runs Odoo tests (they run in one transaction: no commit)."""
    return getattr(threading.current_thread(), "testing", False)
