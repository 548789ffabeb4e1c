// Package atomicdir puts a folder built under a temporary name in place of
// another: what the index of a CDR and a public release are written with,
// so that a reader never sees half of one.
package atomicdir

import (
	"errors"
	"os"
)

// Replace puts the folder src in place of dst, removing an old dst only
// after src is in place; when src cannot be put in place, the old dst is
// put back.
func Replace(src, dst string) error {
	old := dst + ".old"
	os.RemoveAll(old)
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		os.Rename(old, dst)
		return err
	}
	return os.RemoveAll(old)
}
