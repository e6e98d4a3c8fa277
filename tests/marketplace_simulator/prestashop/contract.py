"""The published PrestaShop payloads of ``tests/fixtures/prestashop/`` (see its SOURCE.md) loaded into a
simulated shop: PrestaShop's demo order 1 with its customer and address, the order states with their
names in two languages, a cart rule; dates moved to the serving time."""
import json
from pathlib import Path

from .generator import ps_date

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prestashop"
RESOURCES = ("orders", "customers", "addresses", "order_states", "order_cart_rules")


def fixture(name):
    """One fixture file, as the webservice answers it (``{resource: ...}``)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def load_contract(state, when, cart_rule=False):
    """Put the fixtures into ``state``; ``cart_rule``: the order has the example cart rule (its totals
    lowered by the rule's value, as PrestaShop records it). :return: the order"""
    order = fixture("order-1.json")["order"]
    order["date_add"] = order["date_upd"] = ps_date(when)
    rows = {"orders": [order], "customers": fixture("customers.json")["customers"],
            "addresses": fixture("addresses.json")["addresses"],
            "order_states": fixture("order_states.json")["order_states"],
            "order_cart_rules": fixture("order_cart_rules.json")["order_cart_rules"] if cart_rule else []}
    if cart_rule:
        _apply_cart_rules(order, rows["order_cart_rules"])
    for resource in RESOURCES:
        for row in rows[resource]:
            state[resource][str(row["id"])] = row
    state["countries"].setdefault("21", {"id": "21", "iso_code": "US", "active": "1"})
    return order


def _apply_cart_rules(order, rules):
    incl = sum(float(rule["value"]) for rule in rules)
    excl = sum(float(rule["value_tax_excl"]) for rule in rules)
    for suffix, value in (("", incl), ("_tax_incl", incl), ("_tax_excl", excl)):
        order[f"total_discounts{suffix}"] = f"{value:.6f}"
    for suffix, value in (("", incl), ("_tax_incl", incl), ("_tax_excl", excl)):
        order[f"total_paid{suffix}"] = f"{float(order[f'total_paid{suffix}']) - value:.6f}"
