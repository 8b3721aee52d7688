package compose

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// An Immutable field of a managed resource: AWS cannot change it in place, so
// a new value would make the provider replace the resource (delete and
// recreate it). Same reports whether two values are the same as far as AWS
// is concerned; nil means deep equality. Presence: adding or removing the
// field replaces the resource too (a node group's launch template). Field
// names what sets the value, as the claim says it (spec.parameters.<Field>),
// or "" where the package sets it alone.
type Immutable struct {
	Path     string
	Same     func(old, new any) bool
	Presence bool
	Field    string
}

// immutableFields registers, per kind, the fields whose change forces a
// replacement. Register new kinds here rather than growing a switch.
var immutableFields = map[schema.GroupKind][]Immutable{
	{Group: "ec2.aws.upbound.io", Kind: "VPC"}: {{Path: "spec.forProvider.cidrBlock", Field: "network.cidr"}},
	{Group: "ec2.aws.upbound.io", Kind: "Subnet"}: {
		{Path: "spec.forProvider.cidrBlock", Field: "network.cidr"},
		{Path: "spec.forProvider.availabilityZone", Field: "network.availabilityZones"},
	},
	{Group: "rds.aws.upbound.io", Kind: "Instance"}: {
		{Path: "spec.forProvider.engine"},
		{Path: "spec.forProvider.engineVersion", Same: sameMajor, Field: "database.engineVersion"},
		{Path: "spec.forProvider.dbName"},
		{Path: "spec.forProvider.username"},
		{Path: "spec.forProvider.storageEncrypted"},
	},
	{Group: "eks.aws.upbound.io", Kind: "NodeGroup"}: {
		{Path: "spec.forProvider.instanceTypes", Field: "cluster.nodeGroups.<group>.instanceType"},
		{Path: "spec.forProvider.amiType", Field: "cluster.nodeGroups.<group>.instanceType"},
		{Path: "spec.forProvider.capacityType"},
		// EKS cannot add a launch template to a node group created without
		// one, nor change its id or name; a new version is an in-place
		// rolling update.
		{Path: "spec.forProvider.launchTemplate", Same: sameLaunchTemplate, Presence: true},
	},
	{Group: "kms.aws.upbound.io", Kind: "Key"}: {{Path: "spec.forProvider.customerMasterKeySpec"}, {Path: "spec.forProvider.keyUsage"}},
}

// GuardReplacement returns an error naming every desired change that AWS can
// only make by replacing an existing resource: an immutable field, or a new
// external name. Callers turn it into a Fatal result; changing such a field
// is a migration to plan, not a reconcile to run.
//
// It also refuses changes that can go one way only (an engine downgrade, a
// storage shrink; oneway.go): those are not replacements, but AWS refuses them.
func (s *State) GuardReplacement() error {
	if err := s.guardOneWay(); err != nil {
		return err
	}
	var problems []string
	for name, d := range s.desired {
		o, ok := s.Observed[name]
		if !ok {
			continue
		}
		gk := o.Resource.GetObjectKind().GroupVersionKind().GroupKind()
		if was, want := o.Resource.GetAnnotations()[meta.AnnotationKeyExternalName], d.Resource.GetAnnotations()[meta.AnnotationKeyExternalName]; was != "" && want != "" && was != want {
			problems = append(problems, fmt.Sprintf("%s %q: its name would change from %q to %q", gk.Kind, name, was, want))
		}
		for _, f := range immutableFields[gk] {
			was, okOld := value(o.Resource, f.Path)
			want, okNew := value(d.Resource, f.Path)
			if had, has := present(o.Resource, f.Path), present(d.Resource, f.Path); f.Presence && had != has {
				change := "would be added"
				if had {
					change = "would be removed"
				}
				problems = append(problems, fmt.Sprintf("%s %q: %s %s", gk.Kind, name, strings.TrimPrefix(f.Path, "spec.forProvider."), change))
				continue
			}
			if !okOld || !okNew {
				continue
			}
			same := f.Same
			if same == nil {
				same = reflect.DeepEqual
			}
			if !same(was, want) {
				problems = append(problems, fmt.Sprintf("%s %q: %s would change from %v to %v%s", gk.Kind, name, strings.TrimPrefix(f.Path, "spec.forProvider."), was, want, f.claim()))
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("refusing changes that AWS can only make by replacing existing resources: %s; "+
		"keep the current values in the claim, or plan the migration (for example a new environment, or a database restored from a snapshot)",
		strings.Join(problems, "; "))
}

// claim names the claim field that sets the value, "" if none does.
func (f Immutable) claim() string {
	if f.Field == "" {
		return ""
	}
	return " (set by the claim's spec.parameters." + f.Field + ")"
}

func value(u *composed.Unstructured, path string) (any, bool) {
	v, err := u.GetValue(path)
	return v, err == nil && v != nil
}

// present reports whether a field is set to something: an empty list or
// object is no launch template.
func present(u *composed.Unstructured, path string) bool {
	v, ok := value(u, path)
	switch t := v.(type) {
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	}
	return ok
}

// sameLaunchTemplate compares node group launch templates by identity (id,
// or name where both name one), not version: a new version is an update.
func sameLaunchTemplate(old, new any) bool {
	field := func(v any, k string) string {
		if l, ok := v.([]any); ok && len(l) > 0 {
			if m, ok := l[0].(map[string]any); ok {
				s, _ := m[k].(string)
				return s
			}
		}
		return ""
	}
	for _, k := range []string{"id", "name"} {
		if o, n := field(old, k), field(new, k); o != "" && n != "" && o != n {
			return false
		}
	}
	return true
}

// sameMajor compares engine versions by major version: 15.4 to 15.7 is an
// in-place minor upgrade, 15 to 16 is not.
func sameMajor(old, new any) bool {
	o, n := fmt.Sprint(old), fmt.Sprint(new)
	return strings.SplitN(o, ".", 2)[0] == strings.SplitN(n, ".", 2)[0]
}
