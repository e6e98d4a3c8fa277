from marketplace_transport import shopify  # noqa: F401 (registers the "shopify" transport)

from . import models
from . import controllers
