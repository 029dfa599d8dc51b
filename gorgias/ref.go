package gorgias

// Ref points at a user, team, customer or tag in a request body:
// {"id": 5}, or a customer or sender by {"email": "…"}, or a tag by
// {"name": "…"}.
type Ref struct {
	ID    int64  `json:"id,omitempty"`
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Person is the compact user or customer Gorgias puts in a message's sender
// and receiver.
type Person struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Meta      Object `json:"meta"`
}
