from odoo import api, models

from ..batch import active_batch


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    @api.model
    def _search_rule_for_warehouses(self, route_ids, packaging_id, product_id, warehouse_ids, domain):
        """In a batch confirmation, the rules found for a product, its routes and warehouses are
        found once for the batch (Odoo reads them again for each order line)."""
        batch = active_batch(self.env)
        if batch is None:
            return super()._search_rule_for_warehouses(route_ids, packaging_id, product_id, warehouse_ids, domain)
        key = ("rules_for_warehouses", self.env.uid, self.env.su, tuple(self.env.companies.ids),
               route_ids and tuple(route_ids.ids), packaging_id and packaging_id.id, product_id.id,
               warehouse_ids and tuple(warehouse_ids.ids), repr(domain))
        if key not in batch.memo:
            batch.memo[key] = super()._search_rule_for_warehouses(
                route_ids, packaging_id, product_id, warehouse_ids, domain)
        return batch.memo[key]
