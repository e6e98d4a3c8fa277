from . import test_fiscal_positions
from . import test_vat_import
from . import test_vat_invoicing
from . import test_vat_upload
from . import test_vat_page
from . import test_vat_mentions
from . import test_vat_reconcile
from . import test_vies_protocols
