"""Temporary alias of the pure-Python package :mod:`marketplace_transport` (to be removed).

Modules not yet moved to ``from marketplace_transport import ...`` keep working:
``from ..transport import X`` and ``from ..transport.<base|exceptions|http|normalized|webhook> import Y``
resolve to the same objects as in ``marketplace_transport``.
"""
import sys

from marketplace_transport import *  # noqa: F401,F403
from marketplace_transport import base, exceptions, http, normalized, webhook

for _module in (base, exceptions, http, normalized, webhook):
    sys.modules[f"{__name__}.{_module.__name__.rpartition('.')[2]}"] = _module
