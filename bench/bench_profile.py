"""Per-phase SQL count and time of an import (child side, inside Odoo)."""
import time


class PhaseProfiler:
    """Exclusive SQL count and time per phase, by wrapping pipeline methods of the registry classes.

    Wrapping only observes (the original method runs unchanged), flushing at each phase end so
    the queries of delayed writes are counted in the phase that made them.
    """

    # (model, method, phase): methods missing from the current code are skipped
    METHODS = [
        ("marketplace.channel", "_prefetch_page", "page prefetch"),
        ("marketplace.order.importer", "_find_existing_order", "lookup existing order"),
        ("marketplace.channel", "_find_or_create_page_buyers", "partner"),
        ("marketplace.order.importer", "_find_partner", "partner"),
        ("marketplace.order.importer", "_create_partner", "partner"),
        ("marketplace.order.importer", "_bind_partner", "partner"),
        ("marketplace.order.importer", "_find_or_create_addresses", "addresses"),
        ("marketplace.order.importer", "_find_or_create_address", "addresses"),
        ("marketplace.order.importer", "_prepare_order_vals", "order create"),
        ("marketplace.order.importer", "_order_fiscal_position", "order create"),
        ("sale.order", "create", "order create"),
        ("marketplace.order.importer", "_find_product", "lines"),
        ("marketplace.order.importer", "_prepare_line_vals", "lines"),
        ("marketplace.order.importer", "_prepare_shipping_line_vals", "lines"),
        ("sale.order.line", "create", "lines"),
        ("marketplace.order.importer", "_after_create", "total check"),
        ("marketplace.order.importer", "_apply_marketplace_status", "confirm"),
        ("marketplace.order.importer", "_confirm_orders", "confirm"),
        ("marketplace.order.importer", "_after_import", "other"),
        ("marketplace.import.failure", "_resolve", "failure bookkeeping"),
        ("marketplace.import.failure", "_record", "failure bookkeeping"),
        ("marketplace.sync.log", "create", "sync log"),
    ]

    def __init__(self, env):
        import odoo.sql_db

        self.sql_db = odoo.sql_db
        self.env = env
        self.stack = []
        self.totals = {}
        self.mark = self._now()

    def _now(self):
        return self.sql_db.sql_counter, time.perf_counter()

    def _charge(self, phase):
        queries, clock = self._now()
        total = self.totals.setdefault(phase, [0, 0.0])
        total[0] += queries - self.mark[0]
        total[1] += clock - self.mark[1]
        self.mark = (queries, clock)

    def enter(self, phase):
        self._charge(self.stack[-1] if self.stack else "other")
        self.stack.append(phase)

    def leave(self, env):
        if env is not None:
            env.flush_all()
        self._charge(self.stack.pop())

    def wrap(self, cls, name, phase, flush=True):
        original = getattr(cls, name)
        profiler = self

        def wrapper(self, *args, **kwargs):
            current = phase
            if cls._name == "sale.order" and name == "write":
                current = "lines" if args and "order_line" in args[0] else None
            if current is None:
                return original(self, *args, **kwargs)
            profiler.enter(current)
            try:
                return original(self, *args, **kwargs)
            finally:
                profiler.leave(getattr(self, "env", None) if flush else None)

        wrapper.__name__ = name
        setattr(cls, name, wrapper)

    def install(self, transport_class):
        registry = self.env.registry
        for model, name, phase in self.METHODS:
            if model in registry and hasattr(registry[model], name):
                self.wrap(registry[model], name, phase)
        self.wrap(registry["sale.order"], "write", None)
        # HTTP (listing, token) and payload validation happen in the transport
        transport_class._request = self._plain_wrap(transport_class._request, "http (listing, token)")
        transport_class.normalize_order = self._plain_wrap(transport_class.normalize_order, "normalize payload")

    def _plain_wrap(self, original, phase):
        profiler = self

        def wrapper(*args, **kwargs):
            profiler.enter(phase)
            try:
                return original(*args, **kwargs)
            finally:
                profiler.leave(None)

        return wrapper

    def report(self, orders):
        self._charge(self.stack[-1] if self.stack else "other")
        all_queries = sum(q for q, _t in self.totals.values())
        all_time = sum(t for _q, t in self.totals.values())
        phases = []
        for phase, (queries, seconds) in sorted(self.totals.items(), key=lambda kv: -kv[1][0]):
            phases.append({"phase": phase, "queries": queries,
                           "queries_per_order": round(queries / max(orders, 1), 1),
                           "ms_per_order": round(1000 * seconds / max(orders, 1), 2),
                           "share_queries_pct": round(100.0 * queries / max(all_queries, 1), 1),
                           "share_time_pct": round(100.0 * seconds / max(all_time, 1e-9), 1)})
        return phases
