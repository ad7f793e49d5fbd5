package demo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// stat is what /proc/<pid>/stat tells: the parent and whether the process has exited (a
// zombie waiting to be reaped has).
type stat struct {
	ppid   int
	exited bool
}

func readStat(pid int) (stat, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, false
	}
	// "pid (comm) S ppid ...": the command name may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 2 {
		return stat{}, false
	}
	ppid, err := strconv.Atoi(string(f[1]))
	if err != nil {
		return stat{}, false
	}
	return stat{ppid: ppid, exited: f[0][0] == 'Z' || f[0][0] == 'X'}, true
}

// descendants returns every live process below pid: children, their children, and so on.
func descendants(pid int) ([]int, error) {
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	children := map[int][]int{}
	for _, d := range dirs {
		p, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if st, ok := readStat(p); ok && !st.exited {
			children[st.ppid] = append(children[st.ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out, nil
}

// alive reports whether pid is a process that has not exited.
func alive(pid int) bool {
	st, ok := readStat(pid)
	return ok && !st.exited
}
