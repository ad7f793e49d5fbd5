package stack

import "github.com/trainstatus/trainstatus/local/receiver"

// startReceiver starts the stack's Slack and webhook receiver (local/receiver): alerts a user
// points at ReceiverEndpoint/slack/... or /hook/... land in its store (GET /store). The
// notifier and status-query may post to it because the stack, and only the stack, gives them
// ALERTS_ALLOW_LOCAL (functions.go).
func (s *Stack) startReceiver(cfg Config) error {
	srv, err := receiver.Start(cfg.ReceiverAddr)
	if err != nil {
		return err
	}
	s.addCloser(srv.Close)
	s.receiver = srv
	s.State.ReceiverEndpoint = srv.Endpoint
	s.log.Info("alert receiver ready", "endpoint", srv.Endpoint)
	return nil
}

// Receiver is the stack's alert receiver (tests read its posts and set its faults).
func (s *Stack) Receiver() *receiver.Server { return s.receiver }
