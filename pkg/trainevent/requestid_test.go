package trainevent_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// SlugExamples are the rule's examples; the Python reporter's tests compare its slug with these
// (through clients/python/tests/formatcheck -slug), so that both reporters name runs alike.
var slugExamples = []struct{ name, want string }{
	{"resnet50", "resnet50"},
	{"ResNet50 / ImageNet  (fp16)", "resnet50-imagenet-fp16"},
	{"lr=0.1 bs_256", "lr-0.1-bs_256"},
	{"résumé v2", "r-sum-v2"},
	{"  ", "job"},
	{"", "job"},
	{"日本語", "job"},
	{"--.x.--", "x"},
	{"python train.py --epochs 3", "python-train.py-epochs-3"},
	{strings.Repeat("x", 300), strings.Repeat("x", trainevent.MaxSlugLen)},
	{strings.Repeat("a", 38) + " b c", strings.Repeat("a", 38) + "-b"},
	{strings.Repeat("a", 39) + " b", strings.Repeat("a", 39)},
}

func TestSlug(t *testing.T) {
	for _, tt := range slugExamples {
		if got := trainevent.Slug(tt.name); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNewRequestID(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 5, 0, time.FixedZone("CET", 3600))
	for _, tt := range slugExamples {
		id := trainevent.NewRequestID(tt.name, at)
		re := regexp.MustCompile(`^` + regexp.QuoteMeta(tt.want) + `-20261124-090005-[0-9a-f]{6}$`)
		if !re.MatchString(id) || !trainevent.ValidRequestID(id) {
			t.Errorf("NewRequestID(%q) = %q, want %s and a valid request id", tt.name, id, re)
		}
	}
	if a, b := trainevent.NewRequestID("x", at), trainevent.NewRequestID("x", at); a == b {
		t.Errorf("two runs in the same second got the same id %q", a)
	}
}
