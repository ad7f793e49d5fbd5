package stacks

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
)

// CognitoEmail is how the user pool sends its mail. With no FromAddress, Cognito's own sender
// does (the default: nothing to set up, but a quota of a few dozen emails a day per account, so
// a burst of sign-ups, or sign-up spam, can hold back real users' confirmation codes); with one,
// SES sends it from a verified identity, at the account's SES quota.
type CognitoEmail struct {
	FromName    string // the From header's display name, may be empty
	FromAddress string // the From address; empty: Cognito's own sender
	// Identity is the SES identity the address is verified as: the address (default) or its domain.
	Identity string
	// SESRegion is the region of that identity; empty: the stack's region.
	SESRegion string
}

var regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)

// readCognitoEmail reads cognitoEmailFrom, cognitoEmailIdentity and cognitoSesRegion.
func (s *Settings) readCognitoEmail(str func(string, *string)) []error {
	var errs []error
	var from string
	c := &s.CognitoEmail
	str(CtxCognitoEmailFrom, &from)
	str(CtxCognitoEmailIdentity, &c.Identity)
	str(CtxCognitoSESRegion, &c.SESRegion)
	if from == "" {
		for _, k := range []struct{ key, v string }{{CtxCognitoEmailIdentity, c.Identity}, {CtxCognitoSESRegion, c.SESRegion}} {
			if k.v != "" {
				errs = append(errs, fmt.Errorf("context %s: given without %s", k.key, CtxCognitoEmailFrom))
			}
		}
		return errs
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return append(errs, fmt.Errorf("context %s: %q is not an email address: %w", CtxCognitoEmailFrom, from, err))
	}
	c.FromName, c.FromAddress = addr.Name, addr.Address
	_, domain, _ := strings.Cut(addr.Address, "@")
	switch c.Identity {
	case "":
		c.Identity = addr.Address
	case addr.Address, domain:
	default:
		errs = append(errs, fmt.Errorf("context %s: %q must be the address %s or its domain %s", CtxCognitoEmailIdentity, c.Identity, addr.Address, domain))
	}
	if c.SESRegion != "" && !regionRe.MatchString(c.SESRegion) {
		errs = append(errs, fmt.Errorf("context %s: %q is not a region", CtxCognitoSESRegion, c.SESRegion))
	}
	if s.UserPoolID != "" {
		errs = append(errs, fmt.Errorf("context %s: given with %s; CloudFormation cannot change an existing pool's email configuration: set it on that pool", CtxCognitoEmailFrom, CtxUserPoolID))
	}
	return errs
}

// userPoolEmail is the pool's email configuration: nil (Cognito's own sender) unless a From
// address is given.
func (s Settings) userPoolEmail() awscognito.UserPoolEmail {
	c := s.CognitoEmail
	if c.FromAddress == "" {
		return nil
	}
	opts := &awscognito.UserPoolSESOptions{FromEmail: jsii.String(c.FromAddress)}
	if c.FromName != "" {
		opts.FromName = jsii.String(c.FromName)
	}
	if c.Identity != c.FromAddress {
		opts.SesVerifiedDomain = jsii.String(c.Identity)
	}
	// The stacks are environment-agnostic, so the stack's region is a token the CDK cannot
	// check; the region is given as that token (or the setting) explicitly.
	opts.SesRegion = awscdk.Aws_REGION()
	if c.SESRegion != "" {
		opts.SesRegion = jsii.String(c.SESRegion)
	}
	return awscognito.UserPoolEmail_WithSES(opts)
}
