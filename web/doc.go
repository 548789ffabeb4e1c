// Package web serves the workbench's web pages: server-rendered HTML from
// templates and static files embedded in the binary, read fine with
// JavaScript off, with no external resource.
//
// The public pages (the Data Browser, Data Snapshots, the Survey Explorer,
// About and help) read a [public.Release] and nothing else: every number
// they show is a released cell, exactly as /v1/public/* answers it, and no
// page computes anything from rows. [Site] is their [http.Handler]; the
// server mounts it for every path outside /v1 and /healthz.
//
// The pages of the Researcher Workbench (the registered tier) call the
// application services of [Deps].App as the API does: the user travels in
// the context, and the services decide and audit. They share the layout
// (templates/layout.html), the partials (templates/partials.html), the
// security headers ([Headers]: a strict Content-Security-Policy with no
// inline script or style), the CSRF tokens of forms ([CSRF]) and the SVG
// charts of package web/chart.
//
// The registered pages run in a browser session (session.go: a cookie
// whose secret the store keeps hashed; every POST carries a CSRF token
// bound to the session); signin.go signs up, in and out. The data
// access pages (access.go) show the steps of the registered tier and do
// the self-service ones through app.Steps: the profile, the ethics
// training and its quiz, the code of conduct signed with the profile's
// name; a page whose service refuses for steps not done
// (*access.StepsError) shows them instead of a bare refusal. The account
// page (account.go) makes and revokes API tokens and changes the
// password; the administration pages (admin.go) approve and disable
// researchers, read the audit log and the help requests. Researchers may
// sign in through their institution's OpenID provider (oidc.go) when
// Config.OIDC names one.
//
// Workspaces (workspace.go), the Cohort Builder (cohort_builder.go: the
// definition travels in the form as its canonical JSON, so the page works
// without JavaScript; static/cohort.js updates the count and the charts
// as criteria change), the Concept Set Selector (conceptset.go), the Data
// Dictionary (dictionary.go), the import of ATLAS cohorts (circe.go) and
// cohort review (review.go: the participant table's filters, order and
// page are query parameters, and a participant's page keeps them, so that
// "next participant" follows the table), the Dataset Builder with its
// preview, generated code and exports, and the workspace's notebooks
// (dataset.go) are pages of their own. The workspace's JupyterLab
// (lab.go) is mounted under /workspaces/{ws}/lab/: the app decides every
// request (lab.open: WRITER and OWNER) before package jupyter proxies it
// to that user's server, whose answers carry a Content-Security-Policy of
// their own (docs/security.md).
//
// No public page offers a download: there is no CSV, no export and no
// copy-all; row-level exports are the registered tier's, audited.
package web
