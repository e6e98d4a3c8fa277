"""Serve every simulated marketplace on one port, for the demo and the benchmark.

    python -m marketplace_simulator --port 8070 --orders 30 --trickle 20

``--trickle`` adds a new order every N seconds so that a running Odoo keeps importing.
"""
import argparse
import importlib
import logging
import time

from .server import SimulatorApp, SimulatorServer

MODULES = ("octopia", "cdiscount_soap", "vies", "shopify", "woocommerce", "prestashop", "wix")
_logger = logging.getLogger("marketplace_simulator")


def build_app(orders=0, seed=1):
    app = SimulatorApp()
    loaded = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ImportError:
            continue
        module.register(app)
        if orders and hasattr(module, "seed_demo"):
            module.seed_demo(app, orders, seed=seed)
        loaded.append(name)
    return app, loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--orders", type=int, default=30, help="orders generated per marketplace at start")
    parser.add_argument("--trickle", type=float, default=0, help="seconds between two new orders (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s simulator %(message)s")
    app, loaded = build_app(args.orders, args.seed)
    server = SimulatorServer(app, args.host, args.port).start()
    _logger.info("serving %s on %s", ", ".join(loaded), server.url)
    counter = 0
    try:
        while True:
            time.sleep(args.trickle or 3600)
            if args.trickle:
                counter += 1
                with app.lock:
                    for name in loaded:
                        module = importlib.import_module(f"{__package__}.{name}")
                        if hasattr(module, "seed_demo"):
                            module.seed_demo(app, 1, seed=args.seed * 100000 + counter)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
