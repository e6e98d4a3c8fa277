#!/usr/bin/env python3
"""Stock sync benchmark of the four shop connectors (not a test). Run it with ``make bench-stock``.

The driver serves the Shopify, WooCommerce, PrestaShop and Wix simulators on 127.0.0.1 (real HTTP), each
holding ``--variants`` variants, and starts one child process per measurement; each child builds the Odoo
registry of the benchmark database, does one thing and prints one ``BENCH_RESULT {json}`` line (peak RSS
is therefore per measurement). Per shop:

* ``catalogue``: the shop's variants read and bound to offers (SKU match);
* ``first sync``: every offer sent (the shop holds 7 of each, Odoo 100);
* ``reconcile``: 1 % of the shop's quantities edited by hand, then the full reconciliation (read every
  quantity, correct the drift): its time and requests;
* ``incremental``: the free quantity of 1,000 products changed in Odoo, then the channel's stock run (what
  the 1-minute cron calls): requests per 1,000 changed items and the run's time (change -> last request =
  the cron's wake-up, at most 60 s, plus that time);
* ``memory``: peak RSS of a catalogue + full reconciliation at N/4 and N variants (a Shopify simulator each).

Simulator limits: Shopify's cost bucket (2,000 points, 100/s) and the WooCommerce/PrestaShop/Wix batch sizes
are the documented ones; Wix's 200 requests/minute is lifted (its time at the real rate is requests / 190
per minute, printed beside). Usage: ``python bench/stock_bench.py -c ODOO_CONF -d DB [--variants N]``.
"""
import argparse
import json
import subprocess
import sys
import time

from bench_common import RESULT_TAG, ROOT

SKU = "BENCH-{:06d}"
SHOP_START = 7
ODOO_QTY = 100


def peak_rss_mb():
    """Peak RSS of this program (``VmHWM``: reset by ``exec``, unlike ``ru_maxrss``, which a child started
    by the driver inherits from it)."""
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024.0, 1)
    return 0.0


# -- driver ---------------------------------------------------------------------------------
def serve(shop, count):
    from marketplace_simulator import SimulatorApp, SimulatorServer

    shop.app = SimulatorApp()
    state = shop.module.register(shop.app, **shop.options)
    if shop.name == "wix":
        state["rate_limit"] = 10 ** 9
    for number in range(1, count + 1):
        shop.add_variant(shop.app, number, SKU.format(number), SHOP_START)
    shop.server = SimulatorServer(shop.app).start()
    return shop


def edit_shop(shop, count):
    """The merchant edits 1 % of the shop's quantities by hand."""
    inventory = shop.inventory()
    for number in range(1, count + 1, 100):
        inventory.edit(SKU.format(number), 3)


def child(args, task, **params):
    cmd = [sys.executable, __file__, "-c", args.config, "-d", args.database, "--child", task,
           "--params", json.dumps(params)]
    output = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in output.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
    raise RuntimeError(f"{task} failed:\n{output.stderr[-3000:]}")


def driver(args):
    from stock_shops import shops

    n = args.variants
    if args.memory_only:
        return memory_only(args, n)
    served = [serve(shop, n) for shop in shops()]
    small = serve(shops()[0], n // 4)
    print(f"simulators ready: 4 x {n} variants, + {n // 4}", file=sys.stderr)
    results = {"variants": n, "setup": child(args, "setup", count=n), "shops": {}}
    for shop in served:
        first = child(args, "first", name=shop.name, url=shop.server.url)
        edit_shop(shop, n)
        results["shops"][shop.name] = dict(first, **child(args, "then", channel_id=first["channel_id"]))
        print(json.dumps({shop.name: results["shops"][shop.name]}), file=sys.stderr)
    results["memory"] = {str(n // 4): child(args, "memory", url=small.server.url, label="small"),
                         str(n): child(args, "memory", url=served[0].server.url, label="full")}
    report(results)


def memory_only(args, n):
    """Only the N/4 vs N peak memory measurement (on Shopify simulators)."""
    from stock_shops import shops

    small, full = serve(shops()[0], n // 4), serve(shops()[0], n)
    child(args, "setup", count=n)
    memory = {str(n // 4): child(args, "memory", url=small.server.url),
              str(n): child(args, "memory", url=full.server.url)}
    print(RESULT_TAG + json.dumps({"memory": memory}))
    return memory


def report(results):
    print(f"\nStock sync, {results['variants']} mapped variants per shop")
    print(f"{'shop':<12}{'catalogue s':>12}{'first sync s':>13}{'reconcile s':>12}{'req/reconcile':>14}"
          f"{'req/1000 changed':>17}{'incremental s':>14}")
    for name, r in results["shops"].items():
        print(f"{name:<12}{r['catalogue_s']:>12}{r['first_sync_s']:>13}{r['reconcile_s']:>12}"
              f"{r['reconcile_requests']:>14}{r['incremental_requests']:>17}{r['incremental_s']:>14}")
    for size, r in results["memory"].items():
        print(f"peak RSS, catalogue + reconciliation of {size} variants: {r['peak_rss_mb']} MB ({r['elapsed_s']} s)")
    print(RESULT_TAG + json.dumps(results))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "stock_latest.json").write_text(json.dumps(results, indent=2))


# -- children -------------------------------------------------------------------------------
class StockChild:
    def __init__(self, args):
        import odoo
        from odoo.modules.registry import Registry
        from odoo.tools import config

        config.parse_config(["-c", args.config, "-d", args.database, "--no-http"])
        self.odoo, self.registry = odoo, Registry(args.database)
        self.params = json.loads(args.params or "{}")

    def env(self, cr):
        return self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, {"tracking_disable": True})

    def task_setup(self):
        """``count`` storable products with 100 units each (quants written in SQL: set-up speed only)."""
        started = time.monotonic()
        with self.registry.cursor() as cr:
            env = self.env(cr)
            Product = env["product.product"]
            existing = Product.search_count([("default_code", "=like", "BENCH-%")])
            for start in range(existing + 1, self.params["count"] + 1, 1000):
                stop = min(start + 1000, self.params["count"] + 1)
                Product.create([{"name": f"Bench {i}", "default_code": SKU.format(i), "is_storable": True}
                                for i in range(start, stop)])
                cr.commit()
            location = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
            cr.execute("""INSERT INTO stock_quant (product_id, location_id, company_id, quantity, reserved_quantity,
                                                   in_date, create_date, write_date, create_uid, write_uid)
                          SELECT p.id, %s, %s, %s, 0, now(), now(), now(), 1, 1 FROM product_product p
                           WHERE p.default_code LIKE 'BENCH-%%' AND NOT EXISTS (
                                 SELECT 1 FROM stock_quant q WHERE q.product_id = p.id AND q.location_id = %s)""",
                       (location.id, env.company.id, ODOO_QTY, location.id))
        return {"products": self.params["count"], "elapsed_s": round(time.monotonic() - started, 1)}

    def channel(self, env, url, name):
        from stock_shops import shops

        shop = next(s for s in shops() if s.name == name)
        channel = env["marketplace.channel"].create(dict(shop.channel_vals(url), name=f"bench {name} {url}"))
        return self.unpaced(channel)

    @staticmethod
    def unpaced(channel):
        """Wix's client-side pacing counts but does not wait (its requests at 190/min are reported)."""
        if channel.channel_type != "wix":
            return channel
        return channel.with_context(marketplace_sleep=lambda _seconds: None)

    def requests(self, env, channel):
        env.cr.execute("SELECT count(*) FROM marketplace_sync_log WHERE channel_id = %s AND url IS NOT NULL",
                       (channel.id,))
        return env.cr.fetchone()[0]

    def timed(self, env, channel, call):
        before, started = self.requests(env, channel), time.monotonic()
        call()
        env.cr.commit()
        return round(time.monotonic() - started, 1), self.requests(env, channel) - before

    def task_first(self):
        """A new channel: its catalogue read, then every offer sent."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.channel(env, self.params["url"], self.params["name"])
            cr.commit()
            result = {"channel_id": channel.id}
            result["catalogue_s"], _requests = self.timed(env, channel, channel._refresh_catalog)
            result["first_sync_s"], result["first_sync_requests"] = self.timed(env, channel, channel._sync_stock)
            return result

    def task_then(self):
        """The full reconciliation after the hand edits, then 1,000 products changed and the stock run."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.unpaced(env["marketplace.channel"].browse(self.params["channel_id"]))
            result = {}
            result["reconcile_s"], result["reconcile_requests"] = self.timed(
                env, channel, lambda: channel._sync_stock(full=True))
            result["reconcile_summary"] = channel.last_stock_summary
            self.change_stock(env, 1000)
            result["incremental_s"], result["incremental_requests"] = self.timed(env, channel, channel._sync_stock)
            result["incremental_summary"] = channel.last_stock_summary
            result["peak_rss_mb"] = peak_rss_mb()
            return result

    def change_stock(self, env, count):
        location = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
        products = env["product.product"].search([("default_code", "=like", "BENCH-%")], limit=count, order="id")
        for product in products:
            env["stock.quant"]._update_available_quantity(product, location, -1)
        env.cr.commit()

    def task_memory(self):
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.channel(env, self.params["url"], "shopify")
            cr.commit()
            started = time.monotonic()
            channel._refresh_catalog()
            channel._sync_stock(full=True)
            cr.commit()
            return {"elapsed_s": round(time.monotonic() - started, 1), "peak_rss_mb": peak_rss_mb()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--variants", type=int, default=50000)
    parser.add_argument("--memory-only", action="store_true", help="only the N/4 vs N peak memory")
    parser.add_argument("--child")
    parser.add_argument("--params")
    args = parser.parse_args()
    if args.child:
        result = getattr(StockChild(args), f"task_{args.child}")()
        print(RESULT_TAG + json.dumps(result), flush=True)
    else:
        driver(args)


if __name__ == "__main__":
    main()
