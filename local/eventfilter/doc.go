// Package eventfilter is Lambda's event filtering for the local event source mappings: the
// FilterCriteria of a mapping, up to five JSON patterns in the EventBridge syntax, OR'd; a record
// is kept when one pattern matches it, and dropped otherwise.
//
// A record is matched as Lambda presents it to the filter: the JSON record of the event (for a
// DynamoDB stream, {"eventName": ..., "dynamodb": {"Keys": ..., "NewImage": {"status": {"S":
// "SUCCESS"}}, ...}}, in DynamoDB JSON). A pattern names fields by nesting objects; each leaf of
// the pattern is an array of conditions, any one of which must hold; every field of a pattern must
// match (AND), and "$or" takes alternative sub-patterns.
//
// Semantics, as the EventBridge and Lambda documentation gives them (the event is flattened to
// its leaves; an array in the event contributes each of its elements to the same field):
//
//   - exact values: strings, numbers (compared as numbers: 5 matches 5.0), true/false and null;
//     a string never matches a number. DynamoDB's "N" values are JSON strings, so a number in a
//     pattern or "numeric" never matches them (as in Lambda): match {"N": ["5"]}.
//   - {"prefix": "..."} and {"suffix": "..."} (or {"prefix": {"equals-ignore-case": "..."}}),
//     {"equals-ignore-case": "..."}: strings only.
//   - {"anything-but": v}: v a string, a number, a list of strings or of numbers, or
//     {"prefix"|"suffix"|"equals-ignore-case": ...}; matches a field that is present with another
//     value. A missing field does not match.
//   - {"numeric": [">", 0, "<=", 5]}: one "=" or up to one lower and one upper bound; numbers only.
//   - {"exists": true|false}: whether the field has a leaf value. Exists works on leaves only, as
//     in Lambda: {"NewImage": {"status": [{"exists": true}]}} never matches because status is an
//     object ({"S": ...}); write {"NewImage": {"status": {"S": [{"exists": true}]}}}.
//     {"exists": false} matches a missing field.
//   - "$or": [pattern, pattern, ...] at any level: one of the sub-patterns must match there.
//
// Not implemented (refused as invalid): "wildcard", "cidr", "contains" and the "$and"/"$not"
// forms of EventBridge Pipes. Event-ruler's "array consistency" (fields matched inside one
// element of an array of objects must come from the same element) is not enforced: DynamoDB
// images are maps, and the patterns of this project do not reach into lists of maps.
package eventfilter
