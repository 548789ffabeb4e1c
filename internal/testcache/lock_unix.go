//go:build unix

package testcache

import (
	"os"
	"syscall"
)

// lock holds an exclusive lock on the file at path until the returned
// function is called; the kernel releases it when a process dies.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
