from marketplace_transport import octopia  # noqa: F401 (registers the "octopia" and "cdiscount_soap" transports)

from . import models
from . import controllers
