// Package datalake composes an XDataLake: the environment's S3 data lake
// (raw, processed and curated buckets with versioning, encryption, a public
// access block, TLS-only policy and lifecycle rules), plus the shared
// services that live beside it: the ECR repositories of the app images, the
// app's CloudWatch log groups and the environment's monthly AWS budget.
package datalake

import (
	"context"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"k8s.io/apimachinery/pkg/util/validation/field"

	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// LayerName is the value of the layer label and tag.
const LayerName = "datalake"

// Layer composes XDataLakes.
type Layer struct{}

type datalake struct {
	p v1alpha1.DataLakeParameters
	s *compose.State
}

// Compose implements the layer.
func (Layer) Compose(_ context.Context, xr *compose.XR, s *compose.State) error {
	var p v1alpha1.DataLakeParameters
	if err := xr.Parameters(&p); err != nil {
		return err
	}
	if err := Validate(p, field.NewPath("spec", "parameters")).ToAggregate(); err != nil {
		return err
	}
	d := &datalake{p: p, s: s}
	if err := d.keepBucketNames(); err != nil {
		return err
	}
	for _, step := range []func() error{d.kmsKey, d.buckets, d.repositories, d.logGroups, d.budget} {
		if err := step(); err != nil {
			return err
		}
	}
	return xr.SetStatus(d.status())
}

// retainSpec is the spec of the buckets and their settings: Orphan when the
// environment retains its data on delete.
func (d *datalake) retainSpec() xpv1.ResourceSpec {
	if d.p.RetainOnDelete {
		return mr.OrphanSpec(d.p.Owner)
	}
	return mr.Spec(d.p.Owner)
}

func (d *datalake) labels(component string) map[string]string {
	return naming.Labels(d.p.Owner, LayerName, component)
}

func (d *datalake) tags(name string) map[string]*string {
	return naming.Tags(d.p.Owner, LayerName, name)
}

func externalName(name string) map[string]string {
	return map[string]string{meta.AnnotationKeyExternalName: name}
}

// forceEmpty reports whether deleting the claim deletes the buckets and
// repositories with what they hold (forceDestroy, forceDelete). Where they
// are not retained (dev and staging by default), a versioned bucket or an
// ECR repository with images can never be empty when the claim is deleted,
// so without it deletion never finishes; their data is derived or
// rebuildable (the pipeline re-lands it, images are promoted by digest from
// dev). Retained (prod by default, or retainOnDelete in any claim), they are
// Orphan and never emptied.
func (d *datalake) forceEmpty() bool { return !d.p.RetainOnDelete }
