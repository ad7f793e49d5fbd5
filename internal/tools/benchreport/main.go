// Command benchreport turns `go test -bench` output into a Markdown table of ratios against a
// baseline measured in the same run, and writes it into a named section of BENCHMARKS.md.
//
// In each benchmark group (BenchmarkX/<variant>), the variants whose names start with "baseline"
// or are "raw-sdk" are baselines; every other variant is reported as the ratio of its median ns/op
// and allocs/op to each baseline's. Metrics the benchmarks report with b.ReportMetric are listed
// too, with their ratio when the group has one baseline.
//
//	go test -run '^$' -bench . -count 5 ./pkg/ddb | benchreport -file BENCHMARKS.md -section ddb -cmd "make bench"
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	file := flag.String("file", "BENCHMARKS.md", "Markdown file to update")
	section := flag.String("section", "", "section name (the text between <!-- bench:NAME --> markers is replaced)")
	command := flag.String("cmd", "make bench", "command to show as the producer of the numbers")
	flag.Parse()
	if *section == "" {
		fmt.Fprintln(os.Stderr, "benchreport: -section is required")
		os.Exit(2)
	}
	runs, err := parse(io.TeeReader(os.Stdin, os.Stdout))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	if len(runs) == 0 {
		fmt.Fprintln(os.Stderr, "benchreport: no benchmark results in the input")
		os.Exit(1)
	}
	if err := writeSection(*file, *section, render(runs, *command)); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// result holds every run of one benchmark: metric unit -> values.
type result struct {
	name    string
	metrics map[string][]float64
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func parse(r io.Reader) ([]*result, error) {
	var order []*result
	byName := map[string]*result{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		res := byName[m[1]]
		if res == nil {
			res = &result{name: m[1], metrics: map[string][]float64{}}
			byName[m[1]] = res
			order = append(order, res)
		}
		fields := strings.Fields(m[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			res.metrics[fields[i+1]] = append(res.metrics[fields[i+1]], v)
		}
	}
	return order, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func isBaseline(variant string) bool {
	return variant == "raw-sdk" || strings.HasPrefix(variant, "baseline")
}

func render(runs []*result, command string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Produced by `%s` (medians of %d runs; each variant is compared with every baseline of its group, measured in the same run).\n\n", command, len(runs[0].metrics["ns/op"]))
	b.WriteString("| benchmark | ns/op | allocs/op | B/op | ns/op vs baseline | allocs/op vs baseline | other metrics |\n|---|---:|---:|---:|---|---|---|\n")
	baselines := map[string][]*result{}
	for _, r := range runs {
		group, variant, _ := strings.Cut(r.name, "/")
		if isBaseline(variant) {
			baselines[group] = append(baselines[group], r)
		}
	}
	for _, r := range runs {
		group, variant, _ := strings.Cut(r.name, "/")
		ns, allocs, bytes := median(r.metrics["ns/op"]), median(r.metrics["allocs/op"]), median(r.metrics["B/op"])
		var vsNs, vsAllocs []string
		if isBaseline(variant) {
			vsNs, vsAllocs = []string{"baseline"}, []string{"baseline"}
		} else {
			for _, base := range baselines[group] {
				_, name, _ := strings.Cut(base.name, "/")
				if bn := median(base.metrics["ns/op"]); bn > 0 && ns >= 100 { // below 100 ns nothing was timed
					vsNs = append(vsNs, fmt.Sprintf("**%.2fx** %s", ns/bn, name))
				}
				if ba := median(base.metrics["allocs/op"]); ba > 0 {
					vsAllocs = append(vsAllocs, fmt.Sprintf("%.2fx %s", allocs/ba, name))
				}
			}
		}
		var other []string
		for unit, v := range r.metrics {
			if unit == "ns/op" || unit == "allocs/op" || unit == "B/op" {
				continue
			}
			text := fmt.Sprintf("%s %s", strconv.FormatFloat(median(v), 'f', -1, 64), unit)
			if bases := baselines[group]; len(bases) == 1 && !isBaseline(variant) {
				if bv := median(bases[0].metrics[unit]); bv > 0 {
					text += fmt.Sprintf(" (%.2fx)", median(v)/bv)
				}
			}
			other = append(other, text)
		}
		slices.Sort(other)
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.0f | %s | %s | %s |\n",
			strings.TrimPrefix(r.name, "Benchmark"), ns, allocs, bytes,
			strings.Join(vsNs, ", "), strings.Join(vsAllocs, ", "), strings.Join(other, ", "))
	}
	return b.String()
}

// writeSection replaces the text between <!-- bench:NAME --> and <!-- /bench:NAME --> in file,
// appending the section if it is not there yet.
func writeSection(file, name, body string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	start, end := "<!-- bench:"+name+" -->", "<!-- /bench:"+name+" -->"
	text := string(old)
	block := start + "\n" + body + end
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i >= 0 && j > i {
		text = text[:i] + block + text[j+len(end):]
	} else {
		if text != "" && !strings.HasSuffix(text, "\n\n") {
			text += "\n"
		}
		text += "## " + name + "\n\n" + block + "\n"
	}
	return os.WriteFile(file, []byte(text), 0o644)
}
