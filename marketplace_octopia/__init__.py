from . import connector  # registers the "octopia" and "cdiscount_soap" descriptors, beside their transports

from . import models
from . import controllers
