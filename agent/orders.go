package agent

import (
	"regexp"
	"sort"
	"strings"
)

// orderQuestionPhrases ask where an order is ("where is my order", "has my
// parcel shipped"). Matched on normalised text.
var orderQuestionPhrases = []string{
	"where is my order", "where's my order", "wheres my order", "where is my package", "where is my parcel",
	"where is my delivery", "where is my stuff", "track my order", "track my package", "track my parcel", "tracking number",
	"tracking link", "order status", "status of my order", "has my order shipped", "has my order been shipped",
	"when will my order", "when will i get my order", "when will i receive", "when does my order", "hasn't arrived",
	"has not arrived", "haven't received my order", "have not received my order", "didn't receive my order",
	"did not receive my order", "not received my order", "still waiting for my order", "my order hasn't", "my package hasn't",
	"where is order", "update on my order", "order update", "shipping status", "delivery status", "when will it arrive",
	"dónde está mi pedido", "donde esta mi pedido", "estado de mi pedido", "no ha llegado", "no he recibido mi pedido", "seguimiento",
	"où est ma commande", "ou est ma commande", "suivi de commande", "ma commande n'est pas arrivée", "pas reçu ma commande", "mon colis",
	"wo ist meine bestellung", "wo bleibt meine bestellung", "sendungsverfolgung", "meine bestellung ist nicht angekommen", "mein paket",
	"dov'è il mio ordine", "dove è il mio ordine", "dove e il mio ordine", "stato dell'ordine", "tracciamento", "il mio pacco",
	"onde está meu pedido", "onde esta meu pedido", "onde está a minha encomenda", "rastreamento", "meu pedido não chegou",
	"waar is mijn bestelling", "mijn pakket", "track en trace", "status van mijn bestelling",
}

// orderNumberRe finds an order number the customer typed: "#1001",
// "order 1001", "order number 1001".
var orderNumberRe = regexp.MustCompile(`(?i)(?:#\s?(\d{3,12})\b|\border(?:\s+(?:number|no\.?|nr\.?|#))?\s*:?\s*(\d{3,12})\b|\b(?:pedido|commande|bestellung|ordine|encomenda|bestelling)\s+(?:n[º°o.]*\s*)?#?(\d{3,12})\b)`)

// asksAboutOrder reports whether a message asks where an order is.
func asksAboutOrder(text string) bool {
	norm := normalise(text)
	norm = strings.NewReplacer("where's ", "where is ", "wheres ", "where is ").Replace(norm + " ")
	for _, p := range orderQuestionPhrases {
		if strings.Contains(norm, normalise(p)) {
			return true
		}
	}
	return false
}

// orderNumberIn returns an order number mentioned in text, "" when none.
func orderNumberIn(text string) string {
	m := orderNumberRe.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	for _, g := range m[1:] {
		if g != "" {
			return g
		}
	}
	return ""
}

// pickOrder is the order the customer means: the one whose number they
// gave, else the newest.
func pickOrder(orders []Order, number string) (Order, bool) {
	if len(orders) == 0 {
		return Order{}, false
	}
	if number != "" {
		for _, o := range orders {
			if strings.TrimLeft(o.Number, "#") == number {
				return o, true
			}
		}
		return Order{}, false
	}
	sorted := append([]Order(nil), orders...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].CreatedAt.After(sorted[j].CreatedAt) })
	return sorted[0], true
}

// orderStatus names an order's state for traces.
func orderStatus(o Order) string {
	switch {
	case o.CancelledAt != nil:
		return "cancelled"
	case o.ShipmentStatus == "delivered":
		return "delivered"
	case o.FulfillmentStatus == "fulfilled" || o.FulfillmentStatus == "partial" || o.TrackingNumber != "" || o.TrackingURL != "":
		if o.ShipmentStatus != "" {
			return "shipped (" + o.ShipmentStatus + ")"
		}
		return "shipped"
	default:
		return "not shipped yet"
	}
}

// orderPhrases are the order replies in the languages Deskmate writes
// without a model. {number}, {carrier}, {tracking}, {date} are filled in.
var orderPhrases = map[string]map[string]string{
	"en": {
		"cancelled":   "Your order {number} was cancelled on {date}.",
		"delivered":   "Your order {number} was delivered.",
		"shipped":     "Your order {number} has shipped{carrier}.",
		"tracking":    "You can follow it here: {tracking}",
		"trackingNo":  "The tracking number is {tracking}.",
		"not shipped": "Your order {number} is being prepared and has not shipped yet. You will get an email with the tracking link as soon as it leaves our warehouse.",
		"carrier":     " with {carrier}",
		"ask":         "I can check that for you. Could you send me your order number? It starts with # (for example #1001) and is in your order confirmation email.",
		"unknown":     "I could not find order {number} on your account.",
	},
	"fr": {
		"cancelled":   "Votre commande {number} a été annulée le {date}.",
		"delivered":   "Votre commande {number} a été livrée.",
		"shipped":     "Votre commande {number} a été expédiée{carrier}.",
		"tracking":    "Vous pouvez la suivre ici : {tracking}",
		"trackingNo":  "Le numéro de suivi est {tracking}.",
		"not shipped": "Votre commande {number} est en préparation et n'a pas encore été expédiée. Vous recevrez un e-mail avec le lien de suivi dès son départ.",
		"carrier":     " avec {carrier}",
		"ask":         "Je peux vérifier cela pour vous. Pourriez-vous m'envoyer votre numéro de commande ? Il commence par # (par exemple #1001) et figure dans l'e-mail de confirmation.",
		"unknown":     "Je n'ai pas trouvé la commande {number} sur votre compte.",
	},
	"de": {
		"cancelled":   "Ihre Bestellung {number} wurde am {date} storniert.",
		"delivered":   "Ihre Bestellung {number} wurde zugestellt.",
		"shipped":     "Ihre Bestellung {number} wurde versandt{carrier}.",
		"tracking":    "Sie können sie hier verfolgen: {tracking}",
		"trackingNo":  "Die Sendungsnummer ist {tracking}.",
		"not shipped": "Ihre Bestellung {number} wird vorbereitet und ist noch nicht versandt. Sobald sie unser Lager verlässt, erhalten Sie eine E-Mail mit dem Tracking-Link.",
		"carrier":     " mit {carrier}",
		"ask":         "Das prüfe ich gern für Sie. Können Sie mir Ihre Bestellnummer schicken? Sie beginnt mit # (zum Beispiel #1001) und steht in Ihrer Bestellbestätigung.",
		"unknown":     "Ich habe die Bestellung {number} in Ihrem Konto nicht gefunden.",
	},
	"es": {
		"cancelled":   "Tu pedido {number} se canceló el {date}.",
		"delivered":   "Tu pedido {number} ya fue entregado.",
		"shipped":     "Tu pedido {number} ya fue enviado{carrier}.",
		"tracking":    "Puedes seguirlo aquí: {tracking}",
		"trackingNo":  "El número de seguimiento es {tracking}.",
		"not shipped": "Tu pedido {number} se está preparando y aún no se ha enviado. Recibirás un correo con el enlace de seguimiento en cuanto salga de nuestro almacén.",
		"carrier":     " con {carrier}",
		"ask":         "Puedo revisarlo por ti. ¿Me envías tu número de pedido? Empieza por # (por ejemplo #1001) y está en el correo de confirmación.",
		"unknown":     "No encontré el pedido {number} en tu cuenta.",
	},
	"it": {
		"cancelled":   "Il tuo ordine {number} è stato annullato il {date}.",
		"delivered":   "Il tuo ordine {number} è stato consegnato.",
		"shipped":     "Il tuo ordine {number} è stato spedito{carrier}.",
		"tracking":    "Puoi seguirlo qui: {tracking}",
		"trackingNo":  "Il numero di tracciamento è {tracking}.",
		"not shipped": "Il tuo ordine {number} è in preparazione e non è ancora stato spedito. Riceverai un'email con il link di tracciamento appena partirà.",
		"carrier":     " con {carrier}",
		"ask":         "Posso controllare per te. Mi mandi il numero d'ordine? Inizia con # (per esempio #1001) e si trova nell'email di conferma.",
		"unknown":     "Non ho trovato l'ordine {number} nel tuo account.",
	},
	"pt": {
		"cancelled":   "O seu pedido {number} foi cancelado em {date}.",
		"delivered":   "O seu pedido {number} foi entregue.",
		"shipped":     "O seu pedido {number} foi enviado{carrier}.",
		"tracking":    "Pode acompanhá-lo aqui: {tracking}",
		"trackingNo":  "O número de rastreio é {tracking}.",
		"not shipped": "O seu pedido {number} está a ser preparado e ainda não foi enviado. Receberá um e-mail com o link de rastreio assim que sair do armazém.",
		"carrier":     " com {carrier}",
		"ask":         "Posso verificar isso. Pode enviar-me o número do pedido? Começa por # (por exemplo #1001) e está no e-mail de confirmação.",
		"unknown":     "Não encontrei o pedido {number} na sua conta.",
	},
	"nl": {
		"cancelled":   "Je bestelling {number} is op {date} geannuleerd.",
		"delivered":   "Je bestelling {number} is bezorgd.",
		"shipped":     "Je bestelling {number} is verzonden{carrier}.",
		"tracking":    "Je kunt hem hier volgen: {tracking}",
		"trackingNo":  "Het trackingnummer is {tracking}.",
		"not shipped": "Je bestelling {number} wordt klaargemaakt en is nog niet verzonden. Je krijgt een e-mail met de trackinglink zodra hij ons magazijn verlaat.",
		"carrier":     " met {carrier}",
		"ask":         "Ik kijk het graag voor je na. Kun je me je bestelnummer sturen? Het begint met # (bijvoorbeeld #1001) en staat in je bevestigingsmail.",
		"unknown":     "Ik heb bestelling {number} niet in je account gevonden.",
	},
}

// orderReply writes the status of an order in language l (English when
// Deskmate has no phrases for it).
func orderReply(o Order, l string) string {
	p := orderPhrases[l]
	if p == nil {
		p = orderPhrases["en"]
	}
	fill := func(s string) string {
		carrier := ""
		if o.TrackingCompany != "" {
			carrier = strings.ReplaceAll(p["carrier"], "{carrier}", o.TrackingCompany)
		}
		date := ""
		if o.CancelledAt != nil {
			date = o.CancelledAt.Format("2006-01-02")
		}
		tracking := o.TrackingURL
		if tracking == "" {
			tracking = o.TrackingNumber
		}
		r := strings.NewReplacer("{number}", o.Number, "{carrier}", carrier, "{date}", date, "{tracking}", tracking)
		return r.Replace(s)
	}
	switch orderStatus(o) {
	case "cancelled":
		return fill(p["cancelled"])
	case "delivered":
		return fill(p["delivered"])
	case "not shipped yet":
		return fill(p["not shipped"])
	}
	out := fill(p["shipped"])
	switch {
	case o.TrackingURL != "":
		out += " " + fill(p["tracking"])
	case o.TrackingNumber != "":
		out += " " + fill(p["trackingNo"])
	}
	return out
}

// orderVars are the template variables of an order.
func orderVars(o Order) map[string]string {
	tracking := o.TrackingURL
	if tracking == "" {
		tracking = o.TrackingNumber
	}
	return map[string]string{"order.number": o.Number, "order.status": orderStatus(o), "order.tracking_url": tracking,
		"order.tracking_number": o.TrackingNumber, "order.carrier": o.TrackingCompany}
}
