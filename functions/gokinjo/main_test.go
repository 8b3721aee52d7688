package main

import (
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The flags are those kong gave the function template (kong v1.12.1 names
// TLSCertsDir --tls-certs-dir): Crossplane's package runtime starts
// the image without arguments and mounts the TLS secret at the directory it
// names in $TLS_SERVER_CERTS_DIR (crossplane v2.4.0
// internal/controller/pkg/runtime, mountTLSSecret), crossplane
// render's Development runtime and the tests pass --insecure and --address,
// and a DeploymentRuntimeConfig may add --debug.
func TestParse(t *testing.T) {
	t.Setenv("TLS_SERVER_CERTS_DIR", "/tls/server")
	defaults := options{network: "tcp", address: ":9443", tlsCertsDir: "/tls/server", maxRecvMessageSize: 4}
	cases := map[string]struct {
		args    []string
		want    options
		wantErr bool
	}{
		"PackageRuntime": {want: defaults},
		"Render": {args: []string{"--insecure", "--address=127.0.0.1:9443"},
			want: func() options { o := defaults; o.insecure, o.address = true, "127.0.0.1:9443"; return o }()},
		"Debug":       {args: []string{"-d"}, want: func() options { o := defaults; o.debug = true; return o }()},
		"DebugLong":   {args: []string{"--debug", "--max-recv-message-size", "8"}, want: func() options { o := defaults; o.debug, o.maxRecvMessageSize = true, 8; return o }()},
		"CertsFlag":   {args: []string{"--tls-certs-dir=/elsewhere"}, want: func() options { o := defaults; o.tlsCertsDir = "/elsewhere"; return o }()},
		"SpaceValue":  {args: []string{"--address", ":9999"}, want: func() options { o := defaults; o.address = ":9999"; return o }()},
		"UnknownFlag": {args: []string{"--verbose"}, wantErr: true},
		"Positional":  {args: []string{"serve"}, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := parse(tc.args, io.Discard)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parse(%q): error %v, want error: %t", tc.args, err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(options{})); diff != "" {
				t.Errorf("parse(%q): -want +got:\n%s", tc.args, diff)
			}
		})
	}
}
