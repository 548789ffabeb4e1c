package notebook

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/openworkbench/workbench/fault"
)

// ErrQuota is matched by a save that would take the notebooks of a
// workspace past Files.Quota; the server answers it with 413.
var ErrQuota = fault.New(fault.TooLarge, "notebook.quota", "notebook: over the workspace's notebook quota")

// Usage is the bytes the folder of the workspace's notebooks holds: every
// file in it, what Jupyter wrote there (checkpoints too) as well as the
// notebooks saved through the API, since all of it takes the disk.
func (f Files) Usage(workspace string) (int64, error) {
	dir, err := f.Dir(workspace)
	if err != nil {
		return 0, err
	}
	return usage(dir, "")
}

// usage is the bytes of the regular files under dir, leaving out the file
// skip, which a save is about to replace.
func usage(dir, skip string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // no folder yet, or a file removed while walking
		}
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || p == skip {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		n += fi.Size()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("notebook: %w", err)
	}
	return n, nil
}

// checkQuota refuses to write size bytes to the notebook file p of the
// workspace folder dir when the folder would then hold more than
// f.Quota. Saves running at the same time each see only the temporary
// files of the others written so far, so together they can pass the
// quota by at most their own sizes, each capped by the server's body
// limit.
func (f Files) checkQuota(dir, p string, size int64) error {
	if f.Quota <= 0 {
		return nil
	}
	used, err := usage(dir, p)
	if err != nil {
		return err
	}
	if used+size > f.Quota {
		return fmt.Errorf("%w: saving %s (%d bytes) would make the workspace's notebooks %d bytes, over its quota of %d bytes: delete notebooks or clear their outputs",
			ErrQuota, filepath.Base(p), size, used+size, f.Quota)
	}
	return nil
}
