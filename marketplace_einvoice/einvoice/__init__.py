"""Plain Python (no Odoo): e-reporting categories of the VAT regimes, Factur-X constants."""
