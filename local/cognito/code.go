package cognito

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ConfirmationCode reads the sign-up confirmation code cognito-local stored for username (the
// email) in its database file .cognito/db/<poolId>.json; it also prints it in its log.
func ConfirmationCode(dir, poolID, username string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, ".cognito", "db", poolID+".json"))
	if err != nil {
		return "", err
	}
	var db struct {
		Users map[string]struct {
			Username         string
			ConfirmationCode string
			Attributes       []struct{ Name, Value string }
		}
	}
	if err := json.Unmarshal(b, &db); err != nil {
		return "", fmt.Errorf("cognito-local db: %w", err)
	}
	for key, u := range db.Users {
		match := key == username || u.Username == username
		for _, a := range u.Attributes {
			match = match || (a.Name == "email" && a.Value == username)
		}
		if match && u.ConfirmationCode != "" {
			return u.ConfirmationCode, nil
		}
	}
	return "", fmt.Errorf("no confirmation code for %s in pool %s", username, poolID)
}
