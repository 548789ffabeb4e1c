package notebook

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// savingPattern names the temporary file of a save in progress (see
// Files.write).
const savingPattern = ".saving-*"

// RemoveLeftovers removes the temporary files that saves killed midway
// (kill -9, a crash) left in the workspaces' folders, and returns how many
// it removed. Call it at start, before any save: it removes the files of
// saves in progress too. Without a Root there is nothing to remove.
func (f Files) RemoveLeftovers() (int, error) {
	if f.Root == "" {
		return 0, nil
	}
	dirs, err := os.ReadDir(f.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("notebook: %w", err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		left, err := filepath.Glob(filepath.Join(f.Root, d.Name(), savingPattern))
		if err != nil {
			return n, fmt.Errorf("notebook: %w", err)
		}
		for _, p := range left {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return n, fmt.Errorf("notebook: %w", err)
			}
			n++
		}
	}
	return n, nil
}
