package notebook_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/notebook"
)

func ExampleParse() {
	_, err := notebook.Parse([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {},
		"cells": [{"cell_type": "code", "id": "one", "metadata": {}, "source": "print(1)"}]}`))
	if problems := fault.FieldsOf(err); problems != nil {
		for _, p := range problems {
			fmt.Printf("%s: %s\n", p.Path, p.Message)
		}
	}
	// Output:
	// cells[0].execution_count: missing: a code cell has one (null when it has not run)
	// cells[0].outputs: missing: a code cell has a list of outputs (empty when it has not run)
}

func ExampleDatasetCode() {
	code, err := notebook.DatasetCode(notebook.R, workbench.Dataset{ID: "d_1", WorkspaceID: "w_1", Name: `Visits "2024"`,
		Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(code)
	// Output:
	// # Pulls a dataset of the workbench into R, one data frame per domain.
	// # Needs WORKBENCH_URL and WORKBENCH_TOKEN; WORKBENCH_WORKSPACE defaults to
	// # the dataset's workspace.
	// library(httr)
	//
	// url <- sub("/+$", "", Sys.getenv("WORKBENCH_URL"))
	// token <- Sys.getenv("WORKBENCH_TOKEN")
	// workspace <- Sys.getenv("WORKBENCH_WORKSPACE")
	// if (workspace == "") workspace <- "w_1"
	//
	// # get GETs the API path (each part quoted) and stops on an error answer.
	// get <- function(path, query = list()) {
	//   parts <- vapply(c(workspace, path), URLencode, "", reserved = TRUE)
	//   r <- GET(paste0(url, "/v1/workspaces/", paste(parts, collapse = "/")),
	//            query = query, add_headers(Authorization = paste("Bearer", token)), timeout(600))
	//   stop_for_status(r)
	//   r
	// }
	//
	// dataset_name <- "Visits \"2024\""
	// dataset_id <- "d_1"
	// domains <- c("PERSON")
	//
	// frames <- lapply(domains, function(domain) {
	//   r <- get(c("datasets", dataset_id, "export"), list(domain = domain, format = "csv"))
	//   read.csv(text = content(r, as = "text", encoding = "UTF-8"), stringsAsFactors = FALSE)
	// })
	// names(frames) <- domains
	// cat(dataset_name, "\n", sep = "")
	// for (domain in domains) cat(domain, ": ", nrow(frames[[domain]]), " rows\n", sep = "")
}

// A program of a notebook user: the environment names the server, the
// token and the workspace; errors match the library's values.
func ExampleFromEnv() {
	ctx := context.Background()
	c, err := notebook.FromEnv()
	if err != nil {
		fmt.Println(err)
		return
	}
	def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "CONDITION", "searchParameters": [
		{"parameterId": "p", "domain": "CONDITION", "type": "SNOMED", "group": true, "standard": true, "conceptId": 4134304}]}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := c.Count(ctx, c.Workspace, def)
	switch {
	case errors.Is(err, access.ErrForbidden):
		fmt.Println("finish the access steps first:", err)
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(n, "persons")
	}
}
