package datalake

import (
	"encoding/json"
	"fmt"

	ecr "github.com/upbound/provider-aws/apis/ecr/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

// Apps whose images the environment's ECR repositories hold.
var Apps = []string{"frontend", "api"}

// RepositoryName is gokinjo-<env>-<app>: the strategy's gokinjo-<app> with
// the environment in it, because repository names are unique per account
// and region and environments may share an account.
func (d *datalake) repositoryName(app string) string { return naming.AWSName(d.p.Owner, app) }

func repositoryComponent(app string) string { return "ecr-" + app }

// repositories composes one ECR repository per app: scanned on push, tags
// immutable (a tag always means the same image), and a lifecycle policy
// that keeps the newest images.
func (d *datalake) repositories() error {
	o := d.p.Owner
	for _, app := range Apps {
		name := d.repositoryName(app)
		comp := repositoryComponent(app)
		r := &ecr.Repository{Spec: ecr.RepositorySpec{
			ResourceSpec: d.retainSpec(),
			ForProvider: ecr.RepositoryParameters{
				Region:                     mr.Str(o.Region),
				ImageTagMutability:         mr.Str("IMMUTABLE"),
				ImageScanningConfiguration: []ecr.ImageScanningConfigurationParameters{{ScanOnPush: mr.Bool(true)}},
				ForceDelete:                mr.Bool(d.forceEmpty()),
				Tags:                       d.tags(name),
			},
		}}
		r.SetAnnotations(externalName(name))
		if err := d.s.Add(comp, r, d.labels(comp)); err != nil {
			return err
		}
		lp := &ecr.LifecyclePolicy{Spec: ecr.LifecyclePolicySpec{
			ResourceSpec: d.retainSpec(),
			ForProvider: ecr.LifecyclePolicyParameters{
				Region:             mr.Str(o.Region),
				RepositorySelector: mr.Local(comp),
				Policy:             mr.Str(keepLastImages(d.p.ImageRetentionCount)),
			},
		}}
		if err := d.s.Add(comp+"-lifecycle", lp, d.labels(comp+"-lifecycle")); err != nil {
			return err
		}
	}
	return nil
}

// keepLastImages is an ECR lifecycle policy that expires all but the newest
// n images.
func keepLastImages(n int) string {
	p := map[string]any{"rules": []any{map[string]any{
		"rulePriority": 1,
		"description":  fmt.Sprintf("Keep the last %d images", n),
		"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": n},
		"action":       map[string]any{"type": "expire"},
	}}}
	b, _ := json.Marshal(p) // Plain maps always marshal.
	return string(b)
}
