package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/sandbox"
	"github.com/deskmate/deskmate/store"
)

// APIError is an error a handler returns to give the client a specific status,
// machine-readable code and message.
type APIError struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
}

func (e *APIError) Error() string { return e.Message }

// errorBody is the one error shape every endpoint returns:
// {"error":{"code":"not_found","message":"...","request_id":"..."}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	RequestID string            `json:"request_id,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
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

// classify maps an error to the status and body the client sees.
func classify(err error) (int, errorDetail) {
	var apiErr *APIError
	var fe *fiber.Error
	var ve *validate.Error
	var ce *store.ConflictError
	var le *store.LimitError
	var te *account.ThrottledError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Status, errorDetail{Code: apiErr.Code, Message: apiErr.Message, Fields: apiErr.Fields}
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, errorDetail{Code: "invalid", Message: ve.Error(), Fields: ve.Fields}
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, errorDetail{Code: "not_found", Message: "not found"}
	case errors.Is(err, connector.ErrBadSecret):
		return http.StatusUnauthorized, errorDetail{Code: "unauthorized", Message: err.Error()}
	case errors.Is(err, connector.ErrTicketNotFound), errors.Is(err, sandbox.ErrNoTicket):
		return http.StatusNotFound, errorDetail{Code: "not_found", Message: err.Error()}
	case errors.Is(err, connector.ErrNotConnected), errors.Is(err, connector.ErrOAuthUnavailable),
		errors.Is(err, connector.ErrBadOAuthState), errors.Is(err, connector.ErrNoPublicURL):
		return http.StatusConflict, errorDetail{Code: "not_connected", Message: err.Error()}
	case errors.Is(err, sandbox.ErrUnavailable), errors.Is(err, sandbox.ErrNotSandbox):
		return http.StatusConflict, errorDetail{Code: "sandbox_unavailable", Message: err.Error()}
	case gorgiasError(err):
		return http.StatusBadGateway, errorDetail{Code: "gorgias_error", Message: err.Error()}
	case errors.As(err, &le):
		return http.StatusConflict, errorDetail{Code: "limit_reached", Message: le.Error()}
	case errors.As(err, &ce):
		return http.StatusConflict, errorDetail{Code: "conflict", Message: "already exists"}
	case errors.Is(err, account.ErrInvalidCredentials):
		return http.StatusUnauthorized, errorDetail{Code: "invalid_credentials", Message: err.Error()}
	case errors.Is(err, account.ErrUnauthenticated):
		return http.StatusUnauthorized, errorDetail{Code: "unauthorized", Message: "sign in first"}
	case errors.Is(err, account.ErrForbidden):
		return http.StatusForbidden, errorDetail{Code: "forbidden", Message: err.Error()}
	case errors.Is(err, account.ErrLastOwner), errors.Is(err, account.ErrAlreadySetUp):
		return http.StatusConflict, errorDetail{Code: "conflict", Message: err.Error()}
	case errors.As(err, &te):
		return http.StatusTooManyRequests, errorDetail{Code: "too_many_requests", Message: te.Error()}
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
		return fe.Code, errorDetail{Code: code, Message: msg}
	default:
		return http.StatusInternalServerError, errorDetail{Code: "internal_error", Message: "internal server error"}
	}
}

// writeError sends the error envelope. Causes of 5xx responses are logged,
// never sent: they may hold internals.
func writeError(c *fiber.Ctx, logger *slog.Logger, err error) error {
	status, detail := classify(err)
	detail.RequestID = requestID(c)
	if status >= 500 {
		logger.Error("request failed", "request_id", detail.RequestID, "method", c.Method(), "path", logPath(c), "error", err)
	}
	var te *account.ThrottledError
	if errors.As(err, &te) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(te.RetryAfter.Seconds()+0.999)))
	}
	return c.Status(status).JSON(errorBody{Error: detail})
}

// gorgiasError reports whether err is Gorgias' answer, or a failure to
// reach it: the admin needs to read it (a wrong key, a wrong address).
func gorgiasError(err error) bool {
	var ae *gorgias.APIError
	var ue *url.Error
	return errors.As(err, &ae) || errors.As(err, &ue) || errors.Is(err, gorgias.ErrResponseTooLarge)
}
