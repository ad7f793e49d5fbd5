// Package statusapi is the HTTP API's wire format: the bodies status-query writes and the CLI's
// watch, the demo and the tracker page read. It is not the stored item (pkg/tables): a field here
// is a promise to clients, a field there is a storage detail, and the function maps one to the
// other. It imports only the job vocabulary, so clients link no AWS SDK.
package statusapi
