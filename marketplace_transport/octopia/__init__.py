from . import rest
from . import soap
