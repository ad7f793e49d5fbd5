package statusapi

// Token is a reporting token as GET /me/tokens lists it: never its secret. Times are
// job.TimeLayout strings.
type Token struct {
	// ID is the token's public id (DELETE /me/tokens/{token_id}).
	ID   string `json:"id"`
	Name string `json:"name"`
	// Prefix is the secret's first 8 characters ("tsk_" and 4 more), to recognise it.
	Prefix     string `json:"prefix"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

// TokenList is the caller's tokens, newest first (GET /me/tokens).
type TokenList struct {
	Tokens []Token `json:"tokens"`
}

// TokenCreate is the body of POST /me/tokens.
type TokenCreate struct {
	Name string `json:"name"`
}

// CreatedToken answers POST /me/tokens (201): the token and its secret, shown this once.
type CreatedToken struct {
	Token  Token  `json:"token"`
	Secret string `json:"secret"`
}
