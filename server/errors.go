package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/store"
)

// APIError is an error a handler returns to give the client a specific status,
// machine-readable code and message.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Message }

// errorBody is the one error shape every endpoint returns:
// {"error":{"code":"not_found","message":"...","request_id":"..."}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

var statusCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestTimeout:        "timeout",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusUnprocessableEntity:   "invalid",
	http.StatusTooManyRequests:       "too_many_requests",
	http.StatusServiceUnavailable:    "unavailable",
}

// classify maps an error to status, code and client-facing message.
func classify(err error) (int, string, string) {
	var apiErr *APIError
	var fe *fiber.Error
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Status, apiErr.Code, apiErr.Message
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not_found", "not found"
	case errors.As(err, &fe):
		code, ok := statusCodes[fe.Code]
		if !ok {
			code = strings.ReplaceAll(strings.ToLower(http.StatusText(fe.Code)), " ", "_")
		}
		msg := fe.Message
		if fe.Code == http.StatusRequestEntityTooLarge {
			msg = "request body is too large"
		}
		if fe.Code >= 500 {
			msg = http.StatusText(fe.Code)
		}
		return fe.Code, code, msg
	default:
		return http.StatusInternalServerError, "internal_error", "internal server error"
	}
}

// writeError sends the error envelope. Causes of 5xx responses are logged,
// never sent: they may hold internals.
func writeError(c *fiber.Ctx, logger *slog.Logger, err error) error {
	status, code, msg := classify(err)
	rid := requestID(c)
	if status >= 500 {
		logger.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
	}
	return c.Status(status).JSON(errorBody{Error: errorDetail{Code: code, Message: msg, RequestID: rid}})
}
