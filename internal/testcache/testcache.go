// Package testcache keeps folders that tests build from the module's code
// and testdata, such as GiBleed's index, for the test binaries of every
// package and between runs, the way Go keeps its build cache.
package testcache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Root is the module's root folder, found from this file's location.
var Root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// Dir returns the folder named name that build fills, built once for
// every test binary of the module's current code and kept between runs in
// the user's cache folder. Tests must not change it. Indexing GiBleed
// takes 5-16 s of two cores (measured at load 2-4), and eight packages'
// tests read it: with one build for all of them, the suite's CPU went
// from 331 s to 244 s (docs/benchmarks.md).
//
// The folder's name holds a hash of every Go file of the module that is
// not a test, go.sum and everything under testdata/ at the root, so a
// change to the code that builds it (or to anything else) builds it again. A build goes to a
// temporary folder renamed into place, so a reader never sees half of
// one; a lock file keeps two test binaries from building the same one at
// once. Folders unused for a week are removed.
func Dir(name string, build func(dir string) error) (string, error) {
	key, err := codeKey()
	if err != nil {
		return "", err
	}
	root, err := cacheRoot()
	if err != nil {
		return "", err
	}
	final := filepath.Join(root, name+"-"+key)
	if ready(final) {
		return final, nil
	}
	unlock, err := lock(final + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if ready(final) {
		return final, nil
	}
	tmp, err := os.MkdirTemp(root, name+"-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := build(tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil && !ready(final) {
		return "", err
	}
	prune(root, name, final)
	return final, nil
}

// Programs builds the main packages pkgs (patterns relative to Root) with
// `go build` into a folder of programs kept between runs, one for each
// root of the module (a worktree has its own), and returns the folder.
// The go command links a program again only when its build ID differs
// from the one of the file already there: a test that runs the programs
// then pays for the link (about 4 s of CPU for a program with the DuckDB
// driver) only after a change. env is added to go's environment, and
// names the folder too (CGO_ENABLED=0 builds go elsewhere).
func Programs(env []string, pkgs ...string) (string, error) {
	root, err := cacheRoot()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(Root + "\x00" + strings.Join(env, "\x00")))
	dir := filepath.Join(root, "programs-"+hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	ready(dir)
	unlock, err := lock(dir + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	cmd := exec.Command("go", append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)...)
	cmd.Dir = Root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("testcache: go build %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	prune(root, "programs", dir)
	return dir, nil
}

// ready reports whether dir exists, marking it used.
func ready(dir string) bool {
	now := time.Now()
	return os.Chtimes(dir, now, now) == nil
}

func cacheRoot() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	root := filepath.Join(base, "workbench", "testcache")
	return root, os.MkdirAll(root, 0o755)
}

// prune removes the folders of name other than keep unused for a week.
func prune(root, name, keep string) {
	old, _ := filepath.Glob(filepath.Join(root, name+"-*"))
	for _, dir := range old {
		fi, err := os.Stat(dir)
		if err != nil || dir == keep || strings.HasSuffix(dir, ".lock") || time.Since(fi.ModTime()) < 7*24*time.Hour {
			continue
		}
		os.RemoveAll(dir)
		os.Remove(dir + ".lock")
	}
}

var key struct {
	once sync.Once
	sum  string
	err  error
}

// codeKey hashes the module's Go files that are not tests, go.sum and
// the root's testdata.
func codeKey() (string, error) {
	key.once.Do(func() {
		h := sha256.New()
		add := func(path string) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			rel, _ := filepath.Rel(Root, path)
			fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
			_, err = io.Copy(h, f)
			return err
		}
		err := filepath.WalkDir(Root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != Root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
				return add(path)
			}
			return nil
		})
		if err == nil {
			err = add(filepath.Join(Root, "go.sum"))
		}
		if err == nil {
			err = filepath.WalkDir(filepath.Join(Root, "testdata"), func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				return add(path)
			})
		}
		if err != nil {
			key.err = errors.New("testcache: hashing the module's code: " + err.Error())
			return
		}
		key.sum = hex.EncodeToString(h.Sum(nil))[:16]
	})
	return key.sum, key.err
}
