from . import ereporting
