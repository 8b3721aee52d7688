package main

import (
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/internal/facts"
)

// The flags are those kong gave the function template (kong v1.12.1 names
// TLSCertsDir --tls-certs-dir). What Crossplane passes is in internal/facts
// (crossplane.yaml functionRuntime): the package runtime no arguments and
// the TLS directory in a variable, crossplane render's Docker runtime
// --insecure; our render and tests add --address, and a
// DeploymentRuntimeConfig may add --debug.
func TestParse(t *testing.T) {
	rt := facts.Crossplane.FunctionRuntime
	t.Setenv(rt.TLSServerCertsEnv, rt.TLSServerCertsDir)
	defaults := options{network: "tcp", address: ":9443", tlsCertsDir: rt.TLSServerCertsDir, maxRecvMessageSize: 16}
	insecure := defaults
	insecure.insecure = true
	cases := map[string]struct {
		args    []string
		want    options
		wantErr bool
	}{
		"PackageRuntime": {args: rt.PackageRuntimeArgs, want: defaults},
		"RenderDocker":   {args: rt.RenderDockerArgs, want: insecure},
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
