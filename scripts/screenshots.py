#!/usr/bin/env python3
"""Take the README screenshots from a running `make run` instance with headless Chromium.

    .venv/bin/python scripts/screenshots.py [--url http://localhost:8069] [--db marketplace_demo]

Logs in through /web/session/authenticate (requests), hands the session cookie to a headless
Chromium driven over the DevTools protocol (websocket-client), waits for each view to render and
saves docs/screenshots/{dashboard,channel,order,invoice}.png. A page whose record does not exist
yet (no imported order, marketplace_vat not installed...) is skipped with a message.
"""
import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Odoo:
    """Minimal JSON-RPC client sharing its session cookie with the browser."""

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        result = self.rpc("/web/session/authenticate", {"db": db, "login": login, "password": password})
        if not result or not result.get("uid"):
            raise SystemExit(f"Login failed for {login} on database {db}")
        self.session_id = self.session.cookies.get("session_id")

    def rpc(self, path, params):
        response = self.session.post(self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params},
                                     timeout=60)
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise RuntimeError(body["error"].get("data", {}).get("message") or body["error"])
        return body.get("result")

    def search(self, model, domain, order="id desc"):
        try:
            ids = self.rpc("/web/dataset/call_kw", {"model": model, "method": "search", "args": [domain],
                                                    "kwargs": {"limit": 1, "order": order}})
        except RuntimeError as exc:  # model or field missing: that module is not installed
            print(f"  {model}: {exc}", file=sys.stderr)
            return None
        return ids[0] if ids else None


class Browser:
    """Headless Chromium with one tab, driven through the DevTools protocol."""

    def __init__(self, width=1440, height=900):
        executable = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
        if not executable:
            raise SystemExit(
                "No Chromium found: install chromium (scripts/ensure-package.sh chromium screenshots chromium).")
        self.profile = tempfile.mkdtemp(prefix="mkt_screenshots_")
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--hide-scrollbars", "--no-first-run", f"--window-size={width},{height}",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ws = None
        try:
            self._connect()
            self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                      mobile=False)
        except Exception:
            self.close()  # never leave a headless browser behind
            raise

    def _connect(self):
        port_file = Path(self.profile, "DevToolsActivePort")
        for _attempt in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        tabs = requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
        page = next(tab for tab in tabs if tab["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def set_cookie(self, url, name, value):
        self.call("Network.enable")
        self.call("Network.setCookie", name=name, value=value, url=url, path="/")

    def shoot(self, url, selector, path, click=None, timeout=45):
        """Open ``url``, wait for ``selector`` and an idle web client, click ``click`` if given, save ``path``."""
        self.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        ready = (f"!!document.querySelector({json.dumps(selector)}) && "
                 "!document.querySelector('.o_loading_indicator, .o_blockUI')")
        while not self.evaluate(ready):
            if time.time() > deadline:
                print(f"  timeout waiting for {selector} on {url}", file=sys.stderr)
                return False
            time.sleep(0.3)
        if click:
            self.evaluate(f"document.querySelector({json.dumps(click)})?.click()")
        time.sleep(1.0)  # let fonts, badges and the chatter settle
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"  {path.relative_to(ROOT)}")
        return True

    def close(self):
        try:
            if self.ws:
                self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


def pages(odoo):
    """(file name, URL path, selector to wait for) of each screenshot whose record exists."""
    yield "dashboard", "/odoo/action-marketplace_connector.action_marketplace_dashboard", \
        ".o_marketplace_dashboard .o_kanban_record:not(.o_kanban_ghost)"
    channel = odoo.search("marketplace.channel", [("connection_state", "=", "ok"), ("channel_type", "=", "octopia")]) \
        or odoo.search("marketplace.channel", [("connection_state", "=", "ok")]) \
        or odoo.search("marketplace.channel", [])
    if channel:
        yield "channel", f"/odoo/action-marketplace_connector.action_marketplace_channels/{channel}", \
            ".o_form_view .o_field_widget[name=name]"
    order = odoo.search("sale.order", [("marketplace_channel_id.channel_type", "=", "octopia"),
                                       ("state", "=", "sale")]) \
        or odoo.search("sale.order", [("marketplace_channel_id", "!=", False), ("state", "=", "sale")])
    if order:
        yield "order", f"/odoo/action-marketplace_connector.action_marketplace_orders/{order}", \
            ".o_form_view .o_notebook .nav-link[name=marketplace]"
    invoice = odoo.search("account.move", [("marketplace_vat_regime", "=", "intra_eu_b2b")]) \
        or odoo.search("account.move", [("marketplace_channel_id", "!=", False), ("move_type", "=", "out_invoice")]) \
        or odoo.search("account.move", [("move_type", "=", "out_invoice"), ("invoice_origin", "!=", False),
                                        ("state", "=", "posted")])
    if invoice:
        yield "invoice", f"/odoo/action-account.action_move_out_invoice_type/{invoice}", \
            ".o_form_view .o_field_widget[name=partner_id]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="marketplace_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        odoo = Odoo(args.url, args.db, args.login, args.password)
    except requests.RequestException as exc:
        raise SystemExit(f"Odoo is not reachable at {args.url} ({exc}): start it with `make run` first.") from exc
    browser = Browser()
    taken = 0
    try:
        host = urlsplit(args.url)
        browser.set_cookie(f"{host.scheme}://{host.netloc}/", "session_id", odoo.session_id)
        for name, path, selector in pages(odoo):
            click = selector if name == "order" else None  # the order's Marketplace tab
            taken += browser.shoot(odoo.url + path, selector, out / f"{name}.png", click=click)
    finally:
        browser.close()
    print(f"{taken} screenshot(s) in {out}")
    return 0 if taken else 1


if __name__ == "__main__":
    sys.exit(main())
