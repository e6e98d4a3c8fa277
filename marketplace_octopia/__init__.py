from . import transport
from . import models
from . import controllers
