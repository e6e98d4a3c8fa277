from . import test_queue_job_dispatch
from . import test_queue_job_outbox
