from . import test_outbox_core
