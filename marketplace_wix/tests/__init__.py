from . import test_wix_channel
