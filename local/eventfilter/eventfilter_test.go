package eventfilter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/local/eventfilter"
)

// record is a DynamoDB stream record as Lambda presents it to the filter: a job's transition
// from RUNNING to SUCCESS on the status table.
const record = `{
  "eventID": "7a877840-f5d0-4cf3-b7e8-4d98d9c165c7",
  "eventName": "MODIFY",
  "eventVersion": "1.1",
  "eventSource": "aws:dynamodb",
  "awsRegion": "us-east-1",
  "dynamodb": {
    "ApproximateCreationDateTime": 1795687320,
    "Keys": {"request_id": {"S": "job-1"}},
    "NewImage": {"request_id": {"S": "job-1"}, "status": {"S": "SUCCESS"}, "progress": {"N": "100"},
                 "tags": {"SS": ["gpu", "resnet"]}, "notified": {"NULL": true}},
    "OldImage": {"request_id": {"S": "job-1"}, "status": {"S": "RUNNING"}, "progress": {"N": "97"}},
    "SequenceNumber": "000000000000000000042",
    "SizeBytes": 128,
    "StreamViewType": "NEW_AND_OLD_IMAGES"
  },
  "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/status/stream/2026-11-26T10:02:01.059",
  "weights": [1, 2.5, null],
  "empty": [],
  "nothing": null
}`

// finalTransition is the notifier's filter: a new image that is final whose old image is missing
// or not final.
const finalTransition = `{"dynamodb": {"NewImage": {"status": {"S": ["SUCCESS", "FAILED"]}},
  "$or": [{"OldImage": {"status": {"S": [{"anything-but": ["SUCCESS", "FAILED"]}]}}},
          {"OldImage": {"status": {"S": [{"exists": false}]}}}]}}`

func TestMatch(t *testing.T) {
	cases := []struct {
		name     string
		patterns []string
		want     bool
	}{
		{"no pattern keeps everything", nil, true},
		{"exact string", []string{`{"eventName": ["MODIFY"]}`}, true},
		{"exact string, other value", []string{`{"eventName": ["INSERT"]}`}, false},
		{"one of several values", []string{`{"eventName": ["INSERT", "MODIFY"]}`}, true},
		{"nested DynamoDB JSON", []string{`{"dynamodb": {"NewImage": {"status": {"S": ["SUCCESS"]}}}}`}, true},
		{"nested, other value", []string{`{"dynamodb": {"NewImage": {"status": {"S": ["FAILED"]}}}}`}, false},
		{"all fields must match", []string{`{"eventName": ["MODIFY"], "dynamodb": {"OldImage": {"status": {"S": ["SUCCESS"]}}}}`}, false},
		{"patterns are OR'd", []string{`{"eventName": ["INSERT"]}`, `{"eventName": ["REMOVE"]}`, `{"eventName": ["MODIFY"]}`}, true},
		{"no pattern of several matches", []string{`{"eventName": ["INSERT"]}`, `{"eventName": ["REMOVE"]}`}, false},
		{"number compares as a number", []string{`{"dynamodb": {"SizeBytes": [128.0]}}`}, true},
		{"a number never matches a string", []string{`{"dynamodb": {"SizeBytes": ["128"]}}`}, false},
		{"DynamoDB N is a string: a number does not match it", []string{`{"dynamodb": {"NewImage": {"progress": {"N": [100]}}}}`}, false},
		{"DynamoDB N matched as a string", []string{`{"dynamodb": {"NewImage": {"progress": {"N": ["100"]}}}}`}, true},
		{"null matches a null leaf", []string{`{"nothing": [null]}`}, true},
		{"null does not match a missing field", []string{`{"absent": [null]}`}, false},
		{"boolean", []string{`{"dynamodb": {"NewImage": {"notified": {"NULL": [true]}}}}`}, true},
		{"array in the event: any element", []string{`{"dynamodb": {"NewImage": {"tags": {"SS": ["resnet"]}}}}`}, true},
		{"array in the event: no element", []string{`{"dynamodb": {"NewImage": {"tags": {"SS": ["cpu"]}}}}`}, false},
		{"array of numbers and null", []string{`{"weights": [2.5]}`}, true},
		{"exists true on a leaf", []string{`{"dynamodb": {"NewImage": {"status": {"S": [{"exists": true}]}}}}`}, true},
		{"exists true on an intermediate node never matches", []string{`{"dynamodb": {"NewImage": {"status": [{"exists": true}]}}}`}, false},
		{"exists true on a missing field", []string{`{"dynamodb": {"OldImage": {"error": {"S": [{"exists": true}]}}}}`}, false},
		{"exists false on a missing field", []string{`{"dynamodb": {"OldImage": {"error": {"S": [{"exists": false}]}}}}`}, true},
		{"exists false on a present field", []string{`{"dynamodb": {"OldImage": {"status": {"S": [{"exists": false}]}}}}`}, false},
		{"exists false on an empty array", []string{`{"empty": [{"exists": false}]}`}, true},
		{"exists true on a null leaf", []string{`{"nothing": [{"exists": true}]}`}, true},
		{"anything-but single value", []string{`{"eventName": [{"anything-but": "INSERT"}]}`}, true},
		{"anything-but the value", []string{`{"eventName": [{"anything-but": "MODIFY"}]}`}, false},
		{"anything-but a list", []string{`{"dynamodb": {"OldImage": {"status": {"S": [{"anything-but": ["SUCCESS", "FAILED"]}]}}}}`}, true},
		{"anything-but a list holding the value", []string{`{"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["SUCCESS", "FAILED"]}]}}}}`}, false},
		{"anything-but on a missing field does not match", []string{`{"dynamodb": {"OldImage": {"error": {"S": [{"anything-but": ["x"]}]}}}}`}, false},
		{"anything-but a number", []string{`{"dynamodb": {"SizeBytes": [{"anything-but": 128}]}}`}, false},
		{"anything-but numbers, another number", []string{`{"dynamodb": {"SizeBytes": [{"anything-but": [1, 2]}]}}`}, true},
		{"anything-but prefix", []string{`{"eventName": [{"anything-but": {"prefix": "MOD"}}]}`}, false},
		{"anything-but suffix", []string{`{"eventName": [{"anything-but": {"suffix": "ERT"}}]}`}, true},
		{"anything-but equals-ignore-case", []string{`{"eventName": [{"anything-but": {"equals-ignore-case": ["modify"]}}]}`}, false},
		{"prefix", []string{`{"eventSourceARN": [{"prefix": "arn:aws:dynamodb:us-east-1:"}]}`}, true},
		{"prefix, other", []string{`{"eventSourceARN": [{"prefix": "arn:aws:sqs:"}]}`}, false},
		{"prefix ignoring case", []string{`{"eventName": [{"prefix": {"equals-ignore-case": "mod"}}]}`}, true},
		{"prefix never matches a number", []string{`{"dynamodb": {"SizeBytes": [{"prefix": "12"}]}}`}, false},
		{"suffix", []string{`{"dynamodb": {"Keys": {"request_id": {"S": [{"suffix": "-1"}]}}}}`}, true},
		{"equals-ignore-case", []string{`{"eventName": [{"equals-ignore-case": "modify"}]}`}, true},
		{"numeric range", []string{`{"dynamodb": {"SizeBytes": [{"numeric": [">", 0, "<=", 128]}]}}`}, true},
		{"numeric range, outside", []string{`{"dynamodb": {"SizeBytes": [{"numeric": [">", 128]}]}}`}, false},
		{"numeric equals", []string{`{"dynamodb": {"SizeBytes": [{"numeric": ["=", 1.28e2]}]}}`}, true},
		{"numeric over an array", []string{`{"weights": [{"numeric": [">=", 2, "<", 3]}]}`}, true},
		{"numeric never matches a string", []string{`{"dynamodb": {"NewImage": {"progress": {"N": [{"numeric": [">", 0]}]}}}}`}, false},
		{"conditions of a field are OR'd", []string{`{"eventName": ["INSERT", {"prefix": "MOD"}]}`}, true},
		{"$or: one alternative", []string{`{"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"SizeBytes": [128]}}]}`}, true},
		{"$or: no alternative", []string{`{"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"SizeBytes": [1]}}]}`}, false},
		{"$or with another field", []string{`{"eventName": ["REMOVE"], "$or": [{"eventName": ["MODIFY"]}, {"awsRegion": ["us-east-1"]}]}`}, false},
		{"the notifier's filter: final transition", []string{finalTransition}, true},
	}
	rec, err := eventfilter.ParseRecord([]byte(record))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := eventfilter.Compile(tc.patterns)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := c.Match(rec); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFinalTransition runs the notifier's filter over the records one job produces.
func TestFinalTransition(t *testing.T) {
	c := eventfilter.MustCompile(finalTransition)
	cases := []struct {
		name, record string
		want         bool
	}{
		{"insert straight to SUCCESS", `{"eventName":"INSERT","dynamodb":{"NewImage":{"status":{"S":"SUCCESS"}}}}`, true},
		{"RUNNING to FAILED", `{"eventName":"MODIFY","dynamodb":{"NewImage":{"status":{"S":"FAILED"}},"OldImage":{"status":{"S":"RUNNING"}}}}`, true},
		{"old image without status", `{"eventName":"MODIFY","dynamodb":{"NewImage":{"status":{"S":"SUCCESS"}},"OldImage":{"request_id":{"S":"j"}}}}`, true},
		{"progress event", `{"eventName":"MODIFY","dynamodb":{"NewImage":{"status":{"S":"RUNNING"}},"OldImage":{"status":{"S":"RUNNING"}}}}`, false},
		{"late fill on a final job", `{"eventName":"MODIFY","dynamodb":{"NewImage":{"status":{"S":"SUCCESS"}},"OldImage":{"status":{"S":"SUCCESS"}}}}`, false},
		{"notifier's own write", `{"eventName":"MODIFY","dynamodb":{"NewImage":{"status":{"S":"FAILED"},"notified_at":{"S":"t"}},"OldImage":{"status":{"S":"FAILED"}}}}`, false},
		{"remove", `{"eventName":"REMOVE","dynamodb":{"OldImage":{"status":{"S":"SUCCESS"}}}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.MatchJSON([]byte(tc.record))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("MatchJSON = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompileRefuses(t *testing.T) {
	six := make([]string, 6)
	for i := range six {
		six[i] = `{"eventName": ["INSERT"]}`
	}
	cases := []struct {
		name     string
		patterns []string
		wantText string
	}{
		{"not JSON", []string{`{"eventName": [`}, "not JSON"},
		{"not an object", []string{`["INSERT"]`}, "JSON object"},
		{"trailing data", []string{`{"eventName": ["INSERT"]} {}`}, "trailing"},
		{"empty pattern", []string{`{}`}, "empty object"},
		{"leaf not in an array", []string{`{"eventName": "INSERT"}`}, "must be in an array"},
		{"empty array", []string{`{"eventName": []}`}, "empty array"},
		{"array in an array", []string{`{"eventName": [["INSERT"]]}`}, "match value"},
		{"unknown operator", []string{`{"eventName": [{"startswith": "I"}]}`}, "unknown operator"},
		{"two operators in one object", []string{`{"eventName": [{"prefix": "I", "suffix": "T"}]}`}, "exactly one key"},
		{"unsupported wildcard", []string{`{"eventName": [{"wildcard": "I*"}]}`}, "not supported"},
		{"exists not a boolean", []string{`{"eventName": [{"exists": "yes"}]}`}, "true or false"},
		{"prefix not a string", []string{`{"eventName": [{"prefix": 1}]}`}, "prefix takes"},
		{"anything-but empty list", []string{`{"eventName": [{"anything-but": []}]}`}, "non-empty"},
		{"anything-but mixed list", []string{`{"eventName": [{"anything-but": ["a", 1]}]}`}, "not both"},
		{"anything-but null", []string{`{"eventName": [{"anything-but": null}]}`}, "anything-but takes"},
		{"numeric odd list", []string{`{"n": [{"numeric": [">", 0, "<"]}]}`}, "pairs"},
		{"numeric unknown operator", []string{`{"n": [{"numeric": ["!=", 0]}]}`}, "unknown operator"},
		{"numeric two lower bounds", []string{`{"n": [{"numeric": [">", 0, ">=", 1]}]}`}, "two lower"},
		{"numeric empty range", []string{`{"n": [{"numeric": [">", 5, "<", 1]}]}`}, "empty range"},
		{"numeric string bound", []string{`{"n": [{"numeric": [">", "0"]}]}`}, "number was expected"},
		{"$or not an array", []string{`{"$or": {"eventName": ["INSERT"]}}`}, "$or takes"},
		{"$or of a non-object", []string{`{"$or": ["INSERT"]}`}, "alternative is an object"},
		{"second pattern invalid", []string{`{"eventName": ["INSERT"]}`, `{"eventName": 1}`}, "pattern 1"},
		{"too many filters", six, "6 filters"},
		{"pattern too long", []string{`{"eventName": ["` + strings.Repeat("x", 4096) + `"]}`}, "characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := eventfilter.Compile(tc.patterns)
			if !errors.Is(err, eventfilter.ErrInvalidPattern) {
				t.Fatalf("Compile = %v, %v; want an error wrapping ErrInvalidPattern", c, err)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
		})
	}
}
