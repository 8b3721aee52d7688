// Package registrytest serves go-containerregistry's OCI registry (the one
// `crane registry serve` runs) on loopback for tests, behind HTTP basic
// auth, and writes the credentials to a Docker config (DOCKER_CONFIG, what
// `crane auth login` or aws-actions/amazon-ecr-login leave), so the code
// under test must find them through the standard credential chain.
package registrytest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
)

// Credentials of one registry.
type Credentials struct{ User, Password string }

// Serve starts one registry per credentials, each accepting only its own,
// points DOCKER_CONFIG at a config holding all of them (for this process
// and the commands it runs), and returns the registries' host:port in the
// same order. Everything stops when the test ends.
func Serve(t testing.TB, creds ...Credentials) []string {
	t.Helper()
	auths := map[string]map[string]string{}
	hosts := make([]string, 0, len(creds))
	for _, c := range creds {
		reg := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != c.User || p != c.Password {
				w.Header().Set("WWW-Authenticate", `Basic realm="gokinjo-test"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			reg.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		host := strings.TrimPrefix(srv.URL, "http://")
		hosts = append(hosts, host)
		auths[host] = map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(c.User + ":" + c.Password))}
	}
	cfg, err := json.Marshal(map[string]any{"auths": auths})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	return hosts
}
