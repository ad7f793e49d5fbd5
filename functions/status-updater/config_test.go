package main

import (
	"errors"
	"testing"
)

// TestLoadSettings: the function reads exactly deploy.StatusUpdaterFunction's variables, by their
// names there, with REQUEST_CONCURRENCY's default from there.
func TestLoadSettings(t *testing.T) {
	const table, dlq = "status", "https://sqs.us-east-1.amazonaws.com/1/training-events-dlq"
	cases := []struct {
		name string
		env  map[string]string
		want settings
		err  bool
	}{
		{"defaults", map[string]string{"STATUS_TABLE_NAME": table, "DEAD_LETTER_QUEUE_URL": dlq}, settings{table, dlq, 10}, false},
		{"concurrency set", map[string]string{"STATUS_TABLE_NAME": table, "DEAD_LETTER_QUEUE_URL": dlq, "REQUEST_CONCURRENCY": "3"}, settings{table, dlq, 3}, false},
		{"the old name is not read", map[string]string{"STATUS_TABLE_NAME": table, "DEAD_LETTER_QUEUE_URL": dlq, "MAX_CONCURRENCY": "3"}, settings{table, dlq, 10}, false},
		{"no table", map[string]string{"DEAD_LETTER_QUEUE_URL": dlq}, settings{}, true},
		{"no queue", map[string]string{"STATUS_TABLE_NAME": table}, settings{}, true},
		{"concurrency 0", map[string]string{"STATUS_TABLE_NAME": table, "DEAD_LETTER_QUEUE_URL": dlq, "REQUEST_CONCURRENCY": "0"}, settings{}, true},
		{"concurrency not a number", map[string]string{"STATUS_TABLE_NAME": table, "DEAD_LETTER_QUEUE_URL": dlq, "REQUEST_CONCURRENCY": "ten"}, settings{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loadSettings(func(k string) string { return tc.env[k] })
			if tc.err {
				if !errors.Is(err, ErrConfig) {
					t.Errorf("err = %v, want ErrConfig", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("loadSettings = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
