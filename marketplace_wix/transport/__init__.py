"""Wix eCommerce transport (plain Python, registered as channel type "wix")."""
from . import wix
