// Package jupyter runs JupyterLab for the workbench: one Jupyter server per
// user and workspace, started on demand, reverse-proxied under the
// workbench's own origin, stopped when idle.
//
// A [Manager] holds the servers. [Manager.Handler] answers the
// [http.Handler] of the server of a [Key] (a user and a workspace),
// starting it as a [Spec] says when none runs: the web pages mount it at
// Spec.BasePath after they have checked the session and the workspace
// role. [Manager.Available] says whether JupyterLab is installed, and if
// not how to install it, for a page to show.
//
// # Servers
//
// A server is jupyter-lab ([Config.Command]) bound to 127.0.0.1 on a free
// port, with --ServerApp.base_url set to Spec.BasePath, so that the proxy
// passes paths through unchanged, and rooted at Spec.Dir (created when
// missing). Each runs in a process group of its own, with a private
// folder for its runtime files, configuration, settings, layouts and
// IPython history, deleted when it stops; the user's ~/.jupyter is not
// read, so that the flags below hold. It is kept offline and quiet: no
// browser, no news feed nor update check, the read-only extension manager
// (which never asks a package registry), no quit button (the workbench
// decides when a server stops). Kernels started by the server get its
// environment: a short allow-list of the workbench's own (PATH, HOME,
// USER, LOGNAME, SHELL, TERM, TMPDIR, TZ, LANG, LANGUAGE, LC_*, and the
// numeric libraries' OPENBLAS_*, OMP_* and MKL_*; PATH led by the folder
// of jupyter-lab, as activating its virtual environment would), then
// Spec.Env (WORKBENCH_URL, WORKBENCH_TOKEN, WORKBENCH_WORKSPACE). Nothing else of
// the workbench's environment, which may hold its secrets, reaches a
// kernel; a deployment that needs more wraps the command (Command may be
// ["env", "PYTHONPATH=...", "/opt/lab/bin/jupyter-lab"], or a sandbox
// such as bubblewrap in front of jupyter-lab). The manager appends its
// flags to Command.
//
// The Spec a server started with holds while it runs, but for Env: a
// request whose BasePath, Dir or ReadOnly differ stops the server and
// starts a new one (a collaborator made READER loses a writable server at
// once), while a new Env (a fresh WORKBENCH_TOKEN) waits for the next
// start: the kernels of a running server keep the token they have, so
// the token given should outlive IdleTimeout.
//
// # Tokens
//
// Each server gets a random token of 256 bits in its environment
// (JUPYTER_TOKEN; never on a command line, where other users of the
// machine could read it). The proxy adds it to every request as an
// "Authorization: token ..." header: the browser never sees it
// (JupyterLab would write it into its page; a page config in the
// server's private configuration blanks it, and the page authenticates
// through the proxy like every other request). Kernel
// code, which runs as the workbench's system user, can read it, and with
// it reach its own server directly on the loopback address, bypassing the
// proxy: this gives the user nothing a kernel does not already have, and
// is why a reader's server is rooted at a copy (below).
//
// # The proxy
//
// [httputil.ReverseProxy] to the loopback server, HTTP and WebSocket
// alike. Before forwarding it removes the request's Cookie and
// Authorization headers (the workbench's session cookie and bearer
// tokens never reach Jupyter) and adds the server's token; from responses
// it removes Set-Cookie and the Access-Control-Allow-* headers, so that
// Jupyter neither sets cookies on the workbench's origin nor opens it to
// other origins. Paths outside Spec.BasePath are not found; BasePath
// without its final slash redirects to it.
//
// Origins and XSRF: Jupyter skips its own XSRF and Origin checks for a
// request authenticated by a token, which every proxied request is, and
// its XSRF cookie never reaches it. Turning the checks back on would not
// work behind the proxy (the browser's Origin is the workbench's, not the
// loopback address Jupyter sees) and setting ServerApp.allow_origin would
// only loosen them. So the proxy makes the check itself, before it adds
// the token: a state-changing request (any method but GET, HEAD and
// OPTIONS) and a WebSocket handshake must come from the workbench's own
// origin, as [http.CrossOriginProtection] decides from Sec-Fetch-Site, or
// from Origin against Host, and are refused with 403 otherwise. A
// cross-site page therefore can neither save a notebook nor open a
// kernel's WebSocket with a user's session, whatever the session cookie's
// SameSite attribute, and the workbench's own CSRF token (which
// JupyterLab's scripts cannot send) is not needed on these paths.
//
// JupyterLab runs the notebook outputs a user trusts as scripts of the
// page, and the page is on the workbench's origin: such a script acts in
// the browser with that user's session. Where that matters, serve the
// lab paths from an origin of their own (the handler works under any
// host).
//
// # Read-only
//
// A READER's server (Spec.ReadOnly) is rooted at a copy of the notebook
// folder made when the server starts (regular files and folders; symbolic
// links are left out), with its files and folders made read-only, and the
// proxy refuses every write to the contents API (POST, PUT, PATCH and
// DELETE under BasePath+"api/contents") with 403 and a JSON message that
// JupyterLab shows. So a reader opens, reads and runs notebooks (kernels
// and terminals work), but cannot save, upload, rename or delete, and
// what kernel code writes beside the notebooks lands in the copy, which
// is deleted with the server. Autosave is off in a reader's settings, so
// that JupyterLab does not keep trying. The copy does not follow the
// writers' later saves: a reader sees them after the server restarts.
//
// Read-only is not a sandbox: kernels run as the workbench's system user
// and can reach whatever it can, including the workspace's real folder
// by its path. Isolating researchers from each other and from the
// workbench is the deployment's: a Command that runs the server as
// another user or in a container.
//
// A READER and a WRITER of the same workspace are different keys, as the
// user is part of the key, so they never share a server.
//
// # Idle stop
//
// A server is idle when no proxied request is in progress (an open
// WebSocket is one) and the last one ended IdleTimeout ago (by
// Config.Now); a sweep stops idle servers. An open JupyterLab tab keeps
// its server alive, since the page holds WebSockets open and polls.
// Stopping sends SIGTERM to the server's process group, so that Jupyter
// shuts its kernels down, and after a grace of a few seconds SIGKILL to
// that group and to the process groups of every process the server had
// started (Jupyter starts each kernel in a session of its own, out of the
// server's group). [Manager.Close] stops every server; [Manager.Stop]
// and [Manager.StopWorkspace] stop some, for a collaborator removed or a
// workspace deleted. A server that exits by itself is forgotten, and the
// next request starts a new one.
package jupyter
