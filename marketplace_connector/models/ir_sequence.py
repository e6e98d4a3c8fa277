from odoo import api, models

from ..batch import active_batch


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def next_by_code(self, sequence_code, sequence_date=None):
        """In a batch of orders, the sequence of a code is found once for the batch (Odoo
        searches it for every number drawn)."""
        batch = active_batch(self.env)
        if batch is None:
            return super().next_by_code(sequence_code, sequence_date=sequence_date)
        key = ("sequence", sequence_code, self.env.company.id, self.env.uid, self.env.su)
        if key not in batch.memo:
            self.browse().check_access("read")
            domain = [("code", "=", sequence_code), ("company_id", "in", [self.env.company.id, False])]
            batch.memo[key] = self.search(domain, order="company_id", limit=1).id
        if not batch.memo[key]:
            return super().next_by_code(sequence_code, sequence_date=sequence_date)
        return self.browse(batch.memo[key])._next(sequence_date=sequence_date)
