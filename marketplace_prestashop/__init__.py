from . import connector  # registers the descriptor, beside the transport it imports

from . import models
