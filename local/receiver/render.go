package receiver

import (
	"regexp"
	"strings"
)

// slackLink is Slack's link syntax: <url|text> or <url>, and mentions <!channel>, <@U123>.
var slackLink = regexp.MustCompile(`<([^<>|]+)(?:\|([^<>]*))?>`)

// Render shows a Slack message text as Slack displays it, in plain text: a link <url|text> as
// "text (url)", a mention <!channel> as "@channel" (a real, unescaped one: the notifier must
// never produce one from a job's text), inline code as is, and the &amp; &lt; &gt; entities
// decoded.
func Render(text string) string {
	out := slackLink.ReplaceAllStringFunc(text, func(m string) string {
		parts := slackLink.FindStringSubmatch(m)
		target, label := parts[1], parts[2]
		switch {
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(target, "!")
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			return target
		case label != "":
			return label + " (" + target + ")"
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(out)
}
