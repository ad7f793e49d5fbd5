package tables

import (
	"hash/fnv"
	"strconv"
	"time"
)

// IndexOpen is the status table's sparse GSI of the jobs that are not final: the stall sweep's
// access path (it Queries the OpenShards partitions; it never scans the table).
//
// Why this shape (the numbers are in BENCHMARKS.md, "stall-sweep"):
//   - Sparse: only an item with open_shard is in it. The tracker sets open_shard in the write that
//     applies a non-final event and removes it in the write that applies a final one, so a
//     finished job leaves the index and the sweep reads only jobs that can stall.
//   - Its key does not move with progress: the partition is the job's shard (a hash of its key,
//     the same for its whole life) and the sort key its start time (timestamp, which only a late
//     STARTED event moves, once).
//   - KEYS_ONLY: an index is written only when an attribute it holds changes, so with a stable
//     key and no other attribute, a progress event does not write it at all: an event costs
//     exactly what it cost before the index (the item and the by_started LSI). A job costs the
//     index one write when it opens and one when it ends. The sweep then reads the open items
//     themselves (BatchGetItem, half a read unit each, eventually consistent). Projecting what
//     the sweep decides on (updated_at above all) instead would spare those reads but write the
//     index with every event: a write unit costs five times a read unit and ten times an
//     eventually consistent one, and jobs report (heartbeat) at least as often as the sweep runs,
//     so that is the dearer side by an order of magnitude.
//   - A fixed small number of shards instead of one partition: only opens and ends write the
//     index, so the shards are for reading (a sweep may Query them at once) and for keeping a
//     burst of new jobs off one partition; a sweep costs OpenShards queries at least.
const IndexOpen = "open_jobs"

// OpenShards is the number of partitions of IndexOpen. The sweep queries open#0..open#(N-1);
// changing it needs every open job re-sharded, so it is a constant, not a setting.
const OpenShards = 8

// Attribute names of the stall bookkeeping.
const (
	// AttrOpenShard is IndexOpen's partition key: present exactly while the job is not final.
	AttrOpenShard = "open_shard"
	// AttrStallAlertedFor records a stall episode: the updated_at of the silence the sweep found
	// too long. Written once per episode by the sweep (conditionally), removed by the tracker with
	// every event it applies in order, which starts a new episode.
	AttrStallAlertedFor = "stall_alerted_for"
	// AttrStallNotifiedFor is the notifier's mark for a stall alert: the episode (the
	// stall_alerted_for value) it delivered.
	AttrStallNotifiedFor = "stall_notified_for"
)

// OpenShard is the IndexOpen partition of the job (user, request): "open#" and a number below
// OpenShards, fixed by the key, so every event of the job names the same one.
func OpenShard(userID, requestID string) string {
	h := fnv.New32a()
	h.Write([]byte(userID))
	h.Write([]byte{0})
	h.Write([]byte(requestID))
	return OpenShardName(int(h.Sum32() % OpenShards))
}

// OpenShardName is the name of IndexOpen's partition i (0 <= i < OpenShards).
func OpenShardName(i int) string { return "open#" + strconv.Itoa(i) }

// StallWindow is the job's stall window: its own (stall_after_seconds), or def when it gave none.
// The API's "stalled" flag and the stall sweep both use it.
func (it StatusItem) StallWindow(def time.Duration) time.Duration {
	if it.StallAfterSeconds > 0 {
		return time.Duration(it.StallAfterSeconds) * time.Second
	}
	return def
}
