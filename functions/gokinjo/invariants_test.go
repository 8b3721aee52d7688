package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/internal/rendertree"
)

const repo = "../.."

// stageRequests builds the request of every XR of every example env at every
// lifecycle stage, exactly as render sends them: the XR from the golden render
// and the observed fixtures of its kind.
func stageRequests(t testing.TB) map[string]*fnv1.RunFunctionRequest {
	t.Helper()
	reqs := map[string]*fnv1.RunFunctionRequest{}
	for _, env := range []string{"dev", "staging", "prod"} {
		for _, st := range rendertree.Stages {
			golden, err := rendertree.ReadYAML(filepath.Join(repo, "internal", "rendertree", "testdata", "golden", env+"-"+st.Name+".yaml"))
			if err != nil || len(golden) == 0 {
				t.Fatalf("golden %s-%s: %v", env, st.Name, err)
			}
			fx, err := rendertree.ReadFixtures(rendertree.FixtureDir(filepath.Join(repo, "examples", "observed"), env, st.Name))
			if err != nil {
				t.Fatal(err)
			}
			for _, xr := range golden {
				if xr.GroupVersionKind().Group != "platform.gokinjo.io" {
					continue
				}
				reqs[fmt.Sprintf("%s/%s/%s", env, st.Name, xr.GetKind())] = requestFor(t, xr, fx[xr.GetKind()])
			}
		}
	}
	return reqs
}

func requestFor(t testing.TB, xr *unstructured.Unstructured, observed []*unstructured.Unstructured) *fnv1.RunFunctionRequest {
	t.Helper()
	req := &fnv1.RunFunctionRequest{
		Meta:     &fnv1.RequestMeta{Tag: "t"},
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: structOf(t, xr.Object)}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{},
	}
	for _, o := range observed {
		name := o.GetAnnotations()["crossplane.io/composition-resource-name"]
		req.Observed.Resources[name] = &fnv1.Resource{Resource: structOf(t, o.Object)}
	}
	return req
}

func structOf(t testing.TB, m map[string]any) *structpb.Struct {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return resource.MustStructJSON(string(b))
}

// TestDeterministic proves the function answers the same request with the
// same bytes, whatever instance answers and however often: Crossplane must
// never see a diff that is not a change.
func TestDeterministic(t *testing.T) {
	opts := proto.MarshalOptions{Deterministic: true}
	for name, req := range stageRequests(t) {
		var first []byte
		for i := 0; i < 3; i++ {
			rsp, err := NewFunction(logging.NewNopLogger()).RunFunction(context.Background(), proto.Clone(req).(*fnv1.RunFunctionRequest))
			if err != nil {
				t.Fatal(err)
			}
			b, err := opts.Marshal(rsp)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b
				continue
			}
			if string(b) != string(first) {
				t.Errorf("%s: run %d answered differently from run 1", name, i+1)
			}
		}
	}
}

// TestNeverDropsStateful proves that whatever the claim says, an observed
// stateful resource (EKS cluster, RDS instance or replica, S3 bucket, KMS
// key, or a nested XR holding them) that the function would not desire makes
// it refuse with a Fatal result and no desired state, so Crossplane deletes
// nothing. It plants, at every stage, a copy of each observed stateful
// resource under a name the function does not compose: exactly what a claim
// edit that turns a resource off looks like to the function.
func TestNeverDropsStateful(t *testing.T) {
	planted := 0
	for name, req := range stageRequests(t) {
		for rname, r := range req.GetObserved().GetResources() {
			u := &unstructured.Unstructured{Object: r.GetResource().AsMap()}
			if !compose.IsStateful(u.GroupVersionKind().GroupKind()) {
				continue
			}
			planted++
			changed := proto.Clone(req).(*fnv1.RunFunctionRequest)
			changed.Observed.Resources["dropped-"+rname] = r
			rsp, err := NewFunction(logging.NewNopLogger()).RunFunction(context.Background(), changed)
			if err != nil {
				t.Fatal(err)
			}
			res := rsp.GetResults()
			if len(res) == 0 || res[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL || !strings.Contains(res[0].GetMessage(), "refusing to remove stateful resources") {
				t.Errorf("%s: dropping %s %q was not refused: %v", name, u.GetKind(), rname, res)
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("%s: a refusal must desire nothing, got %d resources", name, n)
			}
		}
	}
	if planted == 0 {
		t.Fatal("no observed stateful resource in any stage: the fixtures are missing")
	}
	t.Logf("refused %d planted drops of stateful resources", planted)
}

// TestReplacementRefused proves a change AWS can only make by replacing a
// resource is refused, naming it: here the network CIDR of an existing VPC.
func TestReplacementRefused(t *testing.T) {
	req := stageRequests(t)["prod/ready/XNetwork"]
	if req == nil {
		t.Fatal("no prod/ready/XNetwork request")
	}
	xr := req.GetObserved().GetComposite().GetResource().AsMap()
	params := xr["spec"].(map[string]any)["parameters"].(map[string]any)
	params["cidr"] = "10.1.0.0/16"
	changed := proto.Clone(req).(*fnv1.RunFunctionRequest)
	changed.Observed.Composite.Resource = structOf(t, xr)
	rsp, err := NewFunction(logging.NewNopLogger()).RunFunction(context.Background(), changed)
	if err != nil {
		t.Fatal(err)
	}
	res := rsp.GetResults()
	if len(res) == 0 || res[0].GetSeverity() != fnv1.Severity_SEVERITY_FATAL ||
		!strings.Contains(res[0].GetMessage(), `VPC "vpc": cidrBlock would change from 10.0.0.0/16 to 10.1.0.0/16`) ||
		!strings.Contains(res[0].GetMessage(), `Subnet "subnet-private-a": cidrBlock would change`) {
		t.Errorf("want a Fatal naming the VPC and subnets, got %v", res)
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("a refusal must desire nothing, got %d resources", n)
	}
}
