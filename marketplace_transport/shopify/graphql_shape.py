"""GraphQL ``Order`` node -> the REST/webhook order shape, so one normalizer reads both.

Only the fields the normalizer and the refund logic read are mapped; money sets keep both the shop
amount (plain field) and ``<name>_set`` (shop and presentment money), as REST sends them.
"""
#: displayFulfillmentStatus -> REST ``fulfillment_status`` (the others are "not fulfilled yet")
FULFILLMENT_STATUS = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial", "RESTOCKED": "restocked"}


def gid_id(gid):
    """Numeric id at the end of a global id (``gid://shopify/Order/450789469`` -> 450789469)."""
    tail = str(gid or "").rsplit("/", 1)[-1].split("?", 1)[0]
    return int(tail) if tail.isdigit() else None


def is_graphql_order(payload):
    return isinstance(payload, dict) and str(payload.get("id") or "").startswith("gid://shopify/Order/")


def _money_set(money_bag):
    if not isinstance(money_bag, dict):
        return None
    return {"shop_money": _money(money_bag.get("shopMoney")),
            "presentment_money": _money(money_bag.get("presentmentMoney") or money_bag.get("shopMoney"))}


def _money(money):
    money = money or {}
    return {"amount": money.get("amount"), "currency_code": money.get("currencyCode")}


def _with_set(target, name, money_bag):
    """``target[name]`` (shop amount) and ``target[name + "_set"]`` from a GraphQL MoneyBag."""
    target[f"{name}_set"] = _money_set(money_bag)
    target[name] = ((money_bag or {}).get("shopMoney") or {}).get("amount")


def _address(node):
    if not node:
        return None
    return {"name": node.get("name"), "first_name": node.get("firstName"), "last_name": node.get("lastName"),
            "company": node.get("company"), "address1": node.get("address1"), "address2": node.get("address2"),
            "city": node.get("city"), "zip": node.get("zip"), "province_code": node.get("provinceCode"),
            "country_code": node.get("countryCodeV2"), "phone": node.get("phone")}


def _tax_lines(nodes):
    lines = []
    for tax in nodes or []:
        line = {"rate": tax.get("rate")}
        _with_set(line, "price", tax.get("priceSet"))
        lines.append(line)
    return lines


def _nodes(connection):
    return (connection or {}).get("nodes") or []


def _line(node):
    quantity, unfulfilled = node.get("quantity") or 0, node.get("unfulfilledQuantity")
    status = None
    if unfulfilled is not None and node.get("requiresShipping", True) and unfulfilled < quantity:
        status = "fulfilled" if unfulfilled == 0 else "partial"
    line = {"id": gid_id(node.get("id")), "sku": node.get("sku"), "name": node.get("name"),
            "title": node.get("title"), "quantity": quantity, "current_quantity": node.get("currentQuantity"),
            "requires_shipping": node.get("requiresShipping", True), "taxable": node.get("taxable"),
            "fulfillment_status": status, "tax_lines": _tax_lines(node.get("taxLines")), "discount_allocations": []}
    _with_set(line, "price", node.get("originalUnitPriceSet"))
    _with_set(line, "total_discount", node.get("totalDiscountSet"))
    for allocation in node.get("discountAllocations") or []:
        entry = {}
        _with_set(entry, "amount", allocation.get("allocatedAmountSet"))
        line["discount_allocations"].append(entry)
    return line


def _shipping_line(node):
    line = {"title": node.get("title"), "code": node.get("code"), "tax_lines": _tax_lines(node.get("taxLines"))}
    _with_set(line, "price", node.get("originalPriceSet"))
    _with_set(line, "discounted_price", node.get("discountedPriceSet"))
    return line


def _refund(node):
    refund = {"id": gid_id(node.get("id")), "note": node.get("note"), "refund_line_items": [
        {"line_item_id": gid_id((item.get("lineItem") or {}).get("id")), "quantity": item.get("quantity")}
        for item in _nodes(node.get("refundLineItems"))]}
    _with_set(refund, "total_refunded", node.get("totalRefundedSet"))
    return refund


def _fulfillment(node):
    numbers = [t.get("number") for t in node.get("trackingInfo") or [] if t.get("number")]
    return {"id": gid_id(node.get("id")), "status": str(node.get("status") or "").lower(),
            "tracking_numbers": numbers, "tracking_number": numbers[0] if numbers else None}


def rest_order(node):
    """The REST/webhook shape of a GraphQL ``Order`` node (fields of ``queries.ORDER_FIELDS``)."""
    customer = node.get("customer")
    order = {
        "id": gid_id(node["id"]), "admin_graphql_api_id": node["id"], "name": node.get("name"),
        "created_at": node.get("createdAt"), "updated_at": node.get("updatedAt"),
        "processed_at": node.get("processedAt"), "cancelled_at": node.get("cancelledAt"),
        "email": node.get("email"), "taxes_included": node.get("taxesIncluded"),
        "currency": node.get("currencyCode"), "presentment_currency": node.get("presentmentCurrencyCode"),
        "financial_status": (node.get("displayFinancialStatus") or "pending").lower(),
        "fulfillment_status": FULFILLMENT_STATUS.get(node.get("displayFulfillmentStatus")),
        "customer": {"id": gid_id(customer.get("id")), "default_address": _address(customer.get("defaultAddress"))}
        if customer else None,
        "billing_address": _address(node.get("billingAddress")),
        "shipping_address": _address(node.get("shippingAddress")),
        "note_attributes": [{"name": a.get("key"), "value": a.get("value")}
                            for a in node.get("customAttributes") or []],
        "line_items": [_line(item) for item in _nodes(node.get("lineItems"))],
        "shipping_lines": [_shipping_line(item) for item in _nodes(node.get("shippingLines"))],
        "refunds": [_refund(refund) for refund in node.get("refunds") or []],
        "fulfillments": [_fulfillment(f) for f in node.get("fulfillments") or []],
    }
    for name, field in (("total_price", "totalPriceSet"), ("total_tax", "totalTaxSet"),
                        ("current_total_price", "currentTotalPriceSet")):
        _with_set(order, name, node.get(field))
    order["original_total_duties_set"] = _money_set(node.get("originalTotalDutiesSet"))
    order["original_total_additional_fees_set"] = _money_set(node.get("originalTotalAdditionalFeesSet"))
    return order
