package ddb

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// UnmarshalStreamImage reads an item of the table from a stream record's image (the NewImage or
// OldImage of an events.DynamoDBEventRecord, as Lambda delivers it), through the same
// attributevalue rules as every read. An empty image (no OldImage on an INSERT) is ErrNotFound.
func UnmarshalStreamImage[T any](image map[string]events.DynamoDBAttributeValue) (T, error) {
	var item T
	if len(image) == 0 {
		return item, ErrNotFound
	}
	av := make(map[string]types.AttributeValue, len(image))
	for name, v := range image {
		converted, err := fromStreamValue(v)
		if err != nil {
			return item, fmt.Errorf("%w: attribute %q: %v", ErrInvalidItem, name, err)
		}
		av[name] = converted
	}
	if err := attributevalue.UnmarshalMap(av, &item); err != nil {
		return item, fmt.Errorf("%w: %v", ErrInvalidItem, err)
	}
	return item, nil
}

// fromStreamValue converts a Lambda event's attribute value into the SDK's.
func fromStreamValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		list := v.List()
		out := make([]types.AttributeValue, len(list))
		for i, e := range list {
			c, err := fromStreamValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m := v.Map()
		out := make(map[string]types.AttributeValue, len(m))
		for k, e := range m {
			c, err := fromStreamValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return &types.AttributeValueMemberM{Value: out}, nil
	}
	return nil, fmt.Errorf("unknown attribute type %v", v.DataType())
}
