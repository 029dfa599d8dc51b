package gorgias

import (
	"encoding/json"
)

// Object is a free-form JSON object such as a ticket's meta or a tag's
// decoration. It reads anything that is not an object (null, an empty
// array some serialisers write for an empty mapping) as nil, so one odd
// field never fails a whole payload.
type Object map[string]any

// UnmarshalJSON reads a JSON object; any other value gives nil.
func (o *Object) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		*o = nil
		return nil
	}
	*o = m
	return nil
}

// IntegrationData is a customer's per-integration data, keyed by integration
// id: the Shopify entry (with "__integration_type__": "shopify") and the JSON
// each HTTP integration answered with, kept raw. Like Object it reads
// anything that is not an object as nil.
type IntegrationData map[string]json.RawMessage

// UnmarshalJSON reads a JSON object; any other value gives nil.
func (d *IntegrationData) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		*d = nil
		return nil
	}
	*d = m
	return nil
}

// Type returns the "__integration_type__" of the entry under key, or "".
func (d IntegrationData) Type(key string) string {
	var head struct {
		Type string `json:"__integration_type__"`
	}
	if err := json.Unmarshal(d[key], &head); err != nil {
		return ""
	}
	return head.Type
}
