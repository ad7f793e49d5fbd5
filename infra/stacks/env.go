package stacks

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// resourceValues is the one place that says what each of package deploy's resources is in
// CloudFormation: the value a function's environment variable bound to it gets. pageURL is the
// tracker page's URL where it is known (the stateless stack); a resource with no value here
// cannot be given to a function declared in that place (environment says which).
func resourceValues(settings Settings, state *Stateful, pageURL *string) map[deploy.Resource]*string {
	values := map[deploy.Resource]*string{
		deploy.StatusTableName:    state.StatusTable.TableName(),
		deploy.UserTableName:      state.UserTable.TableName(),
		deploy.DeadLetterQueueURL: state.DeadLetters.QueueUrl(),
		// Dynamic references: CloudFormation reads the secrets at deploy time, so their values
		// are never in the template or cdk.out (see infra/README.md for the trade-off).
		deploy.CursorKey:          state.CursorSecret.SecretValue().UnsafeUnwrap(),
		deploy.CursorKeyPrevious:  state.CursorSecretPrevious.SecretValue().UnsafeUnwrap(),
		deploy.TokensTableName:    state.TokensTable.TableName(),
		deploy.RateLimitTableName: state.RateLimitTable.TableName(),
		deploy.EventsQueueURL:     state.Events.QueueUrl(),
	}
	if settings.Notifies() {
		values[deploy.NotificationSender] = jsii.String(settings.NotificationSender)
	}
	switch {
	case settings.TrackerURL != "":
		values[deploy.TrackerPageURL] = jsii.String(settings.TrackerURL)
	case pageURL != nil:
		values[deploy.TrackerPageURL] = pageURL
	}
	return values
}

// environment renders a function's variables: each resource variable gets its resource's
// value, each setting its default or the deployment's override. It is an error for a function
// to need a resource that has no value where it is declared.
func environment(f deploy.Function, settings Settings, values map[deploy.Resource]*string) (map[string]*string, error) {
	env := make(map[string]*string, len(f.Env))
	for _, v := range f.Env {
		if v.IsSetting() {
			value, ok := settings.Env[v.Name]
			if !ok {
				value = v.Default
			}
			env[v.Name] = jsii.String(value)
			continue
		}
		value, ok := values[v.Resource]
		if !ok {
			return nil, fmt.Errorf("function %s: variable %s needs the %s, which this deployment does not have where the function is declared",
				f.Name, v.Name, v.Resource)
		}
		env[v.Name] = value
	}
	return env, nil
}
