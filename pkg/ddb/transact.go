package ddb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ErrTransactionCanceled: DynamoDB canceled a transaction; see [*TxError] for why, item by item.
var ErrTransactionCanceled = errors.New("ddb: transaction canceled")

// TxWrite is one write of a transaction, made from a Put, Update or Delete with its Tx method:
// the same request, conditions included, sent as part of TransactWriteItems.
type TxWrite struct {
	client API
	table  string
	key    Key
	item   types.TransactWriteItem
	// reason turns DynamoDB's cancellation reason for this write into an error of the item's
	// type (a *ConditionFailedError[T] with the current item for a failed condition).
	reason func(types.CancellationReason) error
	err    error
}

// Tx makes the put one write of a transaction (see [Transact]).
func (p *Put[T]) Tx() TxWrite {
	key, in, err := p.input()
	w := TxWrite{client: p.table.client, table: p.table.name, key: key, err: err, reason: txReason[T](p.mustBeNew && p.cond == nil, false)}
	if err == nil {
		w.item.Put = &types.Put{TableName: in.TableName, Item: in.Item, ConditionExpression: in.ConditionExpression,
			ExpressionAttributeNames: in.ExpressionAttributeNames, ExpressionAttributeValues: in.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailure(in.ReturnValuesOnConditionCheckFailure)}
	}
	return w
}

// Tx makes the update one write of a transaction (see [Transact]). Without Upsert a missing item
// is ErrNotFound, as for Run.
func (u *Update[T]) Tx() TxWrite {
	in, err := u.input(types.ReturnValueNone)
	w := TxWrite{client: u.table.client, table: u.table.name, key: u.key, err: err, reason: txReason[T](false, !u.upsert)}
	if err == nil {
		w.item.Update = &types.Update{TableName: in.TableName, Key: in.Key, UpdateExpression: in.UpdateExpression,
			ConditionExpression: in.ConditionExpression, ExpressionAttributeNames: in.ExpressionAttributeNames,
			ExpressionAttributeValues:           in.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailure(in.ReturnValuesOnConditionCheckFailure)}
	}
	return w
}

// Tx makes the delete one write of a transaction (see [Transact]). A missing item is ErrNotFound.
func (d *Delete[T]) Tx() TxWrite {
	in, err := d.input()
	w := TxWrite{client: d.table.client, table: d.table.name, key: d.key, err: err, reason: txReason[T](false, true)}
	if err == nil {
		w.item.Delete = &types.Delete{TableName: in.TableName, Key: in.Key, ConditionExpression: in.ConditionExpression,
			ExpressionAttributeNames: in.ExpressionAttributeNames, ExpressionAttributeValues: in.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: in.ReturnValuesOnConditionCheckFailure}
	}
	return w
}

// txReason decodes a cancellation reason as the single-item call would have failed: a failed
// condition carries the current item; onlyExistence makes it ErrAlreadyExists, missingIsNotFound
// makes a failure on a missing item ErrNotFound.
func txReason[T any](onlyExistence, missingIsNotFound bool) func(types.CancellationReason) error {
	return func(r types.CancellationReason) error {
		code := ""
		if r.Code != nil {
			code = *r.Code
		}
		switch code {
		case "", "None":
			return nil
		case "ConditionalCheckFailed":
			err := conditionError[T](&types.ConditionalCheckFailedException{Item: r.Item}, onlyExistence)
			if cf, ok := err.(*ConditionFailedError[T]); ok && !cf.Exists && missingIsNotFound {
				return ErrNotFound
			}
			return err
		}
		msg := code
		if r.Message != nil {
			msg += ": " + *r.Message
		}
		return &TxReasonError{Code: code, Message: msg}
	}
}

// TxReasonError is why DynamoDB canceled a transaction because of one write, other than its
// condition: "TransactionConflict", "ThrottlingError", "ValidationError", ...
type TxReasonError struct {
	Code, Message string
}

func (e *TxReasonError) Error() string { return e.Message }

// Retryable reports whether the write may succeed if the transaction is made again.
func (e *TxReasonError) Retryable() bool {
	switch e.Code {
	case "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded":
		return true
	}
	return false
}

// TxError is a canceled transaction: Reasons[i] is why write i failed, nil for the writes that
// did not. It matches ErrTransactionCanceled and, through Unwrap, each reason (so errors.Is(err,
// ErrConditionFailed) and errors.As to a *ConditionFailedError[T] find a failed condition).
type TxError struct {
	Reasons []error
}

func (e *TxError) Error() string {
	var parts []string
	for i, r := range e.Reasons {
		if r != nil {
			parts = append(parts, fmt.Sprintf("write %d: %v", i, r))
		}
	}
	return "transaction canceled: " + strings.Join(parts, "; ")
}

func (e *TxError) Is(target error) bool { return target == ErrTransactionCanceled }

func (e *TxError) Unwrap() []error {
	var errs []error
	for _, r := range e.Reasons {
		if r != nil {
			errs = append(errs, r)
		}
	}
	return errs
}

// Transact sends the writes as one TransactWriteItems call: all happen or none does. A
// cancellation is an [*OpError] wrapping a [*TxError] with each write's reason, decoded as that
// write alone would fail (ErrConditionFailed with the current item, ErrAlreadyExists,
// ErrNotFound). Writes on one item twice, or more than 100 writes, are DynamoDB's
// ValidationException.
func Transact(ctx context.Context, writes ...TxWrite) error {
	if len(writes) == 0 {
		return fmt.Errorf("%w: a transaction needs at least one write", ErrInvalidRequest)
	}
	tables := make([]string, 0, len(writes))
	in := &dynamodb.TransactWriteItemsInput{}
	for _, w := range writes {
		tables = append(tables, w.table)
		if w.err != nil {
			return &OpError{Op: "TransactWriteItems", Table: w.table, Key: w.key, Err: w.err}
		}
		in.TransactItems = append(in.TransactItems, w.item)
	}
	_, err := writes[0].client.TransactWriteItems(ctx, in)
	if err == nil {
		return nil
	}
	opErr := &OpError{Op: "TransactWriteItems", Table: strings.Join(tables, ",")}
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && len(canceled.CancellationReasons) == len(writes) {
		tx := &TxError{Reasons: make([]error, len(writes))}
		for i, r := range canceled.CancellationReasons {
			tx.Reasons[i] = writes[i].reason(r)
		}
		opErr.Err = tx
		return opErr
	}
	opErr.Err = err
	return opErr
}
