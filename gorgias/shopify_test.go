package gorgias

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Shopify data as Gorgias keeps it on a customer: Shopify's Order resource,
// oldest order first here, with the field variations seen in the wild.
const customerWithShopify = `{
  "id": 3924, "email": "john@example.com",
  "integrations": {
    "731": {"__integration_type__": "http", "summary": "..."},
    "6": {
      "__integration_type__": "shopify",
      "customer": {"id": 667928133655},
      "orders": [
        {"id": 450789469, "name": "#1001", "order_number": 1001, "created_at": "2024-01-10T10:00:00-05:00",
         "financial_status": "paid", "fulfillment_status": "fulfilled", "cancelled_at": null,
         "line_items": [{"title": "Wool Socks", "quantity": 3, "sku": "WS-3PK"}],
         "fulfillments": [{"status": "success", "shipment_status": "delivered", "tracking_company": "USPS",
                           "tracking_number": "9400111899223197428490",
                           "tracking_url": "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490",
                           "created_at": "2024-01-11T08:00:00-05:00"}]},
        {"id": "450789470", "name": "#1002", "order_number": "1002", "created_at": "2024-02-10T10:00:00-05:00",
         "financial_status": "paid", "fulfillment_status": null, "cancelled_at": null,
         "line_items": [{"title": "Rain Jacket", "quantity": "1", "sku": null}],
         "fulfillments": []},
        {"id": 450789471, "name": "#1003", "created_at": "2024-03-01T09:00:00Z",
         "financial_status": "refunded", "fulfillment_status": "partial", "cancelled_at": "2024-03-02T09:00:00Z",
         "line_items": "not a list",
         "fulfillments": [{"status": "success", "shipment_status": "in_transit", "tracking_company": "UPS",
                           "tracking_numbers": ["1Z1", "1Z2"], "tracking_number": "1Z1",
                           "tracking_urls": ["https://ups.example/1Z1", "https://ups.example/1Z2"]}]},
        {"name": "#0999"},
        "garbage"
      ]
    }
  }
}`

func TestShopifyOrders(t *testing.T) {
	var c Customer
	require.NoError(t, json.Unmarshal([]byte(customerWithShopify), &c))
	orders := c.ShopifyOrders()
	require.Len(t, orders, 4, "the entry that is not an object is skipped")
	var names []string
	for _, o := range orders {
		names = append(names, o.Name)
	}
	require.Equal(t, []string{"#1003", "#1002", "#1001", "#0999"}, names, "newest first, undated last")

	latest := orders[0]
	require.Equal(t, "refunded", latest.FinancialStatus)
	require.Equal(t, time.Date(2024, 3, 2, 9, 0, 0, 0, time.UTC), latest.CancelledAt)
	require.Empty(t, latest.LineItems)
	require.Equal(t, []string{"1Z1", "1Z2"}, latest.Fulfillments[0].TrackingNumbers)
	require.Equal(t, []string{"https://ups.example/1Z1", "https://ups.example/1Z2"}, latest.Fulfillments[0].TrackingURLs)
	require.Equal(t, "in_transit", latest.Fulfillments[0].ShipmentStatus)

	unfulfilled := orders[1]
	require.Equal(t, int64(450789470), unfulfilled.ID, "ids as strings")
	require.Equal(t, int64(1002), unfulfilled.OrderNumber)
	require.Equal(t, "", unfulfilled.FulfillmentStatus)
	require.Equal(t, []ShopifyLineItem{{Title: "Rain Jacket", Quantity: 1}}, unfulfilled.LineItems)

	delivered := orders[2]
	require.Equal(t, time.Date(2024, 1, 10, 15, 0, 0, 0, time.UTC), delivered.CreatedAt)
	require.Equal(t, "delivered", delivered.Fulfillments[0].ShipmentStatus)
	require.Equal(t, "USPS", delivered.Fulfillments[0].TrackingCompany)
	require.Equal(t, []string{"https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490"}, delivered.Fulfillments[0].TrackingURLs)

	require.Empty(t, Customer{}.ShopifyOrders())
}
