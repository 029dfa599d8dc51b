package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/internal/validate"
)

// decode reads a JSON object body into v strictly: JSON content type, one
// object, no unknown fields (422 naming the field), wrong types named too.
func decode(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return &APIError{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "send the body as JSON with Content-Type: application/json"}
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("extra data after the JSON object")
	} else if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("extra data after the JSON object")
		}
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return validate.Field(name, "is not a known field")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return &APIError{Status: fiber.StatusBadRequest, Code: "bad_request", Message: "the body must be a JSON object"}
		}
		return validate.Field(field, fmt.Sprintf("must be a %s", jsonKind(typeErr.Type.Kind().String())))
	case errors.As(err, &syntaxErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &APIError{Status: fiber.StatusBadRequest, Code: "bad_request", Message: "malformed JSON: " + err.Error()}
	default:
		return &APIError{Status: fiber.StatusBadRequest, Code: "bad_request", Message: err.Error()}
	}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean (true or false)"
	default:
		return "number"
	}
}

// idParam reads a positive integer path parameter; anything else is a 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &APIError{Status: fiber.StatusNotFound, Code: "not_found", Message: "not found"}
	}
	return id, nil
}

// readPage reads the ?limit= (default def, at most max) and ?offset= of a
// list request, noting bad values in v.
func readPage(c *fiber.Ctx, v validate.Errors, def, max int) (limit, offset int) {
	limit, err := strconv.Atoi(c.Query("limit", strconv.Itoa(def)))
	if err != nil || limit < 1 || limit > max {
		v.Add("limit", "must be from 1 to "+strconv.Itoa(max))
	}
	offset, err = strconv.Atoi(c.Query("offset", "0"))
	if err != nil || offset < 0 {
		v.Add("offset", "must be 0 or more")
	}
	return limit, offset
}
