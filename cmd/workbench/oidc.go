package main

import (
	"flag"
	"os"
	"strings"

	"github.com/openworkbench/workbench/app"
)

// oidcFlags are the flags of the sign-in through an institution's OpenID
// provider. The client secret is read from a file, so that it shows in no
// process list.
type oidcFlags struct {
	issuer, clientID, secretFile, redirect *string
}

func addOIDCFlags(fs *flag.FlagSet) oidcFlags {
	return oidcFlags{
		issuer:     fs.String("oidc-issuer", "", "issuer URL of the OpenID provider researchers sign in with (an institution's single sign-on); empty: none"),
		clientID:   fs.String("oidc-client-id", "", "the workbench's client id at the OpenID provider"),
		secretFile: fs.String("oidc-secret-file", "", "file holding the workbench's client secret at the OpenID provider"),
		redirect:   fs.String("oidc-redirect-url", "", "the callback registered at the provider: the site's address and /signin/oidc/callback"),
	}
}

// config is the provider of the flags, checked; the zero value without
// --oidc-issuer.
func (f oidcFlags) config() (app.OIDCConfig, error) {
	if *f.issuer == "" {
		return app.OIDCConfig{}, nil
	}
	c := app.OIDCConfig{Issuer: *f.issuer, ClientID: *f.clientID, RedirectURL: *f.redirect}
	if *f.secretFile != "" {
		b, err := os.ReadFile(*f.secretFile)
		if err != nil {
			return app.OIDCConfig{}, usagef("serve: --oidc-secret-file: %v", err)
		}
		c.ClientSecret = strings.TrimSpace(string(b))
	}
	if err := c.Validate(); err != nil {
		return app.OIDCConfig{}, usagef("serve: %v (set --oidc-client-id, --oidc-secret-file and --oidc-redirect-url)", err)
	}
	return c, nil
}
