package ses

import (
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/trainstatus/trainstatus/internal/localaws"
)

// NewClient returns an SES v2 client for a local endpoint, with dummy credentials (the emulator
// wants an AWS Authorization header, any signature) in us-east-1.
func NewClient(endpoint string) *sesv2.Client {
	return sesv2.NewFromConfig(localaws.Config(endpoint))
}
