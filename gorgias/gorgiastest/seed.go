package gorgiastest

import (
	"fmt"
	"strings"
	"time"

	"github.com/deskmate/deskmate/gorgias"
)

// seedAccount creates what every account has: its admin (the API-key
// user), a bot user when asked, a Support team and the e-mail integration
// replies go out from. With sample it adds a Shopify store, customers with
// orders (in transit with a tracking link, delivered, unfulfilled) and an
// open ticket.
func (e *Emulator) seedAccount(a *account, sample bool) {
	name := strings.ToUpper(a.domain[:1]) + a.domain[1:]
	admin := a.addUser(a.opts.Email, name+" Admin", gorgias.RoleAdmin)
	a.adminID = admin.ID
	if a.opts.Bot {
		a.botID = a.addUser("bot@"+a.domain+".example", "AI Assistant", gorgias.RoleBot).ID
	}
	team := &gorgias.Team{
		ID: a.newID(), Name: "Support", Decoration: gorgias.Object{"emoji": "🎧"},
		Members: []gorgias.Person{*userPerson(admin)}, CreatedDatetime: now(),
	}
	team.URI = fmt.Sprintf("/api/teams/%d/", team.ID)
	a.teams[team.ID] = team
	a.emailIntegrationID = a.addIntegration(gorgias.Integration{
		Type: gorgias.IntegrationEmail, Name: name + " Support",
		Meta: gorgias.Object{"address": a.supportAddress()},
	}).ID
	if !sample {
		return
	}

	a.shopifyIntegrationID = a.addIntegration(gorgias.Integration{
		Type: gorgias.IntegrationShopify, Name: a.domain + "-store",
		Meta: gorgias.Object{"shop_name": a.domain + "-store"},
	}).ID
	day := func(daysAgo int) string {
		return time.Now().UTC().AddDate(0, 0, -daysAgo).Truncate(time.Hour).Format(time.RFC3339)
	}
	jane := a.addCustomer("jane@example.com", "Jane Doe")
	a.addShopifyOrders(jane, 7201, []map[string]any{
		{
			"id": 5001002, "name": "#1002", "order_number": 1002, "created_at": day(3),
			"financial_status": "paid", "fulfillment_status": "fulfilled", "cancelled_at": nil,
			"line_items": []map[string]any{{"title": "Rain Jacket", "quantity": 1, "sku": "RJ-M-NAVY"}},
			"fulfillments": []map[string]any{{
				"status": "success", "shipment_status": "in_transit", "created_at": day(2),
				"tracking_company": "UPS", "tracking_number": "1Z999AA10123456784",
				"tracking_numbers": []string{"1Z999AA10123456784"},
				"tracking_url":     "https://www.ups.com/track?tracknum=1Z999AA10123456784",
				"tracking_urls":    []string{"https://www.ups.com/track?tracknum=1Z999AA10123456784"},
			}},
		},
		{
			"id": 5001001, "name": "#1001", "order_number": 1001, "created_at": day(40),
			"financial_status": "paid", "fulfillment_status": "fulfilled", "cancelled_at": nil,
			"line_items": []map[string]any{{"title": "Wool Socks", "quantity": 3, "sku": "WS-3PK"}},
			"fulfillments": []map[string]any{{
				"status": "success", "shipment_status": "delivered", "created_at": day(38),
				"tracking_company": "USPS", "tracking_number": "9400111899223197428490",
				"tracking_url": "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490",
			}},
		},
	})
	sam := a.addCustomer("sam@example.com", "Sam Lee")
	a.addShopifyOrders(sam, 7202, []map[string]any{{
		"id": 5001003, "name": "#1003", "order_number": 1003, "created_at": day(1),
		"financial_status": "paid", "fulfillment_status": nil, "cancelled_at": nil,
		"line_items":   []map[string]any{{"title": "Trail Shoes", "quantity": 1, "sku": "TS-42"}},
		"fulfillments": []map[string]any{},
	}})
	_, _ = e.createTicket(a, gorgias.TicketInput{
		Customer: &gorgias.Ref{ID: jane.ID}, Channel: gorgias.ChannelEmail, Via: gorgias.ChannelEmail,
		Subject: "Where is my order?",
		Messages: []gorgias.MessageInput{{
			Channel: gorgias.ChannelEmail, Via: gorgias.ChannelEmail, Sender: &gorgias.Ref{ID: jane.ID},
			BodyText: "Hi, I ordered a rain jacket three days ago (#1002). Where is it?",
		}},
	}, 0)
}

// addShopifyOrders puts Shopify data on a customer, under the account's
// Shopify integration.
func (a *account) addShopifyOrders(c *gorgias.Customer, shopifyCustomerID int64, orders []map[string]any) {
	c.Integrations[fmt.Sprint(a.shopifyIntegrationID)] = mustJSON(map[string]any{
		"__integration_type__": gorgias.IntegrationShopify,
		"customer":             map[string]any{"id": shopifyCustomerID, "email": c.Email},
		"orders":               orders,
	})
}
