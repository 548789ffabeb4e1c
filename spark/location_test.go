package spark_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/spark"
)

func TestLocation(t *testing.T) {
	abs, err := filepath.Abs("cdr")
	require.NoError(t, err)
	for _, tt := range []struct{ in, want string }{
		{"cdr", "file://" + abs},
		{"/data/cdr/", "file:///data/cdr"},
		{"file:///data/cdr", "file:///data/cdr"},
		{"s3a://bucket/omop/v8/", "s3a://bucket/omop/v8"},
		{"abfss://container@account.dfs.core.windows.net/omop", "abfss://container@account.dfs.core.windows.net/omop"},
		{"hdfs://namenode:8020/omop", "hdfs://namenode:8020/omop"},
		{"hdfs:///omop", "hdfs:///omop"},
	} {
		got, err := spark.Location(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, tt := range []struct{ in, err string }{
		{"", "spark: no CDR: want a folder or a URI (file://, s3a://, abfss://, hdfs://...)"},
		{"gs://bucket/omop", `scheme "gs": want one of file, s3a, abfss, hdfs`},
		{"http://host/omop", `scheme "http"`},
		{"s3a:///omop", "want s3a://BUCKET/PATH"},
		{"file://host/omop", "a file URI names no host"},
		{"file:///", "want the path of a CDR folder"},
		{"s3a://bucket/omop?x=1", "want no query or fragment"},
	} {
		_, err := spark.Location(tt.in)
		assert.ErrorContains(t, err, tt.err, tt.in)
	}
}

// TestOpenErrors checks the errors of Open that need no Spark server.
func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := spark.Open(ctx, "127.0.0.1:15002", "/data/cdr", spark.Options{})
	assert.EqualError(t, err, `spark: remote "127.0.0.1:15002": want sc://HOST:PORT`)
	_, err = spark.Open(ctx, "sc://127.0.0.1:15002", "ftp://host/cdr", spark.Options{})
	assert.ErrorContains(t, err, `scheme "ftp"`)
	// Port 1 on the loopback address: nothing listens there.
	_, err = spark.Open(ctx, "sc://127.0.0.1:1", "/data/cdr", spark.Options{})
	assert.ErrorIs(t, err, spark.ErrUnreachable)
}
