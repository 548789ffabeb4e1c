package cdr

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

// go test ./cdr -run '^$' -bench . -benchtime 3x
func BenchmarkLoadGiBleed(b *testing.B) {
	ctx := context.Background()
	root := b.TempDir()
	for i := range b.N {
		if _, err := Load(ctx, "../testdata/gibleed/csv", filepath.Join(root, strconv.Itoa(i)), LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndexGiBleed(b *testing.B) {
	ctx := context.Background()
	dir := copyDir(b, gibleedParquet)
	b.ResetTimer()
	for range b.N {
		if _, err := Index(ctx, dir, IndexOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
