from . import test_wix_channel
from . import test_wix_stock
