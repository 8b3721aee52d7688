package ociimage

import (
	"archive/tar"
	"io"
	"testing"
)

// TestBuild proves the image runs the binary as a non-root user, with the
// binary as its only file: no shell to exec into.
func TestBuild(t *testing.T) {
	img, err := Build(Spec{Path: "/function", Title: "t", Ports: []string{"9443/tcp"}}, []byte("binary"), "arm64")
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User != NonRoot || cf.Architecture != "arm64" || len(cf.Config.Entrypoint) != 1 || cf.Config.Entrypoint[0] != "/function" {
		t.Errorf("config: user %q arch %q entrypoint %v", cf.Config.User, cf.Architecture, cf.Config.Entrypoint)
	}
	if _, ok := cf.Config.ExposedPorts["9443/tcp"]; !ok {
		t.Errorf("ports: %v", cf.Config.ExposedPorts)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("want one layer, got %d (%v)", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close() // Test.
	tr := tar.NewReader(rc)
	var files []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, h.Name)
	}
	if len(files) != 1 || files[0] != "function" {
		t.Errorf("want only the binary in the image, got %v", files)
	}
}
