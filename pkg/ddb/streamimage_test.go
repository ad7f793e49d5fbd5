package ddb_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/ddb"
)

type streamed struct {
	ID     string            `dynamodbav:"id"`
	N      float64           `dynamodbav:"n"`
	OK     bool              `dynamodbav:"ok"`
	Tags   []string          `dynamodbav:"tags,stringset"`
	Nested map[string]string `dynamodbav:"nested"`
	List   []int             `dynamodbav:"list"`
	Blob   []byte            `dynamodbav:"blob"`
	Gone   *string           `dynamodbav:"gone"`
}

func TestUnmarshalStreamImage(t *testing.T) {
	// An image as Lambda delivers it: DynamoDB JSON.
	const image = `{"id":{"S":"a"},"n":{"N":"42.5"},"ok":{"BOOL":true},"tags":{"SS":["x","y"]},
		"nested":{"M":{"k":{"S":"v"}}},"list":{"L":[{"N":"1"},{"N":"2"}]},"blob":{"B":"AQI="},"gone":{"NULL":true}}`
	var av map[string]events.DynamoDBAttributeValue
	if err := json.Unmarshal([]byte(image), &av); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		image   map[string]events.DynamoDBAttributeValue
		want    streamed
		wantErr error
	}{
		{"every type", av, streamed{ID: "a", N: 42.5, OK: true, Tags: []string{"x", "y"}, Nested: map[string]string{"k": "v"}, List: []int{1, 2}, Blob: []byte{1, 2}}, nil},
		{"no image", nil, streamed{}, ddb.ErrNotFound},
		{"wrong type", map[string]events.DynamoDBAttributeValue{"n": events.NewStringAttribute("x")}, streamed{}, ddb.ErrInvalidItem},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ddb.UnmarshalStreamImage[streamed](tc.image)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && !reflect.DeepEqual(got, tc.want)) {
				t.Errorf("got %+v, %v; want %+v, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
