"""Odoo's own tests, run on a database where the whole suite is installed.

Importing the classes here makes pytest collect them: installing our addons must not break
standard sales, deliveries, invoices and taxes (a representative subset, kept fast).
"""
from odoo.addons.account.tests.test_account_move_out_refund import TestAccountMoveOutRefundOnchanges  # noqa: F401
from odoo.addons.account.tests.test_invoice_taxes import TestInvoiceTaxes  # noqa: F401
from odoo.addons.sale.tests.test_sale_order import TestSaleOrder  # noqa: F401
from odoo.addons.sale_stock.tests.test_sale_stock import TestSaleStock  # noqa: F401
