package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// decodeBody reads a request's JSON body into v strictly: at most max bytes, valid UTF-8, one
// JSON object and nothing after it, only the fields v has, each of its type. Anything else is a
// 400 that says what is wrong (the codes of response.go), so a client's typo ("email_notification")
// is an error rather than a request that silently changes nothing.
func decodeBody(req events.APIGatewayV2HTTPRequest, max int, v any) *apiError {
	raw := req.Body
	if req.IsBase64Encoded {
		if base64.StdEncoding.DecodedLen(len(raw)) > max+2 { // checked before decoding anything large
			return bodyTooLarge(max)
		}
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return badRequest(CodeInvalidBody, "the body is not valid base64")
		}
		raw = string(b)
	}
	if len(raw) > max {
		return bodyTooLarge(max)
	}
	if !utf8.ValidString(raw) {
		return badRequest(CodeInvalidBody, "the body is not valid UTF-8")
	}
	if !strings.HasPrefix(strings.TrimLeft(raw, " \t\r\n"), "{") { // not null, a list, a number...
		return badRequest(CodeInvalidBody, "the body must be a JSON object")
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest(CodeInvalidBody, "the body holds something after its JSON object")
	}
	return checkFields(raw, jsonNames(v))
}

// checkFields walks the top level of the (valid) JSON object raw: every field must be named
// exactly as in names, once. encoding/json would take "Email_Notifications" for
// "email_notifications" and keep the last of two values silently.
func checkFields(raw string, names map[string]bool) *apiError {
	dec := json.NewDecoder(strings.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening brace
		return badRequest(CodeInvalidBody, "the body is not a valid JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		name, isKey := tok.(string)
		if err != nil || !isKey {
			return badRequest(CodeInvalidBody, "the body is not a valid JSON object")
		}
		switch {
		case !names[name]:
			return badRequest(CodeUnknownField, fmt.Sprintf("unknown field %q", name))
		case seen[name]:
			return badRequest(CodeInvalidBody, fmt.Sprintf("field %q is given more than once", name))
		}
		seen[name] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return badRequest(CodeInvalidBody, "the body is not a valid JSON object")
		}
	}
	return nil
}

// jsonNames are the JSON field names of the struct v points to.
func jsonNames(v any) map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// bodyError turns a decoding error into the answer that says what is wrong.
func bodyError(err error) *apiError {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return badRequest(CodeInvalidField, fmt.Sprintf("%s cannot be a JSON %s", typeErr.Field, typeErr.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no type for this error; its text is stable ("json: unknown field \"x\"").
		return badRequest(CodeUnknownField, "unknown field "+strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		return badRequest(CodeInvalidBody, "the body is not a valid JSON object")
	}
}

func bodyTooLarge(max int) *apiError {
	return badRequest(CodeBodyTooLarge, fmt.Sprintf("the body must be at most %d bytes", max))
}
