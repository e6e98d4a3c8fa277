from . import test_batch_confirmation
from . import test_connectors
from . import test_dashboard
from . import test_outbox_core
from . import test_pipeline
from . import test_tours
