package main

import (
	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// ending is a stream record that is a job's transition into a final state: the job as it ended.
// The rule (the event source's filters apply the same one, so most other records never arrive):
// the new image is final and the old image is missing (a job created final) or not final. Late
// fills on a final job, progress events and the notifier's own notified_at write are not endings.
func ending(rec events.DynamoDBEventRecord) (tables.StatusItem, bool, string) {
	if rec.EventName != string(events.DynamoDBOperationTypeInsert) && rec.EventName != string(events.DynamoDBOperationTypeModify) {
		return tables.StatusItem{}, false, "not an insert or a modification: " + rec.EventName
	}
	now, err := ddb.UnmarshalStreamImage[tables.StatusItem](rec.Change.NewImage)
	if err != nil {
		return now, false, "no readable new image: " + err.Error()
	}
	if !now.Status.Final() {
		return now, false, "the job is not final: " + string(now.Status)
	}
	if now.NotifiedAt != "" {
		return now, false, "already notified at " + now.NotifiedAt
	}
	if len(rec.Change.OldImage) > 0 {
		before, err := ddb.UnmarshalStreamImage[tables.StatusItem](rec.Change.OldImage)
		if err == nil && before.Status.Final() {
			return now, false, "the job was already " + string(before.Status) + " (a late fill)"
		}
	}
	return now, true, ""
}
