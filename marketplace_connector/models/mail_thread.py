from collections import defaultdict

from odoo import models

from ..batch import ORDER_BATCH_KEY, active_batch


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _marketplace_deferred_mail(self):
        """The batch of orders being created or confirmed (see ``batch.active_batch``), if any."""
        return active_batch(self.env)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        deferred = self._marketplace_deferred_mail()
        if (deferred is None or subtype_ids or not self or not partner_ids
                or set(partner_ids) == {self.env.user.partner_id.id}):  # following oneself: Odoo's rules
            return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)
        self.check_access("write")
        deferred.subscriptions[self._name].update(
            (res_id, partner_id) for res_id in self.ids for partner_id in partner_ids)
        return True

    def message_post_with_source(self, source_ref, render_values=None, message_type="notification",
                                 subtype_xmlid=False, subtype_id=False, **kwargs):
        deferred = self._marketplace_deferred_mail()
        if deferred is None:  # outside a batch of orders: Odoo's, with no extra lookup
            return super().message_post_with_source(
                source_ref, render_values=render_values, message_type=message_type,
                subtype_xmlid=subtype_xmlid, subtype_id=subtype_id, **kwargs)
        template, view = self._get_source_from_ref(source_ref)
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        if subtype_xmlid:
            subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid)
        if template or not view or kwargs or message_type != "notification" or (subtype_id or note) != note:
            return super().message_post_with_source(
                source_ref, render_values=render_values, message_type=message_type,
                subtype_xmlid=subtype_xmlid, subtype_id=subtype_id, **kwargs)
        bodies = self.env["mail.render.mixin"]._render_template_qweb_view(
            view, self._name, self.ids, add_context=render_values)
        return self._message_log_batch(bodies)

    def _message_log_batch(self, bodies, subject=False, author_id=None, email_from=None,
                           message_type="notification", partner_ids=False, attachment_ids=False,
                           tracking_value_ids=False):
        deferred = self._marketplace_deferred_mail()
        if (deferred is None or subject or email_from or message_type != "notification" or partner_ids
                or attachment_ids or tracking_value_ids):
            return super()._message_log_batch(
                bodies, subject=subject, author_id=author_id, email_from=email_from, message_type=message_type,
                partner_ids=partner_ids, attachment_ids=attachment_ids, tracking_value_ids=tracking_value_ids)
        author_id = author_id or self.env.user.partner_id.id
        for res_id, body in bodies.items():
            deferred.notes[self._name].setdefault(res_id, []).append((author_id, body))
        return self.env["mail.message"]

    def _marketplace_insert_followers(self, pairs):
        """Subscribe each (record id, partner id) pair with the default subtypes, as
        ``message_subscribe`` does: active partners only, existing followers kept (records
        deleted meanwhile get none)."""
        Followers = self.env["mail.followers"].sudo()
        res_ids = set(self.browse({res_id for res_id, _partner in pairs}).exists().ids)
        partner_ids = self.env["res.partner"].sudo().search(
            [("id", "in", list({partner for _res, partner in pairs}))]).ids
        existing = {(res_id, partner_id) for _fid, res_id, partner_id, _subtypes
                    in Followers._get_subscription_data([(self._name, list(res_ids))], partner_ids)}
        # the default values of each partner (its subtypes), computed once for all records
        per_partner = {values["partner_id"]: values for values in
                       Followers._add_default_followers(
                           self._name, [], partner_ids, check_existing=False)[0].get(0, [])}
        Followers.create([
            dict(per_partner[partner_id], res_id=res_id)
            for res_id, partner_id in sorted(pairs)
            if res_id in res_ids and partner_id in per_partner and (res_id, partner_id) not in existing
        ])

    def _marketplace_log_notes(self, notes):
        """Log the deferred notes in their order, one batch per round and author (records
        deleted meanwhile, such as orders removed after a failure, get none)."""
        existing = set(self.browse(list(notes)).exists().ids)
        notes = {res_id: entries for res_id, entries in notes.items() if res_id in existing}
        while notes:
            by_author = defaultdict(dict)
            for res_id, entries in notes.items():
                author_id, body = entries[0]
                by_author[author_id][res_id] = body
            for author_id, bodies in by_author.items():
                self.browse(list(bodies)).with_context(**{ORDER_BATCH_KEY: None})._message_log_batch(
                    bodies=bodies, author_id=author_id)
            notes = {res_id: entries[1:] for res_id, entries in notes.items() if len(entries) > 1}
