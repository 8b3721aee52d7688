package compose

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// statefulKinds hold data or take long to rebuild: a function bug must never
// make Crossplane delete them by leaving them out of the desired state. Nested
// composite resources that contain them count too. Add new kinds here.
var statefulKinds = map[schema.GroupKind]bool{
	// Data lives in these. A KMS key counts because losing it makes
	// encrypted snapshots unreadable.
	{Group: "rds.aws.upbound.io", Kind: "Instance"}: true,
	{Group: "s3.aws.upbound.io", Kind: "Bucket"}:    true,
	{Group: "kms.aws.upbound.io", Kind: "Key"}:      true,
	// The EKS cluster holds every workload.
	{Group: "eks.aws.upbound.io", Kind: "Cluster"}: true,
	// The environment's nested XRs that hold the above.
	{Group: v1alpha1.Group, Kind: v1alpha1.KindCluster}:  true,
	{Group: v1alpha1.Group, Kind: v1alpha1.KindDatabase}: true,
	{Group: v1alpha1.Group, Kind: v1alpha1.KindDataLake}: true,
}

// IsStateful reports whether the kind is stateful.
func IsStateful(gk schema.GroupKind) bool { return statefulKinds[gk] }

// GuardStateful returns an error naming every observed stateful resource that
// the desired state leaves out. Callers turn it into a Fatal result, which
// makes Crossplane keep everything as it is.
func (s *State) GuardStateful() error {
	var dropped []string
	for name, o := range s.Observed {
		gk := o.Resource.GetObjectKind().GroupVersionKind().GroupKind()
		if !statefulKinds[gk] {
			continue
		}
		if _, ok := s.desired[name]; !ok {
			dropped = append(dropped, fmt.Sprintf("%s %q (%s)", gk.Kind, name, o.Resource.GetName()))
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	sort.Strings(dropped)
	return fmt.Errorf("refusing to remove stateful resources that exist: %s; "+
		"restore the claim fields that composed them, or delete them deliberately (set their deletion policy, then remove them by hand)",
		strings.Join(dropped, ", "))
}
