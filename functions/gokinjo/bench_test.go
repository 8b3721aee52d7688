package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// BenchmarkRunFunction measures one reconcile of a whole environment: the
// function answering every XR of the tree (environment, network, cluster,
// database, data lake, workloads) as render and Crossplane call it, at the
// first reconcile and once everything exists. ns/op is the whole tree;
// p50-ns/req and p99-ns/req are per RunFunction request (one XR), from a
// histogram of every call's duration, since Crossplane calls the function
// once per XR and the slowest layer is what a reconcile waits for.
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
				// 1 µs to 10 s at 3 significant digits.
				h := hdrhistogram.New(int64(time.Microsecond), int64(10*time.Second), 3)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					for _, req := range tree {
						start := time.Now()
						if _, err := fn.RunFunction(context.Background(), req); err != nil {
							b.Fatal(err)
						}
						if err := h.RecordValue(int64(time.Since(start))); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(h.ValueAtQuantile(50)), "p50-ns/req")
				b.ReportMetric(float64(h.ValueAtQuantile(99)), "p99-ns/req")
			})
		}
	}
}
