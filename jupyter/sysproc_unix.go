//go:build unix && !linux

package jupyter

import "syscall"

// sysProcAttr puts the server in a process group of its own.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
