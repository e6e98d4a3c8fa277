from . import test_prestashop_channel
