from . import transport
from . import models
