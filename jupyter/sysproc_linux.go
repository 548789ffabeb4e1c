package jupyter

import "syscall"

// sysProcAttr puts the server in a process group of its own, and has the
// kernel kill it should the workbench die without stopping it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
