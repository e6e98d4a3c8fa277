from marketplace_transport import wix  # noqa: F401 (registers the "wix" transport)

from . import models
