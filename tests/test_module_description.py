"""Odoo's Apps page shows each of our addons' README, not a garbled reStructuredText reading of it.

Without ``static/description/index.html`` Odoo parses README.md with docutils as reStructuredText: our
Markdown tables and ``---`` then come out as "System Message" errors (and an application gets no
description at all). scripts/addon_readme.py generates the index.html from the readme/ fragments.
"""
from pathlib import Path

import lxml.html

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged


def first_heading(module_name):
    """The text of the first ``# `` heading of an addon's README.md."""
    readme = Path(get_module_path(module_name)) / "README.md"
    return next(line[2:].strip() for line in readme.read_text(encoding="utf-8").splitlines() if line.startswith("# "))


@tagged("post_install", "-at_install", "marketplace")
class TestModuleDescription(TransactionCase):

    def our_modules(self):
        return self.env["ir.module.module"].search([("name", "=like", "marketplace\\_%"), ("state", "=", "installed")])

    def test_every_module_description_is_its_readme_in_html(self):
        modules = self.our_modules()
        self.assertGreaterEqual(len(modules), 8, modules.mapped("name"))
        for module in modules:
            with self.subTest(module=module.name):
                html = module.description_html
                self.assertTrue(html, "empty description")
                text = lxml.html.fromstring(html).text_content()
                self.assertIn(first_heading(module.name), text)
                self.assertNotIn("System Message", text)
                self.assertNotIn("ERROR/3", text)

    def test_tables_are_html_tables(self):
        html = self.env["ir.module.module"].search([("name", "=", "marketplace_octopia")]).description_html
        self.assertIn("<table", html)
        self.assertIn("<code>ORDER_STATUS_MAP</code>", html)
