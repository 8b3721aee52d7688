//go:build tools

// Package tools pins the Kubernetes control-plane binaries the end-to-end test
// runs (kube-apiserver, kube-controller-manager, kubectl) at k8s.io/kubernetes
// v1.35.4. k8s.io/kubernetes is not meant to be imported: its go.mod replaces
// every staging module with a local path, so this module replaces each of them
// with the matching published v0.35.4 release instead. It is its own module so
// these dependency versions never leak into the main go.mod.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
