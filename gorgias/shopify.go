package gorgias

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ShopifyOrder is an order from the Shopify data Gorgias keeps on a
// customer. Field names follow Shopify's Order resource; every field is
// optional and a missing or malformed one is left zero.
type ShopifyOrder struct {
	ID                int64
	Name              string // "#1001"
	OrderNumber       int64
	CreatedAt         time.Time
	FinancialStatus   string // paid, refunded, partially_refunded, …
	FulfillmentStatus string // "" (unfulfilled), partial, fulfilled
	CancelledAt       time.Time
	LineItems         []ShopifyLineItem
	Fulfillments      []ShopifyFulfillment
}

// ShopifyLineItem is one product line of an order.
type ShopifyLineItem struct {
	Title    string
	Quantity int64
	SKU      string
}

// ShopifyFulfillment is one shipment of an order.
type ShopifyFulfillment struct {
	Status          string // success, cancelled, …
	ShipmentStatus  string // in_transit, out_for_delivery, delivered, …
	TrackingCompany string
	TrackingNumbers []string
	TrackingURLs    []string
	CreatedAt       time.Time
}

// ShopifyOrders reads the orders of every Shopify entry in the customer's
// integration data, newest first (orders without a date last).
func (c Customer) ShopifyOrders() []ShopifyOrder {
	keys := make([]string, 0, len(c.Integrations))
	for k := range c.Integrations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var orders []ShopifyOrder
	for _, k := range keys {
		if c.Integrations.Type(k) != IntegrationShopify {
			continue
		}
		var entry struct {
			Orders []json.RawMessage `json:"orders"`
		}
		if json.Unmarshal(c.Integrations[k], &entry) != nil {
			continue
		}
		for _, raw := range entry.Orders {
			if o, ok := parseShopifyOrder(raw); ok {
				orders = append(orders, o)
			}
		}
	}
	sort.SliceStable(orders, func(i, j int) bool {
		a, b := orders[i].CreatedAt, orders[j].CreatedAt
		if a.IsZero() != b.IsZero() {
			return b.IsZero()
		}
		return a.After(b)
	})
	return orders
}

func parseShopifyOrder(raw json.RawMessage) (ShopifyOrder, bool) {
	f, ok := fields(raw)
	if !ok {
		return ShopifyOrder{}, false
	}
	o := ShopifyOrder{
		ID:                f.int("id"),
		Name:              f.str("name"),
		OrderNumber:       f.int("order_number"),
		CreatedAt:         f.time("created_at"),
		FinancialStatus:   f.str("financial_status"),
		FulfillmentStatus: f.str("fulfillment_status"),
		CancelledAt:       f.time("cancelled_at"),
	}
	for _, raw := range f.list("line_items") {
		if li, ok := fields(raw); ok {
			o.LineItems = append(o.LineItems, ShopifyLineItem{Title: li.str("title"), Quantity: li.int("quantity"), SKU: li.str("sku")})
		}
	}
	for _, raw := range f.list("fulfillments") {
		ff, ok := fields(raw)
		if !ok {
			continue
		}
		o.Fulfillments = append(o.Fulfillments, ShopifyFulfillment{
			Status:          ff.str("status"),
			ShipmentStatus:  ff.str("shipment_status"),
			TrackingCompany: ff.str("tracking_company"),
			TrackingNumbers: ff.strs("tracking_number", "tracking_numbers"),
			TrackingURLs:    ff.strs("tracking_url", "tracking_urls"),
			CreatedAt:       ff.time("created_at"),
		})
	}
	return o, true
}

// jsonFields reads the members of a JSON object one by one, so a malformed
// member costs only itself.
type jsonFields map[string]json.RawMessage

func fields(raw json.RawMessage) (jsonFields, bool) {
	var f jsonFields
	if err := json.Unmarshal(raw, &f); err != nil || f == nil {
		return nil, false
	}
	return f, true
}

// str reads a string, or a number as its text.
func (f jsonFields) str(key string) string {
	var s string
	if json.Unmarshal(f[key], &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(f[key], &n) == nil {
		return n.String()
	}
	return ""
}

// int reads a number, or a string holding one.
func (f jsonFields) int(key string) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(f.str(key), "#"), 10, 64)
	return n
}

func (f jsonFields) time(key string) time.Time {
	t, err := ParseTime(f.str(key))
	if err != nil {
		return time.Time{}
	}
	return t.Time
}

func (f jsonFields) list(key string) []json.RawMessage {
	var l []json.RawMessage
	_ = json.Unmarshal(f[key], &l)
	return l
}

// strs reads a single value under one key and a list under another,
// without repeats.
func (f jsonFields) strs(single, plural string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(f.str(single))
	var l []any
	if json.Unmarshal(f[plural], &l) == nil {
		for _, v := range l {
			if s, ok := v.(string); ok {
				add(s)
			}
		}
	}
	return out
}
