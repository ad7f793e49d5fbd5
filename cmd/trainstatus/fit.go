package main

// fit cuts s to at most width-1 characters (keeping the last column free, so that the cursor
// never wraps), ending with "…" when it cut; width 0 means no limit.
func fit(s string, width int) string {
	r := []rune(s)
	if width <= 1 || len(r) < width {
		return s
	}
	return string(r[:width-2]) + "…"
}
