"""The simulator's orders (REST/webhook shape) as GraphQL Admin API ``Order`` nodes.

Field names from Shopify's GraphQL Admin reference (Order, LineItem, MailingAddress, MoneyBag,
TaxLine, Refund, Fulfillment); dates in UTC with ``Z`` as the GraphQL API writes them.
"""
from datetime import UTC

from .generator import _parse

FULFILLMENT = {"fulfilled": "FULFILLED", "partial": "PARTIALLY_FULFILLED", "restocked": "RESTOCKED"}


def gid(kind, value):
    return f"gid://shopify/{kind}/{value}" if value is not None else None


def utc(value):
    return _parse(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def money_bag(obj, name, currency):
    """MoneyBag of ``name`` from ``<name>_set`` (or the plain amount), or None when absent."""
    money_set = obj.get(f"{name}_set")
    if isinstance(money_set, dict):
        shop, presentment = money_set.get("shop_money") or {}, money_set.get("presentment_money") or {}
        return {"shopMoney": {"amount": shop.get("amount"), "currencyCode": shop.get("currency_code")},
                "presentmentMoney": {"amount": presentment.get("amount"),
                                     "currencyCode": presentment.get("currency_code")}}
    if obj.get(name) is None:
        return None
    money = {"amount": obj[name], "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def address(data):
    if not data:
        return None
    return {"name": data.get("name"), "firstName": data.get("first_name"), "lastName": data.get("last_name"),
            "company": data.get("company"), "address1": data.get("address1"), "address2": data.get("address2"),
            "city": data.get("city"), "zip": data.get("zip"), "provinceCode": data.get("province_code"),
            "countryCodeV2": data.get("country_code"), "phone": data.get("phone")}


def tax_lines(lines, currency):
    return [{"rate": t.get("rate"), "priceSet": money_bag(t, "price", currency)} for t in lines or []]


def line_item(line, currency):
    quantity = line.get("quantity") or 0
    unfulfilled = line.get("fulfillable_quantity", quantity)
    if line.get("fulfillment_status") == "fulfilled":
        unfulfilled = 0
    return {
        "id": gid("LineItem", line.get("id")), "sku": line.get("sku"), "name": line.get("name"),
        "title": line.get("title"), "quantity": quantity, "currentQuantity": line.get("current_quantity", quantity),
        "unfulfilledQuantity": unfulfilled, "requiresShipping": line.get("requires_shipping", True),
        "taxable": line.get("taxable", True), "originalUnitPriceSet": money_bag(line, "price", currency),
        # LineItem.totalDiscountSet and ShippingLine.discountedPriceSet are non-null MoneyBags (reference)
        "totalDiscountSet": money_bag(line, "total_discount", currency) or money_bag({"a": "0.00"}, "a", currency),
        "discountAllocations": [{"allocatedAmountSet": money_bag(a, "amount", currency)}
                                for a in line.get("discount_allocations") or []],
        "taxLines": tax_lines(line.get("tax_lines"), currency),
    }


def shipping_line(line, currency):
    return {"title": line.get("title"), "code": line.get("code"),
            "originalPriceSet": money_bag(line, "price", currency),
            "discountedPriceSet": money_bag(line, "discounted_price", currency) or money_bag(line, "price", currency),
            "taxLines": tax_lines(line.get("tax_lines"), currency)}


def refund(record, currency):
    total = sum(float(t["amount"]) for t in record.get("transactions") or [] if t.get("kind") == "refund")
    amount = {"amount": f"{total:.2f}", "currencyCode": currency}
    return {"id": gid("Refund", record["id"]), "note": record.get("note"),
            "totalRefundedSet": {"shopMoney": amount, "presentmentMoney": dict(amount)},
            "refundLineItems": {"nodes": [
                {"quantity": i["quantity"], "lineItem": {"id": gid("LineItem", i["line_item_id"])}}
                for i in record.get("refund_line_items") or []]}}


def fulfillment(record):
    numbers = record.get("tracking_numbers") or ([record["tracking_number"]] if record.get("tracking_number") else [])
    return {"id": gid("Fulfillment", record["id"]), "status": str(record.get("status") or "").upper(),
            "trackingInfo": [{"company": record.get("tracking_company"), "number": n,
                              "url": record.get("tracking_url")} for n in numbers]}


def graphql_order(order):
    """``Order`` node with the fields of the transport's ``OrderFields`` fragment."""
    currency = order.get("currency")
    customer = order.get("customer")
    return {
        "id": gid("Order", order["id"]), "name": order.get("name"), "createdAt": utc(order.get("created_at")),
        "updatedAt": utc(order.get("updated_at")), "processedAt": utc(order.get("processed_at")),
        "cancelledAt": utc(order.get("cancelled_at")), "email": order.get("email") or order.get("contact_email"),
        "taxesIncluded": bool(order.get("taxes_included")), "currencyCode": currency,
        "presentmentCurrencyCode": order.get("presentment_currency") or currency,
        "displayFinancialStatus": str(order.get("financial_status") or "pending").upper(),
        "displayFulfillmentStatus": FULFILLMENT.get(order.get("fulfillment_status"), "UNFULFILLED"),
        "totalPriceSet": money_bag(order, "total_price", currency),
        "totalTaxSet": money_bag(order, "total_tax", currency),
        "currentTotalPriceSet": money_bag(order, "current_total_price", currency),
        "originalTotalDutiesSet": money_bag(order, "original_total_duties", currency),
        "originalTotalAdditionalFeesSet": money_bag(order, "original_total_additional_fees", currency),
        "customer": {"id": gid("Customer", customer.get("id")),
                     "defaultAddress": address(customer.get("default_address"))} if customer else None,
        "billingAddress": address(order.get("billing_address")),
        "shippingAddress": address(order.get("shipping_address")),
        "customAttributes": [{"key": a.get("name"), "value": a.get("value")}
                             for a in order.get("note_attributes") or []],
        "shippingLines": {"nodes": [shipping_line(s, currency) for s in order.get("shipping_lines") or []]},
        "lineItems": {"nodes": [line_item(line, currency) for line in order.get("line_items") or []]},
        "fulfillments": [fulfillment(f) for f in order.get("fulfillments") or []],
        "refunds": [refund(r, currency) for r in order.get("refunds") or []],
    }
