package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/users"
)

// RunUsers lists the pool's users, page by page, and brings each confirmed user's record to what
// user-signup would write at their next sign-in (users.Write): the lower-cased email and
// Cognito's email_verified, the first timestamp and the preferences kept. A user whose record
// is missing (its confirmation write failed and they have not signed in since) gets one, dated by
// Cognito's creation date.
func (b *Backfill) RunUsers(ctx context.Context, s *Summary) {
	pages := cip.NewListUsersPaginator(b.Pool, &cip.ListUsersInput{UserPoolId: aws.String(b.PoolID), Limit: aws.Int32(b.UserPage)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			s.fail(fmt.Errorf("list the users of pool %s (the users pass stopped here; rerun): %w", b.PoolID, err))
			return
		}
		for _, u := range page.Users {
			s.Users.Scanned++
			if err := b.user(ctx, u, &s.Users); err != nil {
				s.fail(err)
			}
		}
	}
}

// user brings one user's record up to date, reading it first: a record that already says what
// Cognito says is not written (so a rerun writes nothing), and the write is conditional on the
// record being as read, so that a sign-in's write in between, which is as new as the listing or
// newer, is kept.
func (b *Backfill) user(ctx context.Context, u types.UserType, c *UserCounts) error {
	if u.UserStatus == types.UserStatusTypeUnconfirmed {
		c.Unconfirmed++
		return nil
	}
	attrs := make(map[string]string, len(u.Attributes))
	for _, a := range u.Attributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	p := users.FromAttributes(attrs)
	if p.Sub == "" {
		return &ItemError{Kind: "user", Key: "named " + aws.ToString(u.Username), Err: ErrNoSub}
	}
	fail := func(err error) error { return &ItemError{Kind: "user", Key: p.Sub, Err: err} }
	old, err := b.Users.Get(ddb.Key{Partition: p.Sub}).Consistent().One(ctx)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, ddb.ErrNotFound):
		return fail(err)
	case exists && p.Matches(old):
		c.Unchanged++
		return nil
	}
	log := b.Log.With("user_id", p.Sub, "email", lambdalog.MaskEmail(p.Email), "email_verified", p.EmailVerified,
		"created", !exists, "dry_run", b.DryRun)
	if b.DryRun {
		c.Updated++
		log.Info("user record to update")
		return nil
	}
	first := b.Now()
	if u.UserCreateDate != nil {
		first = *u.UserCreateDate
	}
	err = users.Write(b.Users, p, first).If(asRead(old, exists)).Run(ctx)
	switch {
	case err == nil:
		c.Updated++
		log.Info("user record updated")
		return nil
	case errors.Is(err, ddb.ErrConditionFailed):
		c.ChangedMeanwhile++
		log.Info("user record written by a sign-in meanwhile; kept")
		return nil
	}
	return fail(err)
}

// asRead is the condition "the record is still as it was read": absent, or with the same email
// and email_verified (what users.Write changes).
func asRead(old tables.UserItem, exists bool) expression.ConditionBuilder {
	if !exists {
		return expression.AttributeNotExists(expression.Name(tables.AttrUserID))
	}
	email, verified := expression.Name(tables.AttrEmail), expression.Name(tables.AttrEmailVerified)
	sameEmail := email.Equal(expression.Value(old.Email))
	if old.Email == "" {
		sameEmail = expression.AttributeNotExists(email)
	}
	sameVerified := verified.Equal(expression.Value(true))
	if !old.EmailVerified {
		sameVerified = expression.AttributeNotExists(verified).Or(verified.Equal(expression.Value(false)))
	}
	return sameEmail.And(sameVerified)
}
