from . import marketplace_refund_wizard
