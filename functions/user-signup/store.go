package main

import (
	"context"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// UserStore records users. Create must fail with an error matching ddb.ErrAlreadyExists when the
// user is already recorded, and must leave that record as it is.
type UserStore interface {
	Create(ctx context.Context, user tables.UserItem) error
}

// TableStore is the UserStore of the user table: one conditional PutItem per user.
type TableStore struct {
	Table *ddb.Table[tables.UserItem]
}

// Create writes user unless an item with its user_id exists.
func (s TableStore) Create(ctx context.Context, user tables.UserItem) error {
	return s.Table.Create(user).Run(ctx)
}
