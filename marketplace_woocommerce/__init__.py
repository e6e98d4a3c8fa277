from marketplace_transport import woocommerce  # noqa: F401 (registers the "woocommerce" transport)

from . import models
from . import controllers
