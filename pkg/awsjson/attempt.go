package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// attempt sends one signed request and reads its answer.
func (c *Client) attempt(ctx context.Context, op Operation, body []byte, out any) error {
	path := op.Path
	if path == "" {
		path = "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+path, bytes.NewReader(body))
	if err != nil {
		return &smithy.SerializationError{Err: err}
	}
	req.Header.Set("Content-Type", op.contentType())
	req.Header.Set("User-Agent", c.userAgent)
	if op.Target != "" {
		req.Header.Set("X-Amz-Target", op.Target)
	}
	if trace := traceHeader(); trace != "" {
		req.Header.Set("X-Amzn-Trace-Id", trace)
	}
	if c.service.QueryCompatible {
		// Asks the service for the query protocol's error code in x-amzn-query-error, as the
		// generated client does.
		req.Header.Set("X-Amzn-Query-Mode", "true")
	}
	creds, err := c.credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("failed to retrieve credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), c.service.SigningName, c.region, time.Now()); err != nil {
		return fmt.Errorf("failed to sign the request: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// The caller's deadline or cancellation, not the connection: not retried (as
			// smithy-go's client reports it).
			return &smithy.CanceledError{Err: ctx.Err()}
		}
		// As the SDK does, a send failure is also a ResponseError, of status 0.
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{}}, Err: &smithyhttp.RequestSendError{Err: err}}}
	}
	defer resp.Body.Close()
	if err := c.read(resp, out); err != nil {
		// As the SDK does, every failure after an answer carries the answer's status and request
		// id, so that the retryer sees a 5xx even when its body could not be read.
		return &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: err},
			RequestID:     requestID(resp),
		}
	}
	return nil
}

// read decodes a successful answer into out, or returns the error an unsuccessful one carries.
func (c *Client) read(resp *http.Response, out any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return &smithy.DeserializationError{Err: fmt.Errorf("failed to read the response body: %w", err)}
	}
	if len(data) > MaxResponseBytes {
		return &smithy.DeserializationError{Err: fmt.Errorf("response body larger than %d bytes", MaxResponseBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(resp, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &smithy.DeserializationError{Err: fmt.Errorf("failed to decode the response body: %w", err), Snapshot: snapshot(data)}
	}
	return nil
}

// snapshot is the start of a body, for an error.
func snapshot(data []byte) []byte { return data[:min(len(data), 1024)] }
