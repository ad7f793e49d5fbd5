package alerts

import (
	"encoding/json"
	"fmt"
	"strings"
)

// slackEscaper escapes the three characters Slack's message format gives a meaning to. Escaped,
// <!channel>, <@U123>, <#C123> and <https://x|y> are plain text: no mention, no link.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackText makes attacker-controlled text inert in a Slack message: cleaned (Clean), escaped,
// and set in inline code, inside which Slack neither links URLs nor formats text (a backtick in
// the text, which would close the code, becomes U+02CB).
func slackText(s string) string {
	s = strings.ReplaceAll(Clean(s), "`", "ˋ")
	if s == "" {
		return ""
	}
	return "`" + slackEscaper.Replace(s) + "`"
}

// SlackMessage is the JSON body posted to a Slack incoming webhook: one text in Slack's format,
// with the job's name, message and error inert (slackText), our own link to the job, and
// unfurling off (no preview fetched of any link).
func SlackMessage(a Alert) ([]byte, error) {
	var b strings.Builder
	icon := map[Trigger]string{Succeeded: ":white_check_mark:", Failed: ":x:", Stalled: ":hourglass:"}[a.Trigger]
	switch a.Trigger {
	case Succeeded:
		fmt.Fprintf(&b, "%s %s succeeded", icon, slackText(a.Title()))
	case Failed:
		fmt.Fprintf(&b, "%s %s failed", icon, slackText(a.Title()))
		if e := slackText(a.Error); e != "" {
			fmt.Fprintf(&b, "\nError: %s", e)
		}
	case Stalled:
		fmt.Fprintf(&b, "%s %s has not reported since %s", icon, slackText(a.Title()), slackEscaper.Replace(a.UpdatedAt))
		if silent, ok := a.Silent(); ok {
			fmt.Fprintf(&b, " (%s)", HumanDuration(silent))
		}
		b.WriteString("\nIt is still shown as running: its next report clears this.")
	}
	if m := slackText(a.Message); m != "" {
		fmt.Fprintf(&b, "\nLast message: %s", m)
	}
	// Our link: the request id in it is path-escaped (JobLink), so it holds no | or >.
	fmt.Fprintf(&b, "\n<%s|Open the job>", slackEscaper.Replace(a.Link))
	return json.Marshal(struct {
		Text        string `json:"text"`
		UnfurlLinks bool   `json:"unfurl_links"`
		UnfurlMedia bool   `json:"unfurl_media"`
	}{b.String(), false, false})
}
