package tables

import (
	"strconv"

	"github.com/trainstatus/trainstatus/pkg/ddb"
)

// Attribute names of the rate-limit table.
const (
	AttrWindowKey = "window_key"
	AttrCount     = "count"
	// AttrRateExpiresAt is the window item's TTL: DynamoDB deletes past windows.
	AttrRateExpiresAt = "expires_at"
)

// RateWindowItem counts what one user sent through the ingest endpoint in one fixed window,
// across every instance of the function: the key is "<user_id>#<window start, epoch seconds>",
// and each request adds its events with one conditional UpdateItem (ADD, under "the sum stays
// within the limit"). Past windows expire by TTL.
type RateWindowItem struct {
	WindowKey string `dynamodbav:"window_key"`
	Count     int64  `dynamodbav:"count"`
	ExpiresAt int64  `dynamodbav:"expires_at"`
}

// RateWindowKey is the key of user's window starting at start (epoch seconds).
func RateWindowKey(user string, start int64) ddb.Key {
	return ddb.Key{Partition: user + "#" + strconv.FormatInt(start, 10)}
}

// RateWindowSchema is the rate-limit table's definition.
var RateWindowSchema = ddb.MustSchema[RateWindowItem](ddb.Definition{
	PartitionKey: AttrWindowKey,
	TTL:          AttrRateExpiresAt,
})
