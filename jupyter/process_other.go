//go:build !unix

package jupyter

import (
	"syscall"
	"time"
)

// sysProcAttr is nil: this system has no process groups.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminate kills p alone: this system has no process groups, so the
// kernels are left to notice that their server is gone.
func terminate(p *process, _ time.Duration) {
	_ = p.cmd.Process.Kill()
	<-p.exited
}
