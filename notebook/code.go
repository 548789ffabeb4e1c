package notebook

import (
	"fmt"
	"go/format"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// Language is a language code is generated in.
type Language string

const (
	Python Language = "python"
	R      Language = "r"
	Go     Language = "go"
)

// Languages is every Language, in the order the documentation lists them.
var Languages = []Language{Python, R, Go}

// ParseLanguage reads a language name: python, r or go.
func ParseLanguage(s string) (Language, error) {
	l := Language(strings.ToLower(s))
	if !slices.Contains(Languages, l) {
		return "", invalidAt("lang", "%q: want python, r or go", s)
	}
	return l, nil
}

// DatasetCode is a program in lang that pulls every domain of the dataset
// into a data frame (pandas in Python, a data.frame in R, CSV records in
// Go) over the HTTP API, as CSV. It reads the server's address and the
// token from WORKBENCH_URL and WORKBENCH_TOKEN, and the workspace from
// WORKBENCH_WORKSPACE, the dataset's own when that is unset. The
// dataset's name, id and domains appear only as string literals quoted for
// lang, so no value can break the program.
func DatasetCode(lang Language, d workbench.Dataset) (string, error) {
	domains := slices.Sorted(maps.Keys(d.Columns))
	if len(domains) == 0 {
		return "", invalidAt("columns", "dataset %s has no domains to export", d.ID)
	}
	return generate(lang, "dataset", map[string]any{
		"Name": d.Name, "ID": d.ID, "Workspace": d.WorkspaceID, "Domains": domains,
	})
}

// CohortCode is a program in lang that pulls the person ids of the saved
// cohort into a data frame, page by page, over the HTTP API, with the
// environment of DatasetCode.
func CohortCode(lang Language, c workbench.Cohort) (string, error) {
	return generate(lang, "cohort", map[string]any{
		"Name": c.Name, "ID": c.ID, "Workspace": c.WorkspaceID, "PageSize": engine.MaxPageSize,
	})
}

func generate(lang Language, what string, data map[string]any) (string, error) {
	t, ok := templates[lang]
	if !ok {
		return "", invalidAt("lang", "%q: want python, r or go", lang)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, what, data); err != nil {
		return "", fmt.Errorf("notebook: generating %s code: %w", lang, err)
	}
	if lang != Go {
		return b.String(), nil
	}
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		return "", fmt.Errorf("notebook: generated Go code does not parse: %w", err)
	}
	return string(out), nil
}

// quoteCStyle quotes s as a double-quoted literal of a language with C's
// escapes; esc writes a rune outside printable ASCII.
func quoteCStyle(s string, esc func(r rune) string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteString(esc(r))
		}
	}
	b.WriteByte('"')
	return b.String()
}

// quotePython is s as a Python str literal, in ASCII.
func quotePython(s string) string {
	return quoteCStyle(s, func(r rune) string {
		if r > 0xffff {
			return fmt.Sprintf(`\U%08x`, r)
		}
		return fmt.Sprintf(`\u%04x`, r)
	})
}

// quoteR is s as an R string literal, in ASCII. R strings cannot hold
// NUL, so it becomes U+FFFD.
func quoteR(s string) string {
	return quoteCStyle(s, func(r rune) string {
		if r == 0 {
			r = utf8.RuneError
		}
		if r > 0xffff {
			return fmt.Sprintf(`\U{%08x}`, r)
		}
		return fmt.Sprintf(`\u{%04x}`, r)
	})
}

// quoters are the string quoting of each language.
var quoters = map[Language]func(string) string{
	Python: quotePython,
	R:      quoteR,
	Go:     strconv.QuoteToASCII,
}

var templates = func() map[Language]*template.Template {
	out := map[Language]*template.Template{}
	for lang, src := range map[Language]string{Python: pythonCode, R: rCode, Go: goCode} {
		q := quoters[lang]
		out[lang] = template.Must(template.New(string(lang)).Funcs(template.FuncMap{
			"q": q,
			"list": func(l []cohort.Domain) string {
				quoted := make([]string, len(l))
				for i, s := range l {
					quoted[i] = q(string(s))
				}
				return strings.Join(quoted, ", ")
			},
		}).Parse(src))
	}
	return out
}()

const pythonCode = `{{define "head"}}import io
import os
import urllib.parse

import pandas as pd
import requests

URL = os.environ["WORKBENCH_URL"].rstrip("/")
HEADERS = {"Authorization": "Bearer " + os.environ["WORKBENCH_TOKEN"]}
WORKSPACE = os.environ.get("WORKBENCH_WORKSPACE") or {{q .Workspace}}


def get(*path, **params):
    """GETs the API path (each part quoted) and fails on an error answer."""
    url = URL + "/v1/workspaces/" + "/".join(urllib.parse.quote(str(p), safe="") for p in (WORKSPACE,) + path)
    r = requests.get(url, params=params, headers=HEADERS, timeout=600)
    if not r.ok:
        raise RuntimeError("%s %s: %s" % (r.status_code, url, r.text))
    return r
{{end}}{{define "dataset"}}# Pulls a dataset of the workbench into pandas, one data frame per domain.
# Needs WORKBENCH_URL and WORKBENCH_TOKEN; WORKBENCH_WORKSPACE defaults to
# the dataset's workspace.
{{template "head" .}}

DATASET_NAME = {{q .Name}}
DATASET_ID = {{q .ID}}
DOMAINS = [{{list .Domains}}]

frames = {
    domain: pd.read_csv(io.StringIO(get("datasets", DATASET_ID, "export", domain=domain, format="csv").text))
    for domain in DOMAINS
}
print(DATASET_NAME)
for domain, frame in frames.items():
    print("%s: %d rows" % (domain, len(frame)))
{{end}}{{define "cohort"}}# Pulls the person ids of a saved cohort of the workbench into pandas.
# Needs WORKBENCH_URL and WORKBENCH_TOKEN; WORKBENCH_WORKSPACE defaults to
# the cohort's workspace.
{{template "head" .}}

COHORT_NAME = {{q .Name}}
COHORT_ID = {{q .ID}}

ids = []
page = 0
while True:
    got = get("cohorts", COHORT_ID, "participants", page=page, size={{.PageSize}}).json()
    ids.extend(got["person_ids"])
    if len(ids) >= got["total"] or not got["person_ids"]:
        break
    page += 1
persons = pd.DataFrame({"person_id": ids})
print(COHORT_NAME)
print("%d persons" % len(persons))
{{end}}`

const rCode = `{{define "head"}}library(httr)

url <- sub("/+$", "", Sys.getenv("WORKBENCH_URL"))
token <- Sys.getenv("WORKBENCH_TOKEN")
workspace <- Sys.getenv("WORKBENCH_WORKSPACE")
if (workspace == "") workspace <- {{q .Workspace}}

# get GETs the API path (each part quoted) and stops on an error answer.
get <- function(path, query = list()) {
  parts <- vapply(c(workspace, path), URLencode, "", reserved = TRUE)
  r <- GET(paste0(url, "/v1/workspaces/", paste(parts, collapse = "/")),
           query = query, add_headers(Authorization = paste("Bearer", token)), timeout(600))
  stop_for_status(r)
  r
}
{{end}}{{define "dataset"}}# Pulls a dataset of the workbench into R, one data frame per domain.
# Needs WORKBENCH_URL and WORKBENCH_TOKEN; WORKBENCH_WORKSPACE defaults to
# the dataset's workspace.
{{template "head" .}}
dataset_name <- {{q .Name}}
dataset_id <- {{q .ID}}
domains <- c({{list .Domains}})

frames <- lapply(domains, function(domain) {
  r <- get(c("datasets", dataset_id, "export"), list(domain = domain, format = "csv"))
  read.csv(text = content(r, as = "text", encoding = "UTF-8"), stringsAsFactors = FALSE)
})
names(frames) <- domains
cat(dataset_name, "\n", sep = "")
for (domain in domains) cat(domain, ": ", nrow(frames[[domain]]), " rows\n", sep = "")
{{end}}{{define "cohort"}}# Pulls the person ids of a saved cohort of the workbench into R.
# Needs WORKBENCH_URL and WORKBENCH_TOKEN; WORKBENCH_WORKSPACE defaults to
# the cohort's workspace.
{{template "head" .}}
cohort_name <- {{q .Name}}
cohort_id <- {{q .ID}}

ids <- c()
page <- 0
repeat {
  got <- content(get(c("cohorts", cohort_id, "participants"), list(page = page, size = {{.PageSize}})), as = "parsed")
  ids <- c(ids, unlist(got$person_ids))
  if (length(ids) >= got$total || length(got$person_ids) == 0) break
  page <- page + 1
}
persons <- data.frame(person_id = ids)
cat(cohort_name, "\n", sep = "")
cat(nrow(persons), "persons\n")
{{end}}`

const goCode = `{{define "head"}}package main

import (
	"context"
{{- if .Domains}}
	"encoding/csv"
{{- end}}
	"fmt"
	"log"
{{if .Domains}}
	"github.com/openworkbench/workbench/cohort"
{{- end}}
	"github.com/openworkbench/workbench/notebook"
)
{{end}}{{define "client"}}	ctx := context.Background()
	c, err := notebook.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	workspace := c.Workspace
	if workspace == "" {
		workspace = {{q .Workspace}}
	}
{{end}}{{define "dataset"}}// Command dataset pulls a dataset of the workbench, one table of CSV
// records per domain (the first record holds the column names), through
// the notebook client. It needs WORKBENCH_URL and WORKBENCH_TOKEN;
// WORKBENCH_WORKSPACE defaults to the dataset's workspace.
{{template "head" .}}
const (
	datasetName = {{q .Name}}
	datasetID   = {{q .ID}}
)

var domains = []cohort.Domain{ {{- list .Domains -}} }

func main() {
{{template "client" .}}	tables := map[cohort.Domain][][]string{}
	for _, domain := range domains {
		body, err := c.ExportDataset(ctx, workspace, datasetID, domain, "csv")
		if err != nil {
			log.Fatal(err)
		}
		records, err := csv.NewReader(body).ReadAll()
		body.Close()
		if err != nil {
			log.Fatalf("%s: %v", domain, err)
		}
		tables[domain] = records
	}
	fmt.Printf("%s\n", datasetName)
	for _, domain := range domains {
		fmt.Printf("%s: %d rows\n", domain, max(len(tables[domain])-1, 0))
	}
}
{{end}}{{define "cohort"}}// Command cohort pulls the person ids of a saved cohort of the workbench,
// page by page, through the notebook client. It needs WORKBENCH_URL and
// WORKBENCH_TOKEN; WORKBENCH_WORKSPACE defaults to the cohort's workspace.
{{template "head" .}}
const (
	cohortName = {{q .Name}}
	cohortID   = {{q .ID}}
)

func main() {
{{template "client" .}}	var ids []int64
	for page := 0; ; page++ {
		p, err := c.Participants(ctx, workspace, cohortID, page, {{.PageSize}})
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, p.PersonIDs...)
		if int64(len(ids)) >= p.Total || len(p.PersonIDs) == 0 {
			break
		}
	}
	fmt.Printf("%s\n", cohortName)
	fmt.Printf("%d persons\n", len(ids))
}
{{end}}`
