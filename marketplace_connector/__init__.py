from . import transport
