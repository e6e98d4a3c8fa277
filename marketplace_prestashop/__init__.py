from marketplace_transport import prestashop  # noqa: F401 (registers the "prestashop" transport)

from . import models
