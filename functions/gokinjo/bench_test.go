package main

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// BenchmarkRunFunction measures one reconcile of a whole environment: the
// function answering every XR of the tree (environment, network, cluster,
// database, data lake, workloads) as render and Crossplane call it, at the
// first reconcile and once everything exists.
//
//	go test ./functions/gokinjo -run '^$' -bench RunFunction -benchmem
func BenchmarkRunFunction(b *testing.B) {
	reqs := stageRequests(b)
	fn := NewFunction(logging.NewNopLogger())
	for _, env := range []string{"dev", "prod"} {
		for _, stage := range []string{"initial", "ready"} {
			var tree []*fnv1.RunFunctionRequest
			for name, req := range reqs {
				if strings.HasPrefix(name, env+"/"+stage+"/") {
					tree = append(tree, req)
				}
			}
			if len(tree) == 0 {
				b.Fatalf("no requests for %s/%s", env, stage)
			}
			b.Run(env+"-"+stage, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					for _, req := range tree {
						if _, err := fn.RunFunction(context.Background(), req); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
