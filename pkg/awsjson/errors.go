package awsjson

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/aws/smithy-go"
)

// errorBody is what AWS JSON and REST-JSON error answers carry.
type errorBody struct {
	Type        string `json:"__type"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	MessageCaps string `json:"Message"`
}

// apiError is the error an unsuccessful answer carries, as the generated clients read it: its
// code and message, and a fault from its status (or from the query-compatible header). A body
// that is not JSON (a proxy's HTML page) gives the code "UnknownError" and the body's start as
// the message.
func (c *Client) apiError(resp *http.Response, data []byte) error {
	var body errorBody
	message := ""
	if err := json.Unmarshal(data, &body); err != nil {
		message = strings.TrimSpace(string(snapshot(data)))
	}
	code := sanitizeCode(firstNonEmpty(resp.Header.Get("X-Amzn-ErrorType"), body.Type, body.Code))
	if code == "" {
		code = "UnknownError"
	}
	message = firstNonEmpty(body.Message, body.MessageCaps, message, http.StatusText(resp.StatusCode), code)
	fault := smithy.FaultClient
	if resp.StatusCode >= 500 {
		fault = smithy.FaultServer
	}
	if c.service.QueryCompatible {
		if q := resp.Header.Get("X-Amzn-Query-Error"); q != "" {
			code, fault = parseQueryError(q)
		}
	}
	return &smithy.GenericAPIError{Code: code, Message: message, Fault: fault}
}

// requestID is the id AWS gives the request, for support and logs.
func requestID(resp *http.Response) string {
	return firstNonEmpty(resp.Header.Get("X-Amzn-RequestId"), resp.Header.Get("X-Amz-Request-Id"))
}

// sanitizeCode drops anything after a colon ("ThrottlingException:http://internal...") and then
// a code's namespace ("com.amazonaws.sqs#QueueDoesNotExist"), in smithy-go's order.
func sanitizeCode(code string) string {
	code, _, _ = strings.Cut(code, ":")
	if _, rest, ok := strings.Cut(code, "#"); ok {
		code = rest
	}
	return strings.TrimSpace(code)
}

// parseQueryError reads x-amzn-query-error: "AWS.SimpleQueueService.NonExistentQueue;Sender".
func parseQueryError(header string) (string, smithy.ErrorFault) {
	code, fault, _ := strings.Cut(header, ";")
	switch fault {
	case "Sender":
		return code, smithy.FaultClient
	case "Receiver":
		return code, smithy.FaultServer
	}
	return code, smithy.FaultUnknown
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
