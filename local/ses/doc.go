// Package ses runs aws-ses-v2-local (npm, pinned in mk/local.mk) on Node 22 as the stack's SES:
// the SES v2 API on 127.0.0.1, and a store of the sent mail that tests and the demo read
// (GET /store) through Store.
//
// Facts checked on this machine (aws-ses-v2-local 2.10.2):
//
//   - command line: dist/cli.js --host H --port N (yargs; defaults :: and 8005). It listens on
//     exactly the host given (127.0.0.1 here), prints "aws-ses-v2-local: server running at
//     http://localhost:N" once listening, and answers GET /health-check with 200.
//   - the SES v2 API: POST /v2/email/outbound-emails (SendEmail: Simple, Raw and Template
//     content), outbound-bulk-emails, templates, GET /v2/email/account. A request without an
//     Authorization header starting with "AWS" is refused (403 "Missing Authentication Token"):
//     any signature works, so the SDK needs some (dummy) credentials.
//   - it never refuses an address: SendEmail stores whatever ToAddresses holds ("not an address"
//     included); only SendBulkEmail checks address syntax. Sending is always enabled (the
//     AWS_SES_ACCOUNT variable feeds GetAccount only; SendingEnabled=false changes nothing), and
//     there is no sandbox, quota or throttling. A request it finds invalid (no subject, no body,
//     no From) is HTTP 400 {"message": "Bad Request Exception", "detail": "..."} without an error
//     type: the Go SDK reports it as an api error with code "UnknownError" and status 400. So
//     faults (refused address, throttling, 5xx) cannot come from the emulator: a test injects them
//     in front of it (an HTTP handler or the SDK client's middleware).
//   - the store is in memory, in send order, lost at exit; POST /clear-store empties it.
//     GET /store?since=<epoch seconds> filters by the send time, which is whole seconds ("at").
//     Each email: messageId ("ses-<9 digits>", also the SendEmail MessageId), from, replyTo,
//     destination{to,cc,bcc}, subject, body{text,html} (absent parts missing), attachments,
//     headers, at.
//   - with SMTP_TRANSPORT (nodemailer JSON) set it also relays each mail; not used here.
package ses
