# Run through `odoo shell` by scripts/run.sh: wire the demo channels to the running simulator.
import os

url = os.environ["SIMULATOR_URL"]
channels = env["marketplace.channel"].with_context(active_test=False).search([("base_url", "like", "127.0.0.1")])
for channel in channels:
    channel._demo_point_to_simulator(url)
env["ir.cron"].search([("cron_name", "like", "Marketplaces:")]).write({"nextcall": env.cr.now()})
env.cr.commit()
print(f"{len(channels)} demo channel(s) wired to {url}")
