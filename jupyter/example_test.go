package jupyter_test

import (
	"log"
	"net/http"
	"path/filepath"

	"github.com/openworkbench/workbench/jupyter"
)

// The web pages mount the lab of a workspace under their own origin,
// after their own checks. (Not run: it needs JupyterLab and a session.)
func ExampleManager_Handler() {
	m, err := jupyter.New(jupyter.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	lab := func(w http.ResponseWriter, r *http.Request) {
		ws := r.PathValue("ws")
		// The pages find the user from the session, and the user's role
		// in the workspace; a header stands for them here.
		user, role := r.Header.Get("X-User"), r.Header.Get("X-Role")
		if err := m.Available(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable) // says how to install JupyterLab
			return
		}
		h, err := m.Handler(r.Context(), jupyter.Key{UserID: user, WorkspaceID: ws}, jupyter.Spec{
			BasePath: "/workspaces/" + ws + "/lab/",
			Dir:      filepath.Join("/var/lib/workbench/notebooks", ws),
			Env: map[string]string{
				"WORKBENCH_URL":       "http://127.0.0.1:8080",
				"WORKBENCH_TOKEN":     "a short-lived token of the user",
				"WORKBENCH_WORKSPACE": ws,
			},
			ReadOnly: role == "READER",
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/workspaces/{ws}/lab/", lab)
	mux.HandleFunc("/workspaces/{ws}/lab", lab) // redirects to the path with its slash
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}
