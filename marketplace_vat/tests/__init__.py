from . import test_fiscal_positions
from . import test_vat_import
from . import test_vat_invoicing
from . import test_vat_upload
from . import test_vat_page
