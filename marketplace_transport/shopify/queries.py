"""GraphQL Admin API documents used by the transport (field names of the 2026-10 reference)."""

MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
ADDRESS = "name firstName lastName company address1 address2 city zip provinceCode countryCodeV2 phone"

ORDER_FIELDS = f"""
fragment OrderFields on Order {{
  id name createdAt updatedAt processedAt cancelledAt email taxesIncluded
  currencyCode presentmentCurrencyCode displayFinancialStatus displayFulfillmentStatus
  totalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} currentTotalPriceSet {{ {MONEY} }}
  originalTotalDutiesSet {{ {MONEY} }} originalTotalAdditionalFeesSet {{ {MONEY} }}
  customer {{ id defaultAddress {{ {ADDRESS} }} }}
  billingAddress {{ {ADDRESS} }} shippingAddress {{ {ADDRESS} }}
  customAttributes {{ key value }}
  shippingLines(first: 20) {{ nodes {{ title code originalPriceSet {{ {MONEY} }}
    discountedPriceSet {{ {MONEY} }} taxLines {{ rate priceSet {{ {MONEY} }} }} }} }}
  lineItems(first: 250) {{ nodes {{ id sku name title quantity currentQuantity unfulfilledQuantity
    requiresShipping taxable originalUnitPriceSet {{ {MONEY} }} totalDiscountSet {{ {MONEY} }}
    discountAllocations {{ allocatedAmountSet {{ {MONEY} }} }} taxLines {{ rate priceSet {{ {MONEY} }} }} }} }}
  fulfillments(first: 50) {{ id status trackingInfo {{ company number url }} }}
  refunds(first: 50) {{ id note totalRefundedSet {{ {MONEY} }}
    refundLineItems(first: 250) {{ nodes {{ quantity lineItem {{ id }} }} }} }}
}}
"""

ORDERS = ORDER_FIELDS + """
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ...OrderFields }
  }
}
"""

ORDER = ORDER_FIELDS + """
query Order($id: ID!) { order(id: $id) { ...OrderFields } }
"""

SHOP = """
query Shop { shop { name myshopifyDomain currencyCode } orders(first: 1) { nodes { id } } }
"""

FULFILLMENT_ORDERS = """
query FulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 50) { nodes { id status supportedActions { action }
      lineItems(first: 250) { nodes { id remainingQuantity lineItem { id } } } } }
  }
}
"""

FULFILLMENT_CREATE = """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message }
  }
}
"""

SUGGESTED_REFUND = f"""
query SuggestedRefund($id: ID!, $refundLineItems: [RefundLineItemInput!], $refundShipping: Boolean,
                      $suggestFullRefund: Boolean) {{
  order(id: $id) {{
    suggestedRefund(refundLineItems: $refundLineItems, refundShipping: $refundShipping,
                    suggestFullRefund: $suggestFullRefund) {{
      amountSet {{ {MONEY} }}
      shipping {{ amountSet {{ {MONEY} }} maximumRefundableSet {{ {MONEY} }} }}
      refundLineItems {{ quantity lineItem {{ id }} }}
      suggestedTransactions {{ gateway kind parentTransaction {{ id }} amountSet {{ {MONEY} }} }}
    }}
  }}
}}
"""

REFUND_CREATE = f"""
mutation RefundCreate($input: RefundInput!) {{
  refundCreate(input: $input) {{
    refund {{ id note totalRefundedSet {{ {MONEY} }}
      refundLineItems(first: 250) {{ nodes {{ quantity lineItem {{ id }} }} }} }}
    userErrors {{ field message }}
  }}
}}
"""
