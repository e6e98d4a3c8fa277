"""Bad input through the whole pipeline: simulator -> HTTP -> transport -> channel import.

Every bad order ends in the failed-imports list with its reason (or is imported with a clear
degradation: e-mail dropped, text cut or escaped); the run never crashes and the other orders of
the same page are imported. Names with HTML/script are rendered escaped in the sale order report.
"""
import copy
import json

from marketplace_simulator import octopia as sim
from reliability_common import OctopiaSimulatorCase, record_figures

from odoo.tests import tagged

SCRIPT = "<script>alert('pwned')</script>"


def _billing(p):
    return p["billingAddress"]


def _all_addresses(p):
    return [p["billingAddress"]] + [line["shippingAddress"] for line in p["lines"] if line.get("shippingAddress")]


def _set_names(p, first="", last="", company=""):
    for address in _all_addresses(p):
        address.update(firstName=first, lastName=last, companyName=company)


# (case, mutation, expected: ("failed", reason part) or ("imported", None))
CASES = [
    ("no lines", lambda p: p.update(lines=[]), ("failed", "no order lines")),
    ("no address at all", lambda p: [p.pop("billingAddress")] + [line.pop("shippingAddress") for line in p["lines"]],
     ("failed", "neither a billing address nor a shipping address")),
    ("empty customer name", lambda p: _set_names(p), ("failed", "no name")),
    ("empty status", lambda p: p.update(status=""), ("failed", "unknown Octopia status")),
    ("missing updatedAt", lambda p: p.pop("updatedAt"), ("failed", "missing date")),
    ("unknown SKU", lambda p: p["lines"][0]["offer"].update(sellerProductId="NOPE-404", productGtin=""),
     ("failed", "Unknown product")),
    ("unknown country", lambda p: [a.update(countryCode="XX") for a in _all_addresses(p)],
     ("failed", "Unknown country code XX")),
    ("malformed country", lambda p: [a.update(countryCode="France") for a in _all_addresses(p)],
     ("failed", "invalid country code")),
    ("zero quantity", lambda p: p["lines"][0].update(quantity=0), ("failed", "must be a whole number")),
    ("negative quantity", lambda p: p["lines"][0].update(quantity=-2), ("failed", "must be a whole number")),
    ("absurd price", lambda p: p["lines"][0]["sellingPrice"].update(unitSalesPrice=1e12), ("failed", "out of range")),
    ("negative price", lambda p: p["lines"][0]["sellingPrice"].update(unitSalesPrice=-5), ("failed", "out of range")),
    ("price not a number", lambda p: p["lines"][0]["sellingPrice"].update(unitSalesPrice="12,50 EUR"),
     ("failed", "not a number")),
    ("duplicated line ids", lambda p: p["lines"].append(copy.deepcopy(p["lines"][0])), ("failed", "appears twice")),
    ("lone surrogate and unknown SKU",
     lambda p: (_billing(p).update(lastName="Dupont\udcff"),
                p["lines"][0]["offer"].update(sellerProductId="NOPE-\ud800", productGtin="")),
     ("failed", "Unknown product")),
    ("invalid e-mail", lambda p: [a.update(email="jean.at.example") for a in _all_addresses(p)], ("imported", None)),
    ("10,000-character names", lambda p: _set_names(p, "J" * 10000, "D" * 10000, ""), ("imported", None)),
    ("HTML/script in names and addresses",
     lambda p: ([a.update(firstName=SCRIPT, lastName='<img src=x onerror="alert(1)">', addressLine1=SCRIPT + " 1 rue",
                          city="<b>Paris</b>") for a in _all_addresses(p)],
                p["lines"][0]["offer"].update(productTitle=SCRIPT + " mug")),
     ("imported", None)),
    ("lone surrogate in a name", lambda p: _billing(p).update(lastName="Dupont\udcff"), ("imported", None)),
]
SURROGATE_ID = "SCID-SURROGATE-\udcff"


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestBadInput(OctopiaSimulatorCase):
    page_size = 10  # the bad orders share pages with good ones

    def test_bad_orders_fail_alone_with_their_reason(self):
        orders = sim.generate_orders(len(CASES) + 6, seed=5, statuses=["InPreparation"], step_seconds=30)
        good, bad = orders[:6], orders[6:]
        expected = {}
        for (case, mutate, outcome), payload in zip(CASES, bad, strict=True):
            mutate(payload)
            expected[payload["orderId"]] = (case, outcome)
        payloads = good[:3] + bad + good[3:]
        odd_id = copy.deepcopy(good[1])
        odd_id.update(orderId=SURROGATE_ID)  # JSON "\udcff" escape in the id itself
        payloads.append(odd_id)
        self.state.add_orders([p for p in payloads if "updatedAt" in p])
        no_date = [p for p in payloads if "updatedAt" not in p]
        no_id = copy.deepcopy(good[0])
        no_id.pop("orderId")
        no_id["updatedAt"] = good[0]["updatedAt"]

        def inject(page_index, page_size, listing):
            return listing[:2] + no_date + [no_id] + listing[2:]  # the same listing for every page

        self.state.list_view_hooks.append(inject)
        stats = self.run_import()
        self.assertFalse(self.channel.last_error, "bad orders never fail the run")
        failures = {f.external_id or "": f for f in self.channel.failure_ids}
        self.assertIn("", failures, "an order without id is kept in the failed imports")
        self.assertIn("no orderId", failures[""].reason)
        sales = {s.marketplace_order_ref: s for s in self.env["sale.order"].search(
            [("marketplace_channel_id", "=", self.channel.id)])}
        for payload in good:
            self.assertIn(payload["orderId"], sales, "good orders of the same pages are imported")
        self.assertIn("SCID-SURROGATE-?", sales, "an id with a lone surrogate is imported under a storable id")
        imported = failed = 0
        for order_id, (case, (outcome, reason)) in expected.items():
            if outcome == "failed":
                self.assertNotIn(order_id, sales, case)
                self.assertIn(order_id, failures, case)
                self.assertIn(reason, failures[order_id].reason, case)
                self.assertTrue(failures[order_id].payload, "the payload is kept to retry")
                failed += 1
            else:
                self.assertIn(order_id, sales, case)
                self.assertNotIn(order_id, failures, case)
                imported += 1
        self.assertEqual(stats["failed"], failed + 1, "one failure per bad order (+ the one without id)")
        record_figures("bad input (20 kinds + no orderId)", orders=len(payloads) + 1,
                       imported=len(sales), duplicates=0, missing=len(good) + 1 + imported - len(sales), runs=1,
                       note=f"{failed + 1} in failed imports with their reason, {imported} imported degraded")

        # degraded but imported: e-mail dropped, long names cut, surrogates replaced, HTML kept as text
        by_case = {case: sales.get(oid) for oid, (case, _o) in expected.items()}
        self.assertFalse(by_case["invalid e-mail"].partner_id.email)
        self.assertLessEqual(len(by_case["10,000-character names"].partner_id.name), 256)
        self.assertIn("Dupont?", by_case["lone surrogate in a name"].partner_invoice_id.name)
        failure = failures[next(oid for oid, (case, _o) in expected.items() if case.startswith("lone surrogate and"))]
        self.assertNotIn("\udcff", failure.payload)
        html_sale = by_case["HTML/script in names and addresses"]
        self.assertIn(SCRIPT, html_sale.partner_id.name, "stored as plain text")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html("sale.report_saleorder", html_sale.ids)
        html = html.decode() if isinstance(html, bytes) else html
        self.assertNotIn("<script>", html, "names and addresses are escaped in the report")
        self.assertNotIn('<img src=x onerror', html)
        self.assertIn("&lt;script&gt;", html)

        # retry after fixing the catalog: the unknown SKU imports, nothing is doubled
        self.env["product.product"].create({"name": "Late product", "default_code": "NOPE-404", "type": "consu"})
        unknown = failures[next(oid for oid, (case, _o) in expected.items() if case == "unknown SKU")]
        unknown.action_retry()
        unknown.action_retry()
        self.assertEqual(unknown.state, "done")
        self.assertEqual(self.env["sale.order"].search_count(
            [("marketplace_channel_id", "=", self.channel.id), ("marketplace_order_ref", "=", unknown.external_id)]), 1)

    def test_non_utf8_bytes_in_a_page(self):
        orders = sim.generate_orders(4, seed=8, statuses=["InPreparation"], step_seconds=30)
        orders[1]["billingAddress"]["lastName"] = "Mxx-PLACEHOLDER"
        self.state.add_orders(orders)
        body = json.dumps({"itemsPerPage": 10, "items": orders}, ensure_ascii=False).encode()
        body = body.replace(b"PLACEHOLDER", b"\xff\xfe\xc3(")  # not UTF-8
        self.app.add_fault(r"GET /seller/v2/orders$", kind="status", status=200, body=body, count=1)
        stats = self.run_import()
        self.assertFalse(self.channel.last_error)
        self.assertEqual(stats["imported"], 4)
        sale = self.env["sale.order"].search([("marketplace_order_ref", "=", orders[1]["orderId"])])
        self.assertIn("\ufffd", sale.partner_invoice_id.name, "bad bytes become U+FFFD, the order is kept")
        accented = [s for s in self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id)])
                    if any(ord(c) > 127 for c in s.partner_id.name or "")]
        self.assertFalse(any("Ã" in s.partner_id.name for s in accented), "the rest of the page is not garbled")
        record_figures("non-UTF-8 bytes in a page", orders=4, imported=stats["imported"], duplicates=0,
                       missing=4 - stats["imported"], runs=1)
