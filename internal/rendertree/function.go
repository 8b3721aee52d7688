package rendertree

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"

	"github.com/gokinjo/platform/internal/ociimage"
)

// Function is the composition function running locally for render.
type Function struct {
	Addr string
	cmd  *exec.Cmd
}

// BuildFunction builds the function of the repository at root into out for
// this machine, with the build tags of its image.
func BuildFunction(ctx context.Context, root, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", ociimage.BuildTags, "-o", out, "./functions/gokinjo")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cannot build the function: %w\n%s", err, b)
	}
	return nil
}

// StartFunction starts the function binary with --insecure on a free
// loopback port and waits until it accepts connections.
func StartFunction(ctx context.Context, binary string) (*Function, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()

	cmd := exec.CommandContext(ctx, binary, "--insecure", "--address="+addr)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start function %s: %w", binary, err)
	}
	f := &Function{Addr: addr, cmd: cmd}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			return f, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.Stop()
	return nil, fmt.Errorf("function %s did not listen on %s within 30s", binary, addr)
}

// Stop ends the function process.
func (f *Function) Stop() {
	if f.cmd.Process != nil {
		_ = f.cmd.Process.Kill()
		_ = f.cmd.Wait()
	}
}
