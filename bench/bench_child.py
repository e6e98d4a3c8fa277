"""Benchmark measurement tasks, each run in a child process inside Odoo."""
import json
import re
import sys
import time
from datetime import UTC, datetime, timedelta

from bench_common import CONFIRM_STATUSES, peak_rss_mb
from bench_profile import PhaseProfiler


class Child:
    def __init__(self, args):
        import odoo
        from odoo.tools import config

        config.parse_config(["-c", args.config, "-d", args.database, "--no-http"])
        self.odoo = odoo
        from odoo.modules.registry import Registry

        self.registry = Registry(args.database)
        self.params = json.loads(args.params or "{}")
        self.sleep = lambda _seconds: None

    def env(self, cr, **context):
        return self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, dict(context, marketplace_sleep=self.sleep))

    def queries(self):
        import odoo.sql_db

        return odoo.sql_db.sql_counter

    # -- helpers ------------------------------------------------------------------------
    def make_channel(self, env, name, base_url, page_size=100, dispatch=False):
        from marketplace_simulator import octopia as sim

        Channel = env["marketplace.channel"].with_context(active_test=False)
        vals = {"name": name, "channel_type": "octopia", "base_url": base_url, "api_login": sim.DEFAULT_CLIENT_ID,
                "api_secret": sim.DEFAULT_CLIENT_SECRET, "api_account": sim.DEFAULT_SELLER_ID,
                "page_size": page_size, "import_interval": 24 * 60, "offer_interval": 24 * 60,
                "initial_import_days": 2, "auto_confirm": True}
        if "queue_job_dispatch" in Channel._fields:
            vals["queue_job_dispatch"] = dispatch
        channel = Channel.create(vals)
        env.cr.commit()
        return channel

    def channel_stats(self, env, channel, begin_queries, elapsed):
        env.invalidate_all()
        cr = env.cr
        cr.execute("""SELECT count(*), count(*) FILTER (WHERE state = 'sale'),
                             (SELECT count(*) FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
                               WHERE o.marketplace_channel_id = %s)
                        FROM sale_order WHERE marketplace_channel_id = %s""", (channel.id, channel.id))
        orders, confirmed, lines = cr.fetchone()
        cr.execute("SELECT count(*) FROM marketplace_import_failure WHERE channel_id = %s AND state = 'open'",
                   (channel.id,))
        failed = cr.fetchone()[0]
        queries = self.queries() - begin_queries
        return {"channel_id": channel.id, "orders": orders, "confirmed": confirmed, "sale_lines": lines,
                "failed": failed, "elapsed_s": round(elapsed, 2),
                "orders_per_s": round(orders / elapsed, 2) if elapsed else 0.0,
                "queries": queries, "queries_per_order": round(queries / max(orders, 1), 1),
                "peak_rss_mb": peak_rss_mb()}

    # -- tasks --------------------------------------------------------------------------
    def task_setup(self):
        from marketplace_simulator import octopia as sim

        with self.registry.cursor() as cr:
            env = self.env(cr)
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            Product = env["product.product"]
            for item in sim.CATALOG:
                if Product.search_count([("default_code", "=", item["sku"])]):
                    continue
                product = Product.create({"name": item["name"], "default_code": item["sku"], "barcode": item["ean"],
                                          "list_price": item["price"], "is_storable": True,
                                          "invoice_policy": "order"})
                env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1000000)
            if self.params.get("reservation"):
                # "manual": confirming an order creates its delivery without reserving stock, so
                # parallel imports do not update the same stock.quant rows
                env["stock.picking.type"].search([("code", "=", "outgoing")]).write(
                    {"reservation_method": self.params["reservation"]})
            # only the channels a measurement creates run
            env["marketplace.channel"].search([]).write({"active": False})
            queue_job = bool(env["ir.module.module"].search_count(
                [("name", "=", "marketplace_queue_job"), ("state", "=", "installed")]))
            cr.commit()
            return {"products": len(sim.CATALOG), "queue_job": queue_job}

    def task_stats(self):
        """Sale orders, confirmed ones and open failures of channels (after a worker run)."""
        with self.registry.cursor() as cr:
            ids = tuple(self.params["channel_ids"])
            cr.execute("""SELECT count(*), count(*) FILTER (WHERE state = 'sale') FROM sale_order
                           WHERE marketplace_channel_id IN %s""", (ids,))
            orders, confirmed = cr.fetchone()
            cr.execute("""SELECT count(*) FROM marketplace_import_failure
                           WHERE channel_id IN %s AND state = 'open'""", (ids,))
            return {"orders": orders, "confirmed": confirmed, "failed": cr.fetchone()[0]}

    def task_make_channel(self):
        p = self.params
        with self.registry.cursor() as cr:
            channel = self.make_channel(self.env(cr), p["name"], p["base_url"], p.get("page_size", 100))
            channel.active = False  # its worker activates nothing: it calls the run directly
            cr.commit()
            return {"channel_id": channel.id}

    def task_import(self):
        p = self.params
        mode = p["mode"]
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.make_channel(env, p["name"], p["base_url"], p.get("page_size", 100),
                                        dispatch=(mode == "enqueue"))
            profiler = None
            if mode == "profile":
                from marketplace_transport.octopia.rest import OctopiaRestTransport

                profiler = PhaseProfiler(env)
                profiler.install(OctopiaRestTransport)
            begin = self.queries()
            started = time.perf_counter()
            if mode in ("ours", "profile"):
                env["marketplace.channel"]._cron_import_orders()
            elif mode == "enqueue":
                channel._run_import()
            elif mode == "naive":
                self.naive_import(env, channel)
            cr.commit()
            elapsed = time.perf_counter() - started
            result = self.channel_stats(env, channel, begin, elapsed)
            result["mode"] = mode
            if mode == "enqueue":
                cr.execute("SELECT count(*) FROM queue_job WHERE identity_key LIKE %s",
                           (f"marketplace-page-{channel.id}-%",))
                result["jobs"] = cr.fetchone()[0]
            if profiler:
                result["phases"] = profiler.report(result["orders"])
                result["ms_per_order"] = round(1000 * elapsed / max(result["orders"], 1), 2)
            channel.active = False
            cr.commit()
            return result

    def naive_import(self, env, channel):
        """The plain per-order import: normalize, create partner, order with lines, confirm, commit."""
        transport = channel._get_transport()
        Partner, Sale = env["res.partner"], env["sale.order"]
        Product, Country = env["product.product"], env["res.country"]
        start = datetime.now(UTC) - timedelta(days=2)
        for page in transport.iter_order_pages(start):
            for payload in page:
                try:
                    order = transport.normalize_order(payload)
                    address = order.billing
                    partner = Partner.create({
                        "name": address.company_name or address.display_name, "street": address.street,
                        "zip": address.zip, "city": address.city, "email": address.email, "phone": address.phone,
                        "country_id": Country.search([("code", "=", address.country_code)], limit=1).id})
                    lines = [(0, 0, {"product_id": Product.search([("default_code", "=", line.sku)], limit=1).id,
                                     "product_uom_qty": line.quantity, "price_unit": line.unit_price})
                             for line in order.lines]
                    if order.shipping_amount:
                        lines.append((0, 0, {"product_id": channel.shipping_product_id.id, "product_uom_qty": 1,
                                             "price_unit": order.shipping_amount}))
                    sale = Sale.create({"partner_id": partner.id, "order_line": lines,
                                        "client_order_ref": order.reference, "marketplace_channel_id": channel.id,
                                        "marketplace_order_ref": order.external_id})
                    if order.marketplace_status in CONFIRM_STATUSES:
                        sale.action_confirm()
                    env.cr.commit()
                except Exception as exc:  # the baseline just skips what fails
                    env.cr.rollback()
                    print(f"naive: order failed: {exc}", file=sys.stderr)

    def task_offers_setup(self):
        from marketplace_simulator.octopia import CATALOG, ean13

        p = self.params
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.make_channel(env, p["name"], p["base_url"])
            products = env["product.product"].search([("default_code", "in", [c["sku"] for c in CATALOG])])
            started = time.perf_counter()
            Offer = env["marketplace.offer"]
            batch = []
            for index in range(p["count"]):
                product = products[index % len(products)]
                batch.append({"channel_id": channel.id, "product_id": product.id,
                              "seller_sku": f"BENCH-{index:07d}", "ean": ean13(f"377{index:09d}"),
                              "price": 5.0 + index % 100})
                if len(batch) == 1000:
                    Offer.create(batch)
                    batch = []
                    env.invalidate_all()
            if batch:
                Offer.create(batch)
            cr.commit()
            channel.active = False
            cr.commit()
            return {"channel_id": channel.id, "elapsed_s": round(time.perf_counter() - started, 2)}

    def task_offers_push(self):
        import psutil

        p = self.params
        with self.registry.cursor() as cr:
            env = self.env(cr, marketplace_no_queue_job=True)
            channel = env["marketplace.channel"].with_context(active_test=False).browse(p["channel_id"])
            rss_before = round(psutil.Process().memory_info().rss / 1048576.0, 1)
            begin = self.queries()
            started = time.perf_counter()
            channel._push_offers()
            cr.commit()
            elapsed = time.perf_counter() - started
            cr.execute("SELECT state, count(*) FROM marketplace_offer WHERE channel_id = %s GROUP BY state",
                       (channel.id,))
            states = dict(cr.fetchall())
            offers = sum(states.values())
            return {"offers": offers, "done": states.get("done", 0), "errors": states.get("error", 0),
                    "elapsed_s": round(elapsed, 2), "offers_per_s": round(offers / elapsed, 1) if elapsed else 0.0,
                    "queries": self.queries() - begin, "rss_before_push_mb": rss_before,
                    "peak_rss_mb": peak_rss_mb()}

    def task_jobworker(self):
        """Run the page jobs of one channel the way queue_job's /queue_job/runjob does: load, set
        started, commit, perform, set done, commit; a RetryableJobError rolls back and postpones."""
        from odoo.addons.queue_job.exception import RetryableJobError
        from odoo.addons.queue_job.job import Job

        p = self.params
        prefix = f"marketplace-page-{p['channel_id']}-%"
        jobs = orders = failed = retries = 0
        begin = time.time()
        with self.registry.cursor() as cr:
            env = self.env(cr)
            while True:
                cr.execute("""SELECT uuid FROM queue_job WHERE state = 'pending' AND identity_key LIKE %s
                                 AND (eta IS NULL OR eta <= (now() AT TIME ZONE 'UTC'))
                              ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""", (prefix,))
                row = cr.fetchone()
                if not row:
                    cr.execute("""SELECT count(*) FROM queue_job WHERE identity_key LIKE %s
                                     AND state IN ('pending', 'enqueued', 'started')""", (prefix,))
                    waiting = cr.fetchone()[0]
                    cr.rollback()
                    if not waiting:
                        break
                    time.sleep(0.5)  # postponed jobs, or jobs another worker runs
                    continue
                uuid = row[0]
                job = Job.load(env, uuid)
                job.set_started()
                job.store()
                cr.commit()
                try:
                    job.perform()
                    numbers = [int(n) for n in re.findall(r"\d+", str(job.result or ""))]
                    if len(numbers) == 3:  # "Imported i, unchanged s, failed f"
                        orders += numbers[0]
                        failed += numbers[2]
                    env.flush_all()
                    job.set_done()
                    job.store()
                    cr.commit()
                    jobs += 1
                except RetryableJobError as exc:
                    cr.rollback()
                    env.invalidate_all()
                    retries += 1
                    job = Job.load(env, uuid)
                    job.postpone(result=str(exc), seconds=exc.seconds)
                    job.set_pending(reset_retry=False)
                    job.store()
                    cr.commit()
                except Exception as exc:
                    cr.rollback()
                    env.invalidate_all()
                    print(f"job {uuid} failed: {exc}", file=sys.stderr)
                    job = Job.load(env, uuid)
                    job.set_failed(exc_info=str(exc))
                    job.store()
                    cr.commit()
                env.invalidate_all()
            end = time.time()
            return {"jobs": jobs, "retries": retries, "orders": orders, "failed": failed, "begin": begin,
                    "end": end, "peak_rss_mb": peak_rss_mb()}

    def task_cronworker(self):
        p = self.params
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = env["marketplace.channel"].with_context(active_test=False).browse(p["channel_id"])
            begin_q = self.queries()
            begin = time.time()
            runs = 0
            while True:  # as the cron's next runs: a page interrupted by the other process is redone
                channel.with_company(channel.company_id)._run_import()
                cr.commit()
                runs += 1
                done = env["sale.order"].search_count([("marketplace_channel_id", "=", channel.id)])
                if done >= p.get("expected", 0) or runs >= 10:
                    break
            end = time.time()
            result = self.channel_stats(env, channel, begin_q, end - begin)
            result.update(begin=begin, end=end, runs=runs)
            return result
