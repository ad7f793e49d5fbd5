package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/pkg/ddb"
)

// Schema is what the CDK needs of a table definition of package tables (a *ddb.Schema[T]).
type Schema interface {
	Definition() ddb.Definition
	KeyType(attribute string) (ddb.AttributeType, bool)
}

// attributeTypes maps DynamoDB's scalar types to the CDK's names for them.
var attributeTypes = map[ddb.AttributeType]awsdynamodb.AttributeType{
	"S": awsdynamodb.AttributeType_STRING,
	"N": awsdynamodb.AttributeType_NUMBER,
	"B": awsdynamodb.AttributeType_BINARY,
}

var projections = map[ddb.Projection]awsdynamodb.ProjectionType{
	ddb.ProjectAll:      awsdynamodb.ProjectionType_ALL,
	ddb.ProjectKeysOnly: awsdynamodb.ProjectionType_KEYS_ONLY,
}

var streamViews = map[ddb.StreamView]awsdynamodb.StreamViewType{
	ddb.StreamNewAndOldImages: awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
}

// TableProps turns a table definition into the props of a TableV2: keys, GSIs, LSIs, projections,
// TTL and stream come from the definition; the rest is how every table of the system is run.
//
// Why TableV2 (AWS::DynamoDB::GlobalTable) rather than Table (AWS::DynamoDB::Table): it is the
// construct the CDK recommends for new tables, it has the same single-region features (on-demand,
// PITR, deletion protection, SSE, TTL, GSIs) and it can gain replicas in other regions later by a
// property change. Going from Table to TableV2 afterwards changes the resource type, which means
// a replacement or a CloudFormation import of a table full of data: so the choice is made now.
func TableProps(s Schema, name string, settings Settings) (*awsdynamodb.TablePropsV2, error) {
	def := s.Definition()
	attr := func(a string) (*awsdynamodb.Attribute, error) {
		if a == "" {
			return nil, nil
		}
		kt, ok := s.KeyType(a)
		if !ok {
			return nil, fmt.Errorf("table %s: no key type for attribute %q", name, a)
		}
		t, ok := attributeTypes[kt]
		if !ok {
			return nil, fmt.Errorf("table %s: attribute %q has unknown type %q", name, a, kt)
		}
		return &awsdynamodb.Attribute{Name: jsii.String(a), Type: t}, nil
	}
	pk, err := attr(def.PartitionKey)
	if err != nil {
		return nil, err
	}
	sk, err := attr(def.SortKey)
	if err != nil {
		return nil, err
	}
	props := &awsdynamodb.TablePropsV2{
		TableName:    jsii.String(name),
		PartitionKey: pk,
		SortKey:      sk,
		Billing:      awsdynamodb.Billing_OnDemand(nil),
		// Encrypted at rest with the AWS managed key aws/dynamodb: unlike the default AWS owned
		// key, its use shows in CloudTrail, and unlike a customer managed key it costs nothing
		// and needs no key policy to maintain.
		Encryption: awsdynamodb.TableEncryptionV2_AwsManagedKey(),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(!settings.Destroy),
		RemovalPolicy:      settings.removalPolicy(),
	}
	if def.TTL != "" {
		props.TimeToLiveAttribute = jsii.String(def.TTL)
	}
	if len(def.GSIs) > 0 {
		gsis := make([]*awsdynamodb.GlobalSecondaryIndexPropsV2, 0, len(def.GSIs))
		for _, g := range def.GSIs {
			gpk, err := attr(g.PartitionKey)
			if err != nil {
				return nil, err
			}
			gsk, err := attr(g.SortKey)
			if err != nil {
				return nil, err
			}
			proj, ok := projections[g.Projection]
			if !ok {
				return nil, fmt.Errorf("table %s: GSI %s has unknown projection %q", name, g.Name, g.Projection)
			}
			gsis = append(gsis, &awsdynamodb.GlobalSecondaryIndexPropsV2{
				IndexName:      jsii.String(g.Name),
				PartitionKey:   gpk,
				SortKey:        gsk,
				ProjectionType: proj,
			})
		}
		props.GlobalSecondaryIndexes = &gsis
	}
	if len(def.LSIs) > 0 {
		lsis := make([]*awsdynamodb.LocalSecondaryIndexProps, 0, len(def.LSIs))
		for _, l := range def.LSIs {
			lsk, err := attr(l.SortKey)
			if err != nil {
				return nil, err
			}
			proj, ok := projections[l.Projection]
			if !ok {
				return nil, fmt.Errorf("table %s: LSI %s has unknown projection %q", name, l.Name, l.Projection)
			}
			lsis = append(lsis, &awsdynamodb.LocalSecondaryIndexProps{
				IndexName:      jsii.String(l.Name),
				SortKey:        lsk,
				ProjectionType: proj,
			})
		}
		props.LocalSecondaryIndexes = &lsis
	}
	if def.Stream != "" {
		view, ok := streamViews[def.Stream]
		if !ok {
			return nil, fmt.Errorf("table %s: unknown stream view %q", name, def.Stream)
		}
		props.DynamoStream = view
	}
	return props, nil
}

// newTable declares a table from its definition.
func newTable(scope constructs.Construct, id string, s Schema, name string, settings Settings) (awsdynamodb.TableV2, error) {
	props, err := TableProps(s, name, settings)
	if err != nil {
		return nil, err
	}
	return awsdynamodb.NewTableV2(scope, jsii.String(id), props), nil
}

func (s Settings) removalPolicy() awscdk.RemovalPolicy {
	if s.Destroy {
		return awscdk.RemovalPolicy_DESTROY
	}
	return awscdk.RemovalPolicy_RETAIN
}
