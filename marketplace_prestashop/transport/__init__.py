"""PrestaShop Webservice transport (plain Python, registered as channel type "prestashop")."""
from . import prestashop
