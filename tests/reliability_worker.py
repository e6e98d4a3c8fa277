"""A worker process running one channel's order import through Odoo's registry (reliability tests).

    python tests/reliability_worker.py --config .local/odoo.conf --db mkt_test_x --channel 7

Prints ``READY`` once the registry is loaded, then one JSON line with the run's result
(``false`` when another worker holds the channel's lock). It commits per page like the cron:
``_commit_progress`` only skips commits in test threads, and this is not one.
"""
import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--channel", type=int, required=True)
    parser.add_argument("--cron", action="store_true", help="run the cron method instead of _run_import")
    args = parser.parse_args()

    import odoo
    from odoo import api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    print("READY", flush=True)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"marketplace_sleep": lambda _seconds: None})
        channel = env["marketplace.channel"].browse(args.channel)
        if args.cron:
            channel.last_import_at = False
            result = env["marketplace.channel"]._cron_import_orders()
        else:
            result = channel._run_import()
        cr.commit()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
