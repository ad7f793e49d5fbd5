// Package alerts says what an alert is and where it goes (issue 22): the triggers (a job
// succeeded, failed, or went silent), the channels (email, Slack, a signed webhook), the text of
// each message with the attacker-controlled parts neutralised, the webhook's signature, and the
// one HTTP client allowed to call a user's URL. The status-notifier and the stall sweep's
// delivery use these definitions; status-query validates settings with them; nothing here knows
// of AWS.
//
// Attacker-controlled text: a job's name, message and error come from training events, which
// anyone holding a reporting token (or the queue) writes. Every message strips control and bidi
// characters from them (Clean), Slack messages escape Slack's control characters (&, <, >), which
// also turns mention syntax such as <!channel> and link syntax <url|text> into plain text, and
// ask Slack not to unfurl; the webhook body is JSON, whose receivers decide.
//
// Outbound safety (Client): HTTPS only unless the local setting allows plain HTTP to loopback;
// the connected address, after DNS resolution, must not be loopback, private, link-local,
// unspecified, multicast, shared (CGNAT) or a cloud metadata address (checked in the dialer, so a
// name that resolves to one is refused too); redirects are not followed; short timeouts; bodies
// bounded both ways.
package alerts
