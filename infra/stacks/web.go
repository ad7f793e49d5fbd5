package stacks

import (
	"strings"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/web"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Web is the tracker page in AWS: a private bucket with the files of web/static behind a
// CloudFront distribution, which also fronts the HTTP API under the API's own paths, so that
// the page and the API share one origin (no CORS) and one set of security headers.
//
// It lives in the stateless stack: the bucket holds nothing that a deploy does not write again
// from the repository, and the distribution needs the API while status-notifier needs the
// distribution's URL, which in two stacks would make each depend on the other.
type Web struct {
	Bucket       awss3.Bucket
	Distribution awscloudfront.Distribution
	// Rewrite serves the page for its deep links (SPARewriteCode).
	Rewrite awscloudfront.Function
	Headers awscloudfront.ResponseHeadersPolicy
	// Assets uploads web/static, Config writes config.json.
	Assets, Config awss3deployment.BucketDeployment
	// URL is the page's URL, https://<distribution domain>.
	URL *string
}

// APIPaths are the distribution's path patterns that go to the HTTP API instead of the bucket:
// the routes of package deploy live under /status and /me.
var APIPaths = []string{"/status*", "/me/*"}

// ConfigFile is the page's configuration, written at deploy from the stacks' values.
const ConfigFile = "config.json"

// Cache-Control of the uploaded files. The page has no build step, so its files keep their
// names from one version to the next: browsers revalidate every time (a cheap 304), while
// CloudFront keeps them for a day and each deploy invalidates them. config.json is never kept.
const (
	AssetCacheControl  = "public, max-age=0, s-maxage=86400, must-revalidate"
	ConfigCacheControl = "no-cache"
)

// SPARewriteCode is the viewer-request CloudFront Function of the page's files: a path under
// /jobs/ (a job's deep link; request ids may contain dots) or whose last segment has no file
// extension is a page of the single-page app and is served index.html; a file is served as it
// is. Chosen over 403/404 custom error responses, which apply to the whole distribution and
// would turn the API's 404 ("no such job") into the page with a 200.
const SPARewriteCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (uri === '/jobs' || uri.indexOf('/jobs/') === 0 || last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
`

// ContentSecurityPolicy is the page's CSP (web.CSP, the one the local stack sends too) for the
// region's Cognito origin.
func ContentSecurityPolicy(cognitoOrigin string) string { return web.CSP(cognitoOrigin) }

// cognitoOrigin is the Cognito user pools endpoint of the stack's region.
func cognitoOrigin() string {
	return "https://cognito-idp." + *awscdk.Aws_REGION() + "." + *awscdk.Aws_URL_SUFFIX()
}

// newWeb declares the page's bucket, distribution and uploads in scope.
func newWeb(scope constructs.Construct, settings Settings, state *Stateful, api awsapigatewayv2.HttpApi) *Web {
	w := &Web{}
	c := constructs.NewConstruct(scope, jsii.String("Web"))
	// Private, TLS only, encrypted with S3's keys (no KMS key: CloudFront's OAC would need a key
	// policy for it, for files that are public through the distribution anyway). Not versioned:
	// every file comes from the repository at each deploy, so git is the history, and a
	// versioned bucket could not be emptied by the deployment when a throw-away stage is
	// destroyed.
	w.Bucket = awss3.NewBucket(c, jsii.String("Bucket"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(false),
		RemovalPolicy:     settings.removalPolicy(),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(w.Bucket, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("The bucket holds only the page's public static files, written by the deployment and read " +
			"only by CloudFront through origin access control; server access logs would record CloudFront fetching " +
			"them. The requests that touch data go to the API, which has its own access logs."),
	}}, jsii.Bool(false))

	w.Rewrite = awscloudfront.NewFunction(c, jsii.String("Rewrite"), &awscloudfront.FunctionProps{
		Code:    awscloudfront.FunctionCode_FromInline(jsii.String(SPARewriteCode)),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
		Comment: jsii.String(settings.Prefix() + ": serve index.html for the page's deep links"),
	})
	w.Headers = awscloudfront.NewResponseHeadersPolicy(c, jsii.String("Headers"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String(settings.Prefix() + ": security headers of the page and the API"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(ContentSecurityPolicy(cognitoOrigin())),
				Override:              jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(730)),
				IncludeSubdomains:   jsii.Bool(true),
				Override:            jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY,
				Override:    jsii.Bool(true),
			},
			// The page links nowhere else and its paths name jobs: send no referrer at all.
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_NO_REFERRER,
				Override:       jsii.Bool(true),
			},
		},
	})

	// The API's stage is $default, so its paths are the routes' paths.
	apiDomain := *api.ApiId() + ".execute-api." + *awscdk.Aws_REGION() + "." + *awscdk.Aws_URL_SUFFIX()
	apiOrigin := awscloudfrontorigins.NewHttpOrigin(jsii.String(apiDomain), &awscloudfrontorigins.HttpOriginProps{
		ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
		OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
	})
	// Never cached, and everything the viewer sent but Host (API Gateway routes on its own host
	// name) reaches the API: Authorization for the JWT authorizer, If-None-Match for the 304s,
	// the query string for paging.
	apiBehavior := func(methods awscloudfront.AllowedMethods) *awscloudfront.BehaviorOptions {
		return &awscloudfront.BehaviorOptions{
			Origin:                apiOrigin,
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
			AllowedMethods:        methods,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_DISABLED(),
			OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			ResponseHeadersPolicy: w.Headers,
		}
	}
	w.Distribution = awscloudfront.NewDistribution(c, jsii.String("Distribution"), &awscloudfront.DistributionProps{
		Comment:           jsii.String(settings.Prefix() + ": tracker page and API"),
		DefaultRootObject: jsii.String(WebIndex),
		HttpVersion:       awscloudfront.HttpVersion_HTTP2_AND_3,
		// North America and Europe edges only: the cheapest class; users elsewhere are served
		// from the nearest of those.
		PriceClass: awscloudfront.PriceClass_PRICE_CLASS_100,
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(w.Bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_GET_HEAD(),
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: w.Headers,
			Compress:              jsii.Bool(true),
			FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
				Function:  w.Rewrite,
				EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
			}},
		},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			// GET routes only (and HEAD, OPTIONS, which the API answers itself).
			APIPaths[0]: apiBehavior(awscloudfront.AllowedMethods_ALLOW_GET_HEAD_OPTIONS()),
			// GET and PUT /me/preferences.
			APIPaths[1]: apiBehavior(awscloudfront.AllowedMethods_ALLOW_ALL()),
		},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(w.Distribution, &[]*cdknag.NagPackSuppression{
		{
			Id: jsii.String("AwsSolutions-CFR1"),
			Reason: jsii.String("No geo restriction: the tracker is for signed-in users wherever they train; " +
				"restricting countries is a business decision for a deployment, not a default."),
		},
		{
			Id: jsii.String("AwsSolutions-CFR2"),
			Reason: jsii.String("No WAF web ACL yet: every API route is behind the Cognito JWT authorizer, throttled per " +
				"route, and status-query has reserved concurrency (infra/README.md, Limits). A WAF rate-based rule " +
				"(about 6 USD a month) is the documented next step for a public production stage."),
		},
		{
			Id: jsii.String("AwsSolutions-CFR3"),
			Reason: jsii.String("The requests that touch data are logged by the HTTP API's JSON access logs; CloudFront " +
				"standard logs would need an ACL-enabled log bucket for what are otherwise fetches of public static " +
				"files. Add them with a custom domain for production."),
		},
		{
			Id: jsii.String("AwsSolutions-CFR4"),
			Reason: jsii.String("The distribution uses its default *.cloudfront.net certificate, for which CloudFront " +
				"does not let the minimum viewer TLS version be raised; with a custom domain and an ACM certificate " +
				"set TLSv1.2_2021. Viewers get HTTPS only (redirect or refusal) either way."),
		},
	}, jsii.Bool(false))
	w.URL = jsii.String("https://" + *w.Distribution.DistributionDomainName())

	// The page's files, then config.json. Two deployments into one bucket: the first prunes what
	// the repository no longer has but leaves config.json (excluded), the second writes only it.
	// With a throw-away stage the deployments delete their files when the stack is deleted, so
	// that the (unversioned) bucket is empty and can go too.
	retain := jsii.Bool(!settings.Destroy)
	w.Assets = awss3deployment.NewBucketDeployment(c, jsii.String("Assets"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket: w.Bucket,
		Sources:           &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(settings.WebDir), nil)},
		Exclude:           jsii.Strings(ConfigFile),
		Prune:             jsii.Bool(true),
		RetainOnDelete:    retain,
		CacheControl:      &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(AssetCacheControl))},
		Distribution:      w.Distribution,
		DistributionPaths: jsii.Strings("/*"),
	})
	w.Config = awss3deployment.NewBucketDeployment(c, jsii.String("Config"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket: w.Bucket,
		Sources: &[]awss3deployment.ISource{awss3deployment.Source_JsonData(jsii.String(ConfigFile), map[string]any{
			"region":           awscdk.Aws_REGION(),
			"userPoolId":       state.UserPool.UserPoolId(),
			"userPoolClientId": state.UserPoolClient.UserPoolClientId(),
			"cognitoEndpoint":  cognitoOrigin() + "/",
			// No urlTuning: deployed, the page's URL never changes its poll intervals.
			"passwordMinLength": deploy.PasswordMinLength,
		}, nil)},
		Prune:             jsii.Bool(false),
		RetainOnDelete:    retain,
		CacheControl:      &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(ConfigCacheControl))},
		Distribution:      w.Distribution,
		DistributionPaths: jsii.Strings("/" + ConfigFile),
	})
	// One after the other: two invalidations and two uploads at once gain nothing.
	w.Config.Node().AddDependency(w.Assets)
	suppressDeploymentHandler(awscdk.Stack_Of(c))
	return w
}

// suppressDeploymentHandler suppresses, with their reasons, the cdk-nag findings on the function
// the CDK adds to a stack for its bucket deployments (one per stack, named by a fixed UUID): it is
// the CDK's own code, with the CDK's own role.
func suppressDeploymentHandler(stack awscdk.Stack) {
	for _, child := range *stack.Node().Children() {
		if !strings.HasPrefix(*child.Node().Id(), DeploymentHandlerPrefix) {
			continue
		}
		cdknag.NagSuppressions_AddResourceSuppressions(child, &[]*cdknag.NagPackSuppression{
			{
				Id: jsii.String("AwsSolutions-L1"),
				Reason: jsii.String("The CDK's bucket deployment handler runs on the Python runtime the CDK version pins " +
					"and tests it with; it runs only during a deploy, never on a user's request, and moves with CDK upgrades."),
			},
			{
				Id: jsii.String("AwsSolutions-IAM4"),
				Reason: jsii.String("AWSLambdaBasicExecutionRole on the CDK's bucket deployment handler, which runs only " +
					"during a deploy; the CDK does not let it be replaced without giving up the construct."),
				AppliesTo: &[]interface{}{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
			},
			{
				Id: jsii.String("AwsSolutions-IAM5"),
				Reason: jsii.String("The CDK's bucket deployment handler reads the deploy's asset objects (object keys are " +
					"content hashes) and writes and prunes the page's bucket, so its S3 grants are per bucket with object " +
					"wildcards; the CDK grants cloudfront:CreateInvalidation on * for the invalidation after the upload. " +
					"It runs only during a deploy."),
				AppliesTo: &[]interface{}{
					"Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*", "Action::s3:Abort*",
					"Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
					&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<WebBucket[0-9A-F]{8}\.Arn>\/\*$/`)},
					"Resource::*",
				},
			},
		}, jsii.Bool(true))
	}
}

// DeploymentHandlerPrefix starts the id of the CDK's bucket deployment handler in a stack.
const DeploymentHandlerPrefix = "Custom::CDKBucketDeployment"
