package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestWorst(t *testing.T) {
	cases := []struct {
		l    Limits
		want time.Duration
	}{
		{Limits{AttemptTimeout: 800 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 200 * time.Millisecond}, 2800 * time.Millisecond},
		{Limits{AttemptTimeout: time.Second, MaxAttempts: 1, MaxBackoff: time.Second}, time.Second},
	}
	for _, tc := range cases {
		if got := tc.l.Worst(); got != tc.want {
			t.Errorf("%+v: Worst = %v, want %v", tc.l, got, tc.want)
		}
	}
}

// failingDynamoDB answers every request as DynamoDB does when it fails on its side (a 500
// InternalServerError, which the SDK retries) and counts the requests it saw.
func failingDynamoDB(t *testing.T) (url string, requests *atomic.Int64) {
	requests = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		const body = `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected fault"}`
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		// DynamoDB signs its bodies with a CRC32 the client checks.
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 10))
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requests
}

// TestRetryQuotaUnderSustainedFaults (issue 12.6): while DynamoDB keeps failing, every call still
// makes its MaxAttempts attempts (the server counts them) when the retry budget is off, the
// zero value; with the SDK's default budget, the setting before, it runs dry and the later calls
// make a single attempt and fail with "retry quota exceeded".
func TestRetryQuotaUnderSustainedFaults(t *testing.T) {
	const calls = 60
	cases := []struct {
		name  string
		quota uint
		// want says whether call i (from 0) with n attempts and error err is what is expected.
		want func(i int, n int64, err error) error
	}{
		{"budget off (zero value)", 0, func(i int, n int64, err error) error {
			var maxed *retry.MaxAttemptsError
			if n != 3 || !errors.As(err, &maxed) {
				return fmt.Errorf("%d attempts, error %v; want 3 attempts and exceeded maximum number of attempts", n, err)
			}
			return nil
		}},
		{"SDK default budget (before)", retry.DefaultRetryRateTokens, func(i int, n int64, err error) error {
			var quota ratelimit.QuotaExceededError
			if i == calls-1 && (n != 1 || !errors.As(err, &quota)) {
				return fmt.Errorf("%d attempts, error %v; want the budget dry: 1 attempt, retry quota exceeded", n, err)
			}
			return nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, requests := failingDynamoDB(t)
			useEnv(t, with(lambdaEnv, "AWS_ENDPOINT_URL_DYNAMODB", url))
			l := testLimits
			l.RetryQuota = tc.quota
			cfg, err := FromEnv(l)
			if err != nil {
				t.Fatal(err)
			}
			db := dynamodb.NewFromConfig(cfg)
			var total int64
			for i := range calls {
				before := requests.Load()
				_, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{
					TableName: aws.String("status"),
					Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "job-123"}},
				})
				n := requests.Load() - before
				total += n
				var ise *types.InternalServerError
				if !errors.As(err, &ise) {
					t.Fatalf("call %d: error %v, want the injected InternalServerError", i, err)
				}
				if err := tc.want(i, n, err); err != nil {
					t.Errorf("call %d: %v", i, err)
				}
			}
			t.Logf("%d calls, %d requests", calls, total)
		})
	}
}
