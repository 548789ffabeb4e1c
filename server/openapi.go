package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// openapiFiles is the OpenAPI document in parts: base.json holds the
// info, the shared components and the first routes; each other file
// holds the paths (and schemas) of one subject, named like its Go file.
//
//go:embed openapi/*.json
var openapiFiles embed.FS

// openAPIDoc describes every route of the API; TestOpenAPIMatchesRoutes
// keeps it equal to the router.
var openAPIDoc = mustMergeOpenAPI(openapiFiles)

// mustMergeOpenAPI joins the parts into one document. The parts are
// compiled in, so a broken one is a programming error caught by every
// test of the package.
func mustMergeOpenAPI(files fs.FS) []byte {
	doc, err := mergeOpenAPI(files)
	if err != nil {
		panic(err)
	}
	return doc
}

func mergeOpenAPI(files fs.FS) ([]byte, error) {
	names, err := fs.Glob(files, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	paths := map[string]any{}
	schemas := map[string]any{}
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var part struct {
			Paths      map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("server: %s: %w", name, err)
		}
		if strings.HasSuffix(name, "/base.json") {
			if err := json.Unmarshal(b, &doc); err != nil {
				return nil, fmt.Errorf("server: %s: %w", name, err)
			}
		}
		for path, ops := range part.Paths {
			have, _ := paths[path].(map[string]any)
			if have == nil {
				have = map[string]any{}
				paths[path] = have
			}
			for method, op := range ops {
				if _, dup := have[method]; dup {
					return nil, fmt.Errorf("server: %s: %s %s is documented twice", name, method, path)
				}
				have[method] = op
			}
		}
		for k, v := range part.Components.Schemas {
			if _, dup := schemas[k]; dup {
				return nil, fmt.Errorf("server: %s: schema %s is defined twice", name, k)
			}
			schemas[k] = v
		}
	}
	if doc == nil {
		return nil, fmt.Errorf("server: openapi/base.json is missing")
	}
	doc["paths"] = paths
	components, _ := doc["components"].(map[string]any)
	if components == nil {
		components = map[string]any{}
		doc["components"] = components
	}
	components["schemas"] = schemas
	return json.MarshalIndent(doc, "", "  ")
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
