package stack

import (
	"slices"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestFunctionsRenderTheDescription proves the local rendering gives every function exactly the
// variables pkg/deploy describes (infra/'s synthesis tests prove the same of the templates), each
// resource resolved and each setting defaulted, and nothing else but the SDK's own.
func TestFunctionsRenderTheDescription(t *testing.T) {
	cfg := Defaults().fill(t.TempDir())
	resources := map[deploy.Resource]string{}
	for _, r := range []deploy.Resource{deploy.StatusTableName, deploy.UserTableName, deploy.DeadLetterQueueURL,
		deploy.CursorKey, deploy.CursorKeyPrevious, deploy.NotificationSender, deploy.TrackerPageURL,
		deploy.TokensTableName, deploy.RateLimitTableName, deploy.EventsQueueURL} {
		resources[r] = "value of " + string(r)
	}
	fns := functions(cfg, endpoints{DynamoDB: "http://ddb", SQS: "http://sqs", SESv2: "http://ses"}, resources)
	if len(fns) != len(deploy.Functions) {
		t.Fatalf("%d functions rendered, %d described", len(fns), len(deploy.Functions))
	}
	for i, spec := range deploy.Functions {
		fn := fns[i]
		if fn.Name != spec.Name || fn.Timeout != spec.Timeout || fn.MemoryMB != spec.MemoryMB {
			t.Errorf("%s rendered as %+v", spec.Name, fn)
		}
		var own []string
		for name := range fn.Env {
			if !strings.HasPrefix(name, "AWS_") {
				own = append(own, name)
			}
		}
		var want []string
		for _, v := range spec.Env {
			want = append(want, v.Name)
			got := fn.Env[v.Name]
			switch {
			case !v.IsSetting() && got != resources[v.Resource]:
				t.Errorf("%s %s = %q, want the %s", spec.Name, v.Name, got, v.Resource)
			case v.IsSetting() && v.Name != deploy.LogLevelVar.Name && got != v.Default:
				t.Errorf("%s %s = %q, want its default %q", spec.Name, v.Name, got, v.Default)
			}
		}
		slices.Sort(own)
		slices.Sort(want)
		if !slices.Equal(own, want) {
			t.Errorf("%s reads %v, described %v", spec.Name, own, want)
		}
		if fn.Env["AWS_ENDPOINT_URL_DYNAMODB"] != "http://ddb" || fn.Env["AWS_DEFAULT_REGION"] == "" {
			t.Errorf("%s SDK environment: %v", spec.Name, fn.Env)
		}
	}
}

func TestRoutesRenderTheDescription(t *testing.T) {
	got := routes()
	if len(got) != len(deploy.Routes) {
		t.Fatalf("%d routes, %d described", len(got), len(deploy.Routes))
	}
	for i, r := range deploy.Routes {
		if got[i].Key() != r.Key() || got[i].Function != r.Function || got[i].NoAuth != (r.Auth == deploy.AuthFunction) {
			t.Errorf("route %d = %+v, want %s -> %s", i, got[i], r.Key(), r.Function)
		}
	}
}
