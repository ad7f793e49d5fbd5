package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// meAPI calls the signed-in user's routes of status-query (/me/...) with their ID token.
type meAPI struct {
	client *http.Client
	base   string // the API's base URL, without a trailing slash
	token  string // the Cognito ID token
}

// newMeAPI takes the API URL from the flag, $TRAINSTATUS_API_URL or the config file, and the ID
// token from the flag or $TRAINSTATUS_ID_TOKEN.
func newMeAPI(e *env, apiFlag, tokenFlag string) (*meAPI, error) {
	base := apiFlag
	if base == "" {
		c, err := loadConfigURL(e)
		if err != nil {
			return nil, err
		}
		base = c
	}
	if base == "" {
		return nil, usagef("--api-url or $%s is required (or `%s login`)", EnvAPIURL, programName)
	}
	tok, err := idToken(e, tokenFlag)
	if err != nil {
		return nil, err
	}
	return &meAPI{client: &http.Client{Timeout: 30 * time.Second}, base: trimSlash(base), token: tok}, nil
}

// loadConfigURL is the API URL of $TRAINSTATUS_API_URL, else of the config file.
func loadConfigURL(e *env) (string, error) {
	if u := e.getenv(EnvAPIURL); u != "" {
		return u, nil
	}
	c, _, err := readConfigFile(e)
	return c.APIURL, err
}

// do sends one request and decodes a 2xx answer into out (when not nil); any other answer is an
// error quoting the API's message.
func (a *meAPI) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s %s: 401 Unauthorized: the API refused the ID token (expired, or not from this API's user pool); sign in again", method, path)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return &apiError{Code: resp.StatusCode, Status: resp.Status, Message: apiMessage(b)}
	case out == nil:
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: unexpected answer: %s", method, path, oneLine(sanitize(string(b)), 200))
	}
	return nil
}

// apiError is an answer of the API other than 2xx and 401.
type apiError struct {
	Code    int    // 404
	Status  string // "404 Not Found"
	Message string // "not_found: ..." (sanitized)
}

func (e *apiError) Error() string { return e.Status + ": " + e.Message }

// trimSlash drops the trailing slashes of a base URL.
func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
