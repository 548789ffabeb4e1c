//go:build unix

package jupyter

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// terminate ends p and every process it started: SIGTERM to its group,
// so that Jupyter shuts its kernels down, then after grace SIGKILL to
// its group and to the groups of the processes it had started, which
// Jupyter puts in sessions of their own. It returns once p was waited
// for.
func terminate(p *process, grace time.Duration) {
	pid := p.cmd.Process.Pid
	started := descendants(pid)
	_ = syscall.Kill(-pid, syscall.SIGTERM) // the group may be gone already
	timer := time.NewTimer(grace)
	select {
	case <-p.exited:
	case <-timer.C:
	}
	timer.Stop()
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	own := syscall.Getpgrp()
	for _, c := range started {
		// The same process (not a new one with its number) and a group
		// that is neither the workbench's nor init's.
		if now, ok := readStat(c.pid); ok && now.start == c.start && now.pgid > 1 && now.pgid != own {
			_ = syscall.Kill(-now.pgid, syscall.SIGKILL)
		}
	}
	<-p.exited
}

// stat is what terminate needs of /proc/PID/stat.
type stat struct {
	pid, ppid, pgid int
	state           byte
	start           uint64 // clock ticks after boot: tells a reused pid
}

// readStat reads /proc/PID/stat (Linux); false where there is none.
func readStat(pid int) (stat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, false
	}
	return parseStat(string(b))
}

// parseStat parses a /proc/PID/stat line: "pid (comm) state ppid pgrp
// ...", where comm may hold spaces and parentheses, and the start time is
// the 22nd field.
func parseStat(line string) (stat, bool) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return stat{}, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return stat{}, false
	}
	f := strings.Fields(line[end+1:])
	if len(f) < 20 || len(f[0]) != 1 {
		return stat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgid, err2 := strconv.Atoi(f[2])
	start, err3 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return stat{}, false
	}
	return stat{pid: pid, ppid: ppid, pgid: pgid, state: f[0][0], start: start}, true
}

// descendants are the processes below root, found in /proc; none where
// there is no /proc.
func descendants(root int) []stat {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]stat{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if s, ok := readStat(pid); ok {
			children[s.ppid] = append(children[s.ppid], s)
		}
	}
	var out []stat
	queue := []int{root}
	for len(queue) > 0 {
		for _, c := range children[queue[0]] {
			out = append(out, c)
			queue = append(queue, c.pid)
		}
		queue = queue[1:]
	}
	return out
}
