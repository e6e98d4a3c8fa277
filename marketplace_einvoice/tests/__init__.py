from . import test_facturx
from . import test_ereporting
from . import test_platform
from . import test_facturx_upload
