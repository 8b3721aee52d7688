// Command function-gokinjo is the composition function of the gokinjo
// platform: one binary serves the composition of every layer.
//
// Its flags are those the function template (function-sdk-go) gets from kong,
// parsed by the standard library's flag package instead: kong looks methods up
// by name at run time (reflect.Value.MethodByName), and once a program can do
// that the Go linker keeps every exported method of every type it uses. With
// the provider-aws types that is a third of the binary, resident in memory
// (TestLinkerDropsUnusedMethods says what else must hold for the linker).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/crossplane/function-sdk-go"

	"github.com/gokinjo/platform/internal/facts"
)

// options of the function, as the function template names them.
type options struct {
	debug              bool
	network, address   string
	tlsCertsDir        string
	insecure           bool
	maxRecvMessageSize int
}

// parse reads the command line; errors and the usage go to stderr.
func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("function-gokinjo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.debug, "debug", false, "Emit debug logs in addition to info logs.")
	fs.BoolVar(&o.debug, "d", false, "Shorthand for --debug.")
	fs.StringVar(&o.network, "network", "tcp", "Network on which to listen for gRPC connections.")
	fs.StringVar(&o.address, "address", ":9443", "Address at which to listen for gRPC connections.")
	// kong's name for the template's TLSCertsDir (its help text says
	// --tls-server-certs-dir, which kong never accepted). The package runtime
	// passes no arguments and names the directory in a variable (facts).
	certsEnv := facts.Crossplane.FunctionRuntime.TLSServerCertsEnv
	fs.StringVar(&o.tlsCertsDir, "tls-certs-dir", os.Getenv(certsEnv),
		"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt) ($"+certsEnv+").")
	fs.BoolVar(&o.insecure, "insecure", false, "Run without mTLS credentials. If you supply this flag --tls-certs-dir will be ignored.")
	// Above the SDK's 4 MB: an environment waiting for its claim's previous
	// XR receives that XR's managed resources, whole (docs/operations.md).
	fs.IntVar(&o.maxRecvMessageSize, "max-recv-message-size", 16, "Maximum size of received messages in MB.")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments %q", fs.Args())
		fmt.Fprintln(fs.Output(), err)
		return o, err
	}
	return o, nil
}

func run(o options) error {
	log, err := function.NewLogger(o.debug)
	if err != nil {
		return err
	}
	return function.Serve(NewFunction(log),
		function.Listen(o.network, o.address),
		function.MTLSCertificates(o.tlsCertsDir),
		function.Insecure(o.insecure),
		function.MaxRecvMessageSize(o.maxRecvMessageSize*1024*1024))
}

func main() {
	o, err := parse(os.Args[1:], os.Stderr)
	switch {
	case err == flag.ErrHelp:
		return
	case err != nil: // the flag set has printed it, with the usage
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "function-gokinjo:", err)
		os.Exit(1)
	}
}
