package deploy

import "time"

// PasswordMinLength is the user pool's shortest password (with upper and lower case letters, a
// digit and a symbol). infra/ sets it on the pool, and the page's sign-up hint reads it from
// /config.json, so the hint always says what the pool enforces.
const PasswordMinLength = 12

// RefreshTokenValidity is how long one sign-in lasts: the app client's refresh token validity.
// Cognito's default is 30 days; a day covers a working day and the night's training runs (a tab
// left open overnight still opens the morning's job-end email signed in), while a refresh token
// copied out of a tab (by an injected script, or from a shared machine) is worth a day at most
// instead of a month. The page keeps it in one tab's sessionStorage and hands it to new tabs
// only while a signed-in tab is open (see web/static/auth.js).
const RefreshTokenValidity = 24 * time.Hour
