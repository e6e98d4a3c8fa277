from . import test_queue_job_dispatch
from . import test_queue_job_outbox
from . import test_queue_job_stock
