package main

import (
	"context"
	"fmt"
	"time"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/response"
	"google.golang.org/protobuf/proto"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cluster"
	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/database"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
	"github.com/gokinjo/platform/functions/gokinjo/internal/environment"
	"github.com/gokinjo/platform/functions/gokinjo/internal/network"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/functions/gokinjo/internal/workloads"
)

// responseTTL is how long Crossplane may cache a response. Observed state
// changes (ids, readiness) feed the next call, so keep it short.
const responseTTL = time.Minute

// A Layer composes one kind of composite resource.
type Layer interface {
	Compose(ctx context.Context, xr *compose.XR, s *compose.State) error
}

// Function dispatches each request to the layer of the observed XR's kind.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log    logging.Logger
	layers map[string]Layer
}

// NewFunction returns the function with every layer registered.
func NewFunction(log logging.Logger) *Function {
	return &Function{
		log: log,
		layers: map[string]Layer{
			v1alpha1.KindEnvironment: environment.Layer{},
			v1alpha1.KindNetwork:     network.Layer{},
			v1alpha1.KindCluster:     cluster.Layer{},
			v1alpha1.KindDatabase:    database.Layer{},
			v1alpha1.KindDataLake:    datalake.Layer{},
			v1alpha1.KindWorkloads:   workloads.Layer{},
		},
	}
}

// RunFunction runs the layer of the XR's kind. Any error is Fatal and returns
// no desired state, so Crossplane changes nothing: a half-built desired state
// would delete whatever it left out.
func (f *Function) RunFunction(ctx context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := response.To(req, responseTTL)

	oxr, err := request.GetObservedCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get observed composite resource"))
		return rsp, nil
	}
	kind := oxr.Resource.GetKind()
	log := f.log.WithValues("xr-kind", kind, "xr-name", oxr.Resource.GetName())

	layer, ok := f.layers[kind]
	if !ok || oxr.Resource.GroupVersionKind().Group != v1alpha1.Group {
		response.Fatal(rsp, errors.Errorf("function-gokinjo does not compose %s %q: use it only in the platform.gokinjo.io compositions", oxr.Resource.GetAPIVersion()+"/"+kind, oxr.Resource.GetName()))
		return rsp, nil
	}

	observed, err := request.GetObservedComposedResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get observed composed resources"))
		return rsp, nil
	}
	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get desired composite resource"))
		return rsp, nil
	}

	required, err := request.GetRequiredResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get required resources"))
		return rsp, nil
	}
	if len(required) > 0 {
		// Only an XEnvironment waiting for its claim's previous XR asks:
		// say how big that makes the request (the receive limit, main.go).
		log.Debug("Required resources", "request-bytes", proto.Size(req))
	}
	xr := compose.NewXR(oxr.Resource, dxr.Resource).WithRequired(required)
	state := compose.NewState(observed)
	err = layer.Compose(ctx, xr, state)
	if err == nil {
		err = state.GuardReplacement()
	}
	if err == nil {
		err = state.GuardStateful()
	}
	if err != nil {
		log.Info("Refusing to compose", "error", err.Error())
		refuse(rsp, fmt.Errorf("%s %q: %w", kind, oxr.Resource.GetName(), err))
		return rsp, nil
	}

	if err := response.SetDesiredComposedResources(rsp, state.Desired()); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot set desired composed resources"))
		return rsp, nil
	}
	if len(state.Waiting()) > 0 {
		// Some of the layer is not composed yet: not ready, whatever the
		// resources composed so far say.
		dxr.Ready = resource.ReadyFalse
	}
	// Say on the XR and its claim how far it is and what blocks it.
	progress, ready := compose.Explain(state, state.Waiting())
	if err := xr.SetStatus(map[string]any{"progress": progress}); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot set status.progress"))
		return rsp, nil
	}
	xr.SetCondition(ready)
	xr.SetCondition(compose.ExplainSynced(state))
	xr.SetCondition(compose.Condition{Type: compose.TypeComposed, Status: true, Reason: compose.ReasonComposed})
	if err := response.SetDesiredCompositeResource(rsp, dxr); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot set desired composite resource"))
		return rsp, nil
	}
	xr.Apply(rsp)
	log.Debug("Composed", "resources", len(state.Desired()))
	return rsp, nil
}

// refuse answers with a Fatal result, which makes Crossplane change nothing,
// and with a Composed=False condition carrying the same message: Crossplane
// copies custom conditions of a fatal response to the XR and its claim, so
// the claim says why (a Fatal result alone shows only on the XR's Synced).
func refuse(rsp *fnv1.RunFunctionResponse, err error) {
	response.Fatal(rsp, err)
	response.ConditionFalse(rsp, compose.TypeComposed, compose.ReasonRefused).
		WithMessage(err.Error()).TargetCompositeAndClaim()
}
