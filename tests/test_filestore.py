"""The databases the scripts create (tests, demo, bench) are copies of a template database: the
template's files (images, generated assets) must be copied with it, or attachments lose their content."""
import os

from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install", "marketplace")
class TestFilestoreCopied(TransactionCase):
    def test_every_stored_attachment_has_its_file(self):
        Attachment = self.env["ir.attachment"].sudo()
        stored = Attachment.search([("store_fname", "!=", False)])
        self.assertTrue(stored, "installing the modules stores files (company logo, images)")
        missing = [a.store_fname for a in stored if not os.path.exists(Attachment._full_path(a.store_fname))]
        self.assertFalse(missing, f"{len(missing)} of {len(stored)} attachments have no file in the filestore")
