package stacks_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/infra/stacks"
)

// Managed CloudFront policies, by id.
const (
	cachingDisabled            = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	cachingOptimized           = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	allViewerExceptHostHeader  = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	wantCSP                    = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	hstsSeconds                = 730 * 24 * 3600
	defaultBehaviorFunctionARN = "Web.Rewrite.Arn"
)

// TestWebBucket: private, TLS only, encrypted, not versioned, readable by the distribution only.
func TestWebBucket(t *testing.T) {
	s := dev(t)
	buckets := s.resources("stateless", "AWS::S3::Bucket")
	if len(buckets) != 1 {
		t.Fatalf("%d buckets, want 1", len(buckets))
	}
	for _, b := range buckets {
		p := s.props(t, b)
		// The bucket deployments tag the bucket they own (aws-cdk:cr-owned:...): not ours to check.
		var own []any
		for _, tag := range p["Tags"].([]any) {
			if !strings.HasPrefix(tag.(map[string]any)["Key"].(string), "aws-cdk:cr-owned:") {
				own = append(own, tag)
			}
		}
		p["Tags"] = own
		same(t, "bucket", p, map[string]any{
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
			},
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{
				map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
			}},
			"OwnershipControls": map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}},
			"Tags":              tags("dev"),
		})
		same(t, "bucket retained with the stage", []any{b["DeletionPolicy"], b["UpdateReplacePolicy"]}, []any{"Retain", "Retain"})
	}
	policies := s.resources("stateless", "AWS::S3::BucketPolicy")
	if len(policies) != 1 {
		t.Fatalf("%d bucket policies, want 1", len(policies))
	}
	for _, p := range policies {
		same(t, "bucket policy", s.props(t, p), map[string]any{
			"Bucket": "Web.Bucket.Name",
			"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{
					"Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "s3:*",
					"Resource":  []string{"Web.Bucket.Arn", "Web.Bucket.Arn/*"},
					"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
				},
				map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
					"Resource": "Web.Bucket.Arn/*",
					"Condition": map[string]any{"StringEquals": map[string]any{
						"AWS:SourceArn": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/Web.Distribution.Id",
					}},
				},
			}},
		})
	}
}

// TestDistribution: the page from the bucket through origin access control (not an origin
// access identity), deep links through the rewrite function, the API under its paths uncached
// with every viewer header but Host, and the security headers everywhere.
func TestDistribution(t *testing.T) {
	s := dev(t)
	dists := s.resources("stateless", "AWS::CloudFront::Distribution")
	if len(dists) != 1 {
		t.Fatalf("%d distributions, want 1", len(dists))
	}
	oacs := s.resources("stateless", "AWS::CloudFront::OriginAccessControl")
	if len(oacs) != 1 {
		t.Fatalf("%d origin access controls, want 1", len(oacs))
	}
	var oacID string
	for id, o := range oacs {
		oacID = id
		cfg := s.props(t, o)["OriginAccessControlConfig"].(map[string]any)
		delete(cfg, "Name")
		same(t, "origin access control", cfg, map[string]any{
			"OriginAccessControlOriginType": "s3", "SigningBehavior": "always", "SigningProtocol": "sigv4",
		})
	}
	if n := len(s.resources("stateless", "AWS::CloudFront::CloudFrontOriginAccessIdentity")); n != 0 {
		t.Errorf("%d origin access identities: OAC only", n)
	}
	for _, d := range dists {
		cfg := s.props(t, d)["DistributionConfig"].(map[string]any)
		origins := map[string]any{}
		for _, o := range cfg["Origins"].([]any) {
			m := o.(map[string]any)
			origins[m["Id"].(string)] = m
		}
		def := cfg["DefaultCacheBehavior"].(map[string]any)
		s3Origin := origins[def["TargetOriginId"].(string)].(map[string]any)
		same(t, "bucket origin", s3Origin, map[string]any{
			"Id":                    def["TargetOriginId"],
			"DomainName":            "Web.Bucket.RegionalDomainName",
			"OriginAccessControlId": map[string]any{"Fn::GetAtt": []any{oacID, "Id"}},
			"S3OriginConfig":        map[string]any{"OriginAccessIdentity": ""},
		})
		same(t, "default behavior", def, map[string]any{
			"TargetOriginId":          def["TargetOriginId"],
			"ViewerProtocolPolicy":    "redirect-to-https",
			"AllowedMethods":          []string{"GET", "HEAD"},
			"CachePolicyId":           cachingOptimized,
			"Compress":                true,
			"ResponseHeadersPolicyId": "Web.Headers.Id",
			"FunctionAssociations":    []any{map[string]any{"EventType": "viewer-request", "FunctionARN": defaultBehaviorFunctionARN}},
		})
		behaviors := map[string]any{}
		var apiOriginID any
		for _, b := range cfg["CacheBehaviors"].([]any) {
			m := b.(map[string]any)
			behaviors[m["PathPattern"].(string)] = m
			apiOriginID = m["TargetOriginId"]
		}
		api := func(path string, methods []string) map[string]any {
			return map[string]any{
				"PathPattern":             path,
				"TargetOriginId":          apiOriginID,
				"ViewerProtocolPolicy":    "https-only",
				"AllowedMethods":          methods,
				"CachePolicyId":           cachingDisabled,
				"OriginRequestPolicyId":   allViewerExceptHostHeader,
				"Compress":                true,
				"ResponseHeadersPolicyId": "Web.Headers.Id",
			}
		}
		same(t, "API behaviors", behaviors, map[string]any{
			"/status*": api("/status*", []string{"GET", "HEAD", "OPTIONS"}),
			"/me/*":    api("/me/*", []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}),
			"/v1/*":    api("/v1/*", []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}),
		})
		same(t, "API paths", stacks.APIPaths, []string{"/status*", "/me/*", "/v1/*"})
		same(t, "API origin", origins[apiOriginID.(string)], map[string]any{
			"Id":         apiOriginID,
			"DomainName": "Api.Id.execute-api.${AWS::Region}.${AWS::URLSuffix}",
			"CustomOriginConfig": map[string]any{
				"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": []string{"TLSv1.2"},
			},
		})
		delete(cfg, "Origins")
		delete(cfg, "DefaultCacheBehavior")
		delete(cfg, "CacheBehaviors")
		same(t, "distribution", cfg, map[string]any{
			"Comment":           "trainstatus-dev: tracker page and API",
			"DefaultRootObject": "index.html",
			"Enabled":           true,
			"HttpVersion":       "http2and3",
			"IPV6Enabled":       true,
			"PriceClass":        "PriceClass_100",
		})
	}
	fns := s.resources("stateless", "AWS::CloudFront::Function")
	if len(fns) != 1 {
		t.Fatalf("%d CloudFront functions, want 1", len(fns))
	}
	for _, f := range fns {
		p := s.props(t, f)
		same(t, "rewrite function", []any{p["FunctionCode"], p["FunctionConfig"].(map[string]any)["Runtime"], p["AutoPublish"]},
			[]any{stacks.SPARewriteCode, "cloudfront-js-2.0", true})
	}
	policies := s.resources("stateless", "AWS::CloudFront::ResponseHeadersPolicy")
	if len(policies) != 1 {
		t.Fatalf("%d response headers policies, want 1", len(policies))
	}
	for _, r := range policies {
		cfg := s.props(t, r)["ResponseHeadersPolicyConfig"].(map[string]any)
		same(t, "security headers", cfg["SecurityHeadersConfig"], map[string]any{
			"ContentSecurityPolicy": map[string]any{"ContentSecurityPolicy": wantCSP, "Override": true},
			"StrictTransportSecurity": map[string]any{
				"AccessControlMaxAgeSec": hstsSeconds, "IncludeSubdomains": true, "Override": true,
			},
			"ContentTypeOptions": map[string]any{"Override": true},
			"FrameOptions":       map[string]any{"FrameOption": "DENY", "Override": true},
			"ReferrerPolicy":     map[string]any{"ReferrerPolicy": "no-referrer", "Override": true},
		})
	}
}

// TestWebDeployments: the page's files with revalidating caching and an invalidation, and
// config.json from the stacks' values, never cached.
func TestWebDeployments(t *testing.T) {
	s := dev(t)
	deps := s.resources("stateless", "Custom::CDKBucketDeployment")
	if len(deps) != 2 {
		t.Fatalf("%d bucket deployments, want 2", len(deps))
	}
	var assetsID string
	for id, d := range deps {
		p := s.props(t, d)
		if p["Prune"] == true {
			assetsID = id
			same(t, "page files", []any{p["DestinationBucketName"], p["Exclude"], p["RetainOnDelete"], p["SystemMetadata"], p["DistributionId"], p["DistributionPaths"]},
				[]any{"Web.Bucket.Name", []string{stacks.ConfigFile}, true, map[string]any{"cache-control": stacks.AssetCacheControl}, "Web.Distribution.Id", []string{"/*"}})
			continue
		}
		same(t, "config.json", []any{p["DestinationBucketName"], p["Prune"], p["SystemMetadata"], p["DistributionPaths"]},
			[]any{"Web.Bucket.Name", false, map[string]any{"cache-control": "no-cache"}, []string{"/config.json"}})
		// The values are markers that the deployment fills in: the region, the pool, its client
		// and the regional Cognito endpoint.
		markers := p["SourceMarkers"].([]any)[0].(map[string]any)
		var values []string
		for _, v := range markers {
			values = append(values, v.(string))
		}
		same(t, "config.json values", sortStrings(values), sortStrings([]string{
			`"${AWS::Region}"`, `"UserPool.Id"`, `"AppClient.Id"`, `"https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/"`,
		}))
		if d["DependsOn"] == nil {
			t.Error("config.json is not written after the page's files")
		}
	}
	if assetsID == "" {
		t.Error("no deployment of the page's files")
	}
}

func sortStrings(v []string) []string {
	out := append([]string(nil), v...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestSPARewrite runs the viewer-request function in Node (the CDK's own runtime, which the
// tests need anyway) over the paths the page and its files use.
func TestSPARewrite(t *testing.T) {
	node := os.Getenv("JSII_NODE")
	if node == "" {
		var err error
		if node, err = exec.LookPath("node"); err != nil {
			t.Fatalf("no Node.js to run the CloudFront function with (JSII_NODE or node on PATH): %v", err)
		}
	}
	cases := []struct{ uri, want string }{
		{"/", "/index.html"},
		{"/index.html", "/index.html"},
		{"/jobs", "/index.html"},
		{"/jobs/job-123", "/index.html"},
		{"/jobs/resnet50-lr0.1", "/index.html"}, // request ids may contain dots
		{"/jobs/a:b.c_d", "/index.html"},
		{"/signin", "/index.html"},
		{"/app.js", "/app.js"},
		{"/config.json", "/config.json"},
		{"/styles/site.css", "/styles/site.css"},
		{"/img/logo.svg", "/img/logo.svg"},
	}
	var uris []string
	for _, c := range cases {
		uris = append(uris, c.uri)
	}
	in, _ := json.Marshal(uris)
	script := stacks.SPARewriteCode + `
const uris = ` + string(in) + `;
process.stdout.write(JSON.stringify(uris.map(u => handler({request: {uri: u, headers: {}}}).uri)));
`
	out, err := exec.Command(node, "-e", script).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("%s -> %s, want %s", c.uri, got[i], c.want)
		}
	}
	if strings.Contains(stacks.SPARewriteCode, "status") {
		t.Error("the rewrite function mentions the API: it must only ever run on the bucket's behavior")
	}
}
