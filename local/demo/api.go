package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// answer is one answer of the HTTP API.
type answer struct {
	code int
	body []byte
	etag string
}

// get asks the HTTP API for path with token ("" for none) and If-None-Match etag ("" for none).
func get(ctx context.Context, base, path, token, etag string) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return answer{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return answer{}, fmt.Errorf("GET %s: %w", path, err)
	}
	return answer{code: resp.StatusCode, body: body, etag: resp.Header.Get("ETag")}, nil
}

// jobPath is the API path of a job.
func jobPath(id string) string { return "/status/" + url.PathEscape(id) }
