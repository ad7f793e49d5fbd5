package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/infra/stacks"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestMain stops the jsii kernel (a node process) once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// check runs an assertions call and turns its panic (a failed expectation) into a test failure,
// so one broken expectation reports itself and the other checks still run.
func check(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
			if os.Getenv("INFRA_TEST_STACK") != "" {
				t.Logf("%s", debug.Stack())
			}
		}
	}()
	f()
}

// placeholderAssets writes a bootstrap for every function into a temporary directory. The tests
// do not need the real binaries (a cross-compile of four functions that other people are
// changing); the distinct contents give each function its own asset hash as the real ones do.
func placeholderAssets(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, fn := range deploy.Functions {
		if err := os.MkdirAll(filepath.Join(dir, fn.Name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn.Name, "bootstrap"), []byte("#!/bin/sh\n# placeholder for "+fn.Name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// placeholderWeb writes a page folder with an index.html, for the same reason: the page in
// web/static is someone else's work in progress, and its content does not change the templates
// beyond an asset hash.
func placeholderWeb(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stacks.WebIndex), []byte("<!doctype html><title>placeholder</title>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sender is the notification sender of the test deployments that deploy status-notifier.
const sender = "Trainstatus <notify@example.com>"

// synthesized is one synthesized deployment with its two templates.
type synthesized struct {
	sys                 *stacks.System
	stateful, stateless assertions.Template
	json                map[string]map[string]any // "stateful", "stateless" -> template
	labels              map[string]string         // JSON of a resolved reference -> readable label
	exports             map[string]any            // export name -> exported value
}

// newApp makes an app with the given context and placeholder assets, writing into a temp dir.
func newApp(t *testing.T, ctx map[string]any) awscdk.App {
	t.Helper()
	c := map[string]any{stacks.CtxAssetDir: placeholderAssets(t), stacks.CtxWebDir: placeholderWeb(t)}
	for k, v := range ctx {
		c[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &c, Outdir: jsii.String(t.TempDir())})
}

// synth declares the system with ctx and synthesizes it.
func synth(t *testing.T, ctx map[string]any) *synthesized {
	t.Helper()
	app := newApp(t, ctx)
	sys, err := stacks.New(app, nil)
	if err != nil {
		t.Fatalf("stacks.New: %v", err)
	}
	s := &synthesized{sys: sys, json: map[string]map[string]any{}, labels: map[string]string{}, exports: map[string]any{}}
	check(t, "synthesize", func() {
		s.stateful = assertions.Template_FromStack(sys.Stateful.Stack, nil)
		s.stateless = assertions.Template_FromStack(sys.Stateless.Stack, nil)
		s.json["stateful"] = *s.stateful.ToJSON()
		s.json["stateless"] = *s.stateless.ToJSON()
	})
	if t.Failed() {
		t.FailNow()
	}
	for _, out := range s.json["stateful"]["Outputs"].(map[string]any) {
		o := out.(map[string]any)
		if e, ok := o["Export"].(map[string]any); ok {
			s.exports[e["Name"].(string)] = o["Value"]
		}
	}
	label := func(stack awscdk.Stack, token *string, name string) {
		s.labels[jsonOf(t, stack.Resolve(token))] = name
	}
	st, sl := sys.Stateful, sys.Stateless
	label(st.Stack, st.StatusTable.TableArn(), "StatusTable.Arn")
	label(st.Stack, st.StatusTable.TableName(), "StatusTable.Name")
	label(st.Stack, st.UserTable.TableArn(), "UserTable.Arn")
	label(st.Stack, st.UserTable.TableName(), "UserTable.Name")
	label(st.Stack, st.TokensTable.TableArn(), "TokensTable.Arn")
	label(st.Stack, st.TokensTable.TableName(), "TokensTable.Name")
	label(st.Stack, st.RateLimitTable.TableArn(), "RateLimitTable.Arn")
	label(st.Stack, st.RateLimitTable.TableName(), "RateLimitTable.Name")
	label(st.Stack, st.EventsOperator.RoleArn(), "EventsOperator.Arn")
	label(st.Stack, st.Events.QueueArn(), "EventsQueue.Arn")
	label(st.Stack, st.Events.QueueUrl(), "EventsQueue.Url")
	label(st.Stack, st.Events.QueueName(), "EventsQueue.Name")
	label(st.Stack, st.DeadLetters.QueueName(), "DeadLetterQueue.Name")
	label(st.Stack, st.DeadLetters.QueueArn(), "DeadLetterQueue.Arn")
	label(st.Stack, st.DeadLetters.QueueUrl(), "DeadLetterQueue.Url")
	label(st.Stack, st.CursorSecret.SecretArn(), "CursorSecret.Arn")
	label(st.Stack, st.CursorSecretPrevious.SecretArn(), "CursorSecretPrevious.Arn")
	label(st.Stack, st.StatusTable.TableStreamArn(), "StatusTable.StreamArn")
	label(st.Stack, st.NotifierFailures.QueueArn(), "NotifierFailureQueue.Arn")
	label(st.Stack, st.NotifierFailures.QueueUrl(), "NotifierFailureQueue.Url")
	label(st.Stack, st.NotifierFailures.QueueName(), "NotifierFailureQueue.Name")
	label(st.Stack, st.UserPool.UserPoolId(), "UserPool.Id")
	label(st.Stack, st.UserPool.UserPoolArn(), "UserPool.Arn")
	label(st.Stack, st.UserPoolClient.UserPoolClientId(), "AppClient.Id")
	fns := map[*stacks.Function]awscdk.Stack{st.UserSignup: st.Stack, sl.StatusUpdater: sl.Stack, sl.StatusQuery: sl.Stack, sl.Ingest: sl.Stack, sl.StallSweep: sl.Stack}
	if sl.StatusNotifier != nil {
		fns[sl.StatusNotifier] = sl.Stack
	}
	for f, stack := range fns {
		// Labels by function name: "status-updater.Logs.Arn", "status-updater.Role.Arn", ...
		label(stack, f.LogGroup.LogGroupArn(), f.Name+".Logs.Arn")
		label(stack, f.LogGroup.LogGroupName(), f.Name+".Logs.Name")
		label(stack, f.Function.FunctionArn(), f.Name+".Arn")
		label(stack, f.Function.FunctionName(), f.Name+".Name")
		label(stack, f.Role.RoleArn(), f.Name+".Role.Arn")
	}
	for _, pseudo := range []string{"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"} {
		s.labels[jsonOf(t, map[string]any{"Ref": pseudo})] = "${" + pseudo + "}"
	}
	label(sl.Stack, sl.AccessLogs.LogGroupArn(), "ApiAccessLogs.Arn")
	label(sl.Stack, sl.StallSchedule.RuleArn(), "StallSweepSchedule.Arn")
	label(sl.Stack, sl.API.ApiId(), "Api.Id")
	label(sl.Stack, sl.Web.Bucket.BucketArn(), "Web.Bucket.Arn")
	label(sl.Stack, sl.Web.Bucket.BucketName(), "Web.Bucket.Name")
	label(sl.Stack, sl.Web.Bucket.BucketRegionalDomainName(), "Web.Bucket.RegionalDomainName")
	label(sl.Stack, sl.Web.Distribution.DistributionId(), "Web.Distribution.Id")
	label(sl.Stack, sl.Web.Distribution.DistributionDomainName(), "Web.Distribution.Domain")
	label(sl.Stack, sl.Web.Rewrite.FunctionArn(), "Web.Rewrite.Arn")
	label(sl.Stack, sl.Web.Headers.ResponseHeadersPolicyId(), "Web.Headers.Id")
	return s
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// norm rewrites a template value for reading: an import becomes the exported value, a
// reference to a known resource becomes its label ("StatusTable.Arn"), and a join of strings
// becomes one string ("StatusTable.Arn/index/by_user").
func (s *synthesized) norm(t *testing.T, v any) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if name, ok := x["Fn::ImportValue"].(string); ok && len(x) == 1 {
			exported, ok := s.exports[name]
			if !ok {
				t.Errorf("import of %q, which the stateful stack does not export", name)
				return x
			}
			return s.norm(t, exported)
		}
		if l, ok := s.labels[jsonOf(t, x)]; ok {
			return l
		}
		if j, ok := x["Fn::Join"].([]any); ok && len(x) == 1 && len(j) == 2 && j[0] == "" {
			var b strings.Builder
			all := true
			for _, p := range j[1].([]any) {
				n := s.norm(t, p)
				if str, ok := n.(string); ok {
					b.WriteString(str)
				} else {
					all = false
				}
			}
			if all {
				return b.String()
			}
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = s.norm(t, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s.norm(t, e)
		}
		return out
	default:
		return v
	}
}

// resources returns the resources of a type in a template ("stateful" or "stateless").
func (s *synthesized) resources(stack, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.json[stack]["Resources"].(map[string]any) {
		if m := r.(map[string]any); m["Type"] == typ {
			out[id] = m
		}
	}
	return out
}

// only returns the one resource of a type whose property prop equals value, failing otherwise.
func (s *synthesized) only(t *testing.T, stack, typ, prop string, value any) (string, map[string]any) {
	t.Helper()
	var found []string
	var res map[string]any
	for id, r := range s.resources(stack, typ) {
		props, _ := r["Properties"].(map[string]any)
		if reflect.DeepEqual(props[prop], value) {
			found = append(found, id)
			res = r
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s stack: want one %s with %s = %v, found %v", stack, typ, prop, value, found)
	}
	return found[0], res
}

// props returns the normalized properties of a resource.
func (s *synthesized) props(t *testing.T, r map[string]any) map[string]any {
	t.Helper()
	p, _ := s.norm(t, r["Properties"]).(map[string]any)
	return p
}

// same reports a difference between got and want as JSON, after a JSON round trip of both so
// that Go types (int, []string) compare equal to template types (float64, []any).
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(jsonOf(t, got)), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(jsonOf(t, want)), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.MarshalIndent(g, "  ", "  ")
		wj, _ := json.MarshalIndent(w, "  ", "  ")
		t.Errorf("%s:\n got  %s\n want %s", what, gj, wj)
	}
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func name(stage, suffix string) string { return fmt.Sprintf("trainstatus-%s-%s", stage, suffix) }
