"""The batch object that Odoo's overrides find in the context while an import confirms or
creates orders together (no model here).

Odoo reuses an environment whose context compares equal, so it compares by identity.
"""
from collections import defaultdict

ORDER_BATCH_KEY = "marketplace_order_batch"
# System parameter: "0" (or "false", "off", "no") turns the batch overrides of Odoo off
BATCH_CONFIRMATION_PARAM = "marketplace_connector.batch_confirmation"
OFF_VALUES = {"0", "false", "off", "no", ""}


class OrderBatch:
    """What creating or confirming a batch of marketplace orders defers or memoizes, under the
    context key ``marketplace_order_batch``.

    Deferred, then written together by :meth:`flush` (a few queries for the batch instead of
    several per order): follower subscriptions with default subtypes and chatter notes without
    notification, i.e. nothing anybody is notified of. Memoized: lookups whose answer the batch
    cannot change (stock rules, reordering rules, quants).

    The overrides of Odoo that do this act only through :func:`active_batch`: inside a batch,
    when the system parameter ``marketplace_connector.batch_confirmation`` is not off.
    """

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __init__(self):
        self.subscriptions = defaultdict(set)  # model -> {(res_id, partner_id)}
        self.notes = defaultdict(dict)  # model -> {res_id: [(author partner id, body), ...]}
        self.memo = {}  # lookups of the batch: key -> result
        self.fresh_group_ids = set()  # procurement groups created for the batch that have no picking yet
        self.enabled = None  # the system parameter, read when the batch is first used

    def is_enabled(self, env):
        """Whether the batch overrides act (the system parameter, read once for the batch)."""
        if self.enabled is None:
            self.enabled = batch_confirmation_enabled(env)
        return self.enabled

    def merge(self, other):
        """Take over what ``other`` (the batch of one order, whose savepoint succeeded) deferred."""
        for model, pairs in other.subscriptions.items():
            self.subscriptions[model] |= pairs
        for model, notes in other.notes.items():
            for res_id, entries in notes.items():
                self.notes[model].setdefault(res_id, []).extend(entries)

    def flush(self, env):
        """Write what was deferred; call it in the transaction (savepoint) that deferred it."""
        subscriptions, notes = dict(self.subscriptions), dict(self.notes)
        self.subscriptions.clear()
        self.notes.clear()
        for model, pairs in subscriptions.items():
            env[model]._marketplace_insert_followers(pairs)
        for model, bodies in notes.items():
            env[model]._marketplace_log_notes(bodies)


def batch_confirmation_enabled(env):
    """Whether the system parameter ``marketplace_connector.batch_confirmation`` is on (default)."""
    value = env["ir.config_parameter"].sudo().get_param(BATCH_CONFIRMATION_PARAM, "1")
    return str(value).strip().lower() not in OFF_VALUES


def active_batch(env):
    """The :class:`OrderBatch` of the context if its overrides act, else None (Odoo's code only).

    :return: the batch, or None outside a batch or when the system parameter is off"""
    batch = env.context.get(ORDER_BATCH_KEY)
    return batch if batch is not None and batch.is_enabled(env) else None
