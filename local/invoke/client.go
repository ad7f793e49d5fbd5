package invoke

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Client calls a Lambda Invoke API (the Router's, or any compatible one) over HTTP.
type Client struct {
	Endpoint string // e.g. http://127.0.0.1:3001
	HTTP     *http.Client
}

// Invoke runs a RequestResponse invoke of function and returns its payload and function error.
func (c Client) Invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	u := c.Endpoint + "/2015-03-31/functions/" + url.PathEscape(function) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return Result{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return Result{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Result{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return Result{}, fmt.Errorf("invoke %s: HTTP %d: %s", function, resp.StatusCode, bytes.TrimSpace(body))
	}
	return Result{Payload: body, FunctionError: resp.Header.Get("X-Amz-Function-Error")}, nil
}
