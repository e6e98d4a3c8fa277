from . import test_outbox_core
from . import test_connectors
