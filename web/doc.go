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
// What the pages of the registered tier reuse:
//   - the layout (templates/layout.html) and the partials of
//     templates/partials.html (a count, a chart with its table, a pager,
//     a form field with its error), through [Site]'s render;
//   - the security headers of every page ([Headers]: a strict
//     Content-Security-Policy with no inline script or style);
//   - the CSRF tokens of forms ([CSRF]), which work for anonymous
//     visitors and can be bound to a session;
//   - the SVG charts of package web/chart;
//   - the browser test harness of browser_test.go (Chromium driven by
//     chromedp, axe-core, screenshots at desktop and phone widths).
//
// The registered pages run in a browser session (session.go). The data
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
// No page offers a download: there is no CSV, no export and no copy-all.
package web
