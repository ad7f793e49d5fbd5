package ddb

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// conditionError turns DynamoDB's ConditionalCheckFailedException into a ConditionFailedError
// carrying the item it returned. onlyExistence means the only condition was "the key is new",
// so a failure is ErrAlreadyExists.
func conditionError[T any](err error, onlyExistence bool) error {
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return err
	}
	cf := &ConditionFailedError[T]{}
	if ccf.Item != nil {
		if uerr := attributevalue.UnmarshalMap(ccf.Item, &cf.Current); uerr != nil {
			return fmt.Errorf("%w; and its item could not be read: %v", ErrConditionFailed, uerr)
		}
		cf.Exists = true
	}
	if onlyExistence {
		return &alreadyExistsError[T]{cf}
	}
	return cf
}

// alreadyExistsError is ErrAlreadyExists that still carries the existing item.
type alreadyExistsError[T any] struct{ cf *ConditionFailedError[T] }

func (e *alreadyExistsError[T]) Error() string   { return ErrAlreadyExists.Error() }
func (e *alreadyExistsError[T]) Unwrap() []error { return []error{ErrAlreadyExists, e.cf} }
