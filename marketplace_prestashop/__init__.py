from . import models, transport
