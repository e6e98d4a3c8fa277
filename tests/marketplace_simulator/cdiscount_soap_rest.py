"""The SOAP simulator's orders seen by the Octopia REST simulator (migration, seed 004)."""
import copy
from datetime import UTC

#: Legacy OrderState -> Octopia REST status (notes, section 5.5), for the migration helper.
LEGACY_TO_REST_STATUS = {
    "WaitingForSellerAcceptation": "WaitingAcceptance", "AcceptedBySeller": "Accepted",
    "PaymentInProgress": "Accepted", "ValidatedFianet": "Accepted",
    "WaitingForShipmentAcceptation": "InPreparation", "Shipped": "Shipped", "RefusedBySeller": "Refused",
    "CancelledByCustomer": "Cancelled", "AutomaticCancellation": "Cancelled", "PaymentRefused": "Cancelled",
    "ShipmentRefusedBySeller": "Cancelled", "RefusedNoShipment": "Cancelled", "NonPickedUpByCustomer": "Cancelled",
}


def to_rest_order(order, seed=0):
    """The REST (Octopia v2) view of a legacy order: same order number as REST ``reference``.

    [INFERRED] the notes give no sample of one order seen by both APIs; the REST ``reference``
    carrying the legacy OrderNumber is this project's assumption. The REST shape comes from
    the REST simulator's own generator, so it stays in step with it.
    """
    from . import octopia

    status = LEGACY_TO_REST_STATUS.get(order["OrderState"], "Processing")
    (rest,) = octopia.generate_orders(1, seed=seed, statuses=[status])
    template = rest["lines"][0]
    billing, shipping = order["BillingAddress"], order["ShippingAddress"]
    customer = order["Customer"]
    lines, total = [], 0.0
    for row, line in enumerate(order["OrderLineList"], start=1):
        quantity = int(line["Quantity"])
        unit = float(line["PurchasePrice"])
        shipping_cost = round(float(line["UnitShippingCharges"]) * quantity, 2)
        rest_line = copy.deepcopy(template)
        rest_line.update(orderLineId=f"{rest['orderId']}-{row}", quantity=quantity, parcels=[])
        rest_line["offer"].update(sellerProductId=line["SellerProductId"], productGtin=line["ProductEan"],
                                  productTitle=line["Name"], supplyMode="Seller")
        rest_line["sellingPrice"] = {"unitSalesPrice": unit, "shippingCost": shipping_cost, "taxes": [
            {"code": "VAT", "target": "Product", "rate": 20.0,
             "amount": round(unit * quantity * 20 / 120, 2)}]}
        rest_line["totalPrice"] = {"offerPrice": round(unit * quantity + shipping_cost, 2),
                                   "sellingPrice": round(unit * quantity + shipping_cost, 2)}
        rest_line["shippingAddress"] = {
            "civility": shipping["Civility"], "firstName": shipping["FirstName"], "lastName": shipping["LastName"],
            "companyName": shipping["CompanyName"], "addressLine1": shipping["Street"], "addressLine2": "",
            "addressLine3": "", "postalCode": shipping["ZipCode"], "city": shipping["City"],
            "countryCode": shipping["Country"], "phone": customer["MobilePhone"],
            "email": customer["Email"] or customer["EncryptedEmail"],
            "pickupId": shipping["RelayId"] or "", "pickupName": shipping["PlaceName"] if shipping["RelayId"] else ""}
        lines.append(rest_line)
        total += unit * quantity + shipping_cost
    rest.update(
        reference=order["OrderNumber"], status=status, lines=lines, currencyCode="EUR", businessOrder=False,
        createdAt=_text(order["CreationDate"]), purchasedAt=_text(order["CreationDate"]),
        updatedAt=_text(order["LastUpdatedDate"]), customer={"reference": customer["CustomerId"]},
        totalPrice={"offerPrice": round(total, 2), "sellingPrice": round(total, 2)},
        billingAddress={
            "civility": billing["Civility"], "firstName": billing["FirstName"], "lastName": billing["LastName"],
            "companyName": billing["CompanyName"], "companyVatNumber": "", "addressLine1": billing["Street"],
            "addressLine2": "", "addressLine3": "", "postalCode": billing["ZipCode"], "city": billing["City"],
            "stateOrRegion": "", "countryCode": billing["Country"]})
    return rest


def share_with_rest(app, order, seed=0):
    """Expose a legacy order to the Octopia REST simulator registered on ``app`` (migration).

    Returns the REST payload added (its ``orderId`` differs, its ``reference`` is the OrderNumber).
    """
    from . import octopia

    rest = to_rest_order(order, seed=seed)
    octopia.get_state(app).add_orders([rest])
    return rest



def _text(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
