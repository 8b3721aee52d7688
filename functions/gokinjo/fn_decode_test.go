package main

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
)

// TestRunFunctionReadsPrunedShape proves the function reads parameters as
// the API server does: names match case-sensitively, and a field the
// schema lacks (which the API server would prune) changes nothing in the
// render; only a warning names it.
func TestRunFunctionReadsPrunedShape(t *testing.T) {
	xr := func(database string) string {
		return `{"apiVersion": "platform.gokinjo.io/v1alpha1", "kind": "XEnvironment", "metadata": {"name": "e"},
			"spec": {"parameters": {"environment": "dev", "database": ` + database + `}}}`
	}
	f := NewFunction(logging.NewNopLogger())
	run := func(t *testing.T, x string) *fnv1.RunFunctionResponse {
		t.Helper()
		rsp, err := f.RunFunction(context.Background(), newRequest(x, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rsp.GetResults() {
			if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
				t.Fatalf("refused: %s", r.GetMessage())
			}
		}
		return rsp
	}
	multiAz := func(rsp *fnv1.RunFunctionResponse) any {
		return rsp.GetDesired().GetResources()["database"].GetResource().AsMap()["spec"].(map[string]any)["parameters"].(map[string]any)["multiAz"]
	}
	plain := run(t, xr(`{}`))
	if got := multiAz(plain); got != false {
		t.Fatalf("dev preset: want multiAz false, got %v", got)
	}

	t.Run("WrongCase", func(t *testing.T) {
		rsp := run(t, xr(`{"multiAZ": true}`))
		if diff := cmp.Diff(plain.GetDesired(), rsp.GetDesired(), protocmp.Transform()); diff != "" {
			t.Errorf("multiAZ (the schema's field is multiAz) changed the render, -without +with:\n%s", diff)
		}
		var warned bool
		for _, r := range rsp.GetResults() {
			warned = warned || (r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING && strings.Contains(r.GetMessage(), `unknown field "database.multiAZ"`))
		}
		if !warned {
			t.Errorf("want a warning naming database.multiAZ, got %v", rsp.GetResults())
		}
	})
	t.Run("UnknownField", func(t *testing.T) {
		rsp := run(t, xr(`{"storageIops": 12000}`))
		if diff := cmp.Diff(plain.GetDesired(), rsp.GetDesired(), protocmp.Transform()); diff != "" {
			t.Errorf("a field the schema lacks changed the render, -without +with:\n%s", diff)
		}
	})
	t.Run("RightCase", func(t *testing.T) {
		if got := multiAz(run(t, xr(`{"multiAz": true}`))); got != true {
			t.Errorf("multiAz: true must reach the database layer, got %v", got)
		}
	})
}
