package cluster

import (
	"slices"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose/composetest"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/internal/facts"
)

// TestNodeLaunchTemplate: a new node group gets a launch template that tags
// what it launches and waits for the template's observed id and version.
func TestNodeLaunchTemplate(t *testing.T) {
	p := params(t, "dev", nil)
	_, s, _ := converge(t, p)
	lts := desiredOf(s, "LaunchTemplate")
	ngs := desiredOf(s, "NodeGroup")
	if len(lts) != len(p.NodeGroups) || len(ngs) != len(p.NodeGroups) {
		t.Fatalf("want one launch template per node group, got %v for %v", sortedKeys(lts), sortedKeys(ngs))
	}
	f := facts.EKS.NodeLaunchTemplate
	for _, ng := range p.NodeGroups {
		t.Run(ng.Name, func(t *testing.T) {
			lt := lts[launchTemplateComponent(ng.Name)]
			n := ngs[nodeGroupComponent(ng.Name)]
			if lt.GetAPIVersion() != "ec2.aws.upbound.io/v1beta1" {
				t.Errorf("launch template at %s, want the CRD storage version v1beta1", lt.GetAPIVersion())
			}
			// Every resource type a node launch bills is tagged with the
			// cost allocation tags, EnvironmentId = the name prefix.
			var specs []struct {
				ResourceType string            `json:"resourceType"`
				Tags         map[string]string `json:"tags"`
			}
			_ = lt.GetValueInto("spec.forProvider.tagSpecifications", &specs)
			var types []string
			for _, sp := range specs {
				types = append(types, sp.ResourceType)
				for _, k := range naming.CostAllocationTags {
					if sp.Tags[k] == "" {
						t.Errorf("tagSpecifications %s lacks cost allocation tag %s", sp.ResourceType, k)
					}
				}
				if sp.Tags[naming.TagEnvironmentID] != naming.EnvironmentID(p.Owner) {
					t.Errorf("tagSpecifications %s: EnvironmentId %q, want %q", sp.ResourceType, sp.Tags[naming.TagEnvironmentID], naming.EnvironmentID(p.Owner))
				}
			}
			if diff := cmp.Diff(f.TagResourceTypes, types); diff != "" {
				t.Errorf("tagged resource types: -want, +got:\n%s", diff)
			}
			// Nothing EKS refuses in a managed node group's template, and
			// instance type and AMI stay on the node group.
			for _, path := range append(slices.Clone(f.Prohibited), "imageId", "instanceType") {
				if _, err := lt.GetValue("spec.forProvider." + path); err == nil {
					t.Errorf("launch template sets %s, which EKS refuses for managed node groups or which stays on the node group", path)
				}
			}
			for _, path := range f.ProhibitedOnNodeGroup {
				if _, err := n.GetValue("spec.forProvider." + path); err == nil {
					t.Errorf("node group sets %s beside a launch template", path)
				}
			}
			if it := composetest.Str(n, "spec.forProvider.amiType"); it == "" {
				t.Error("node group lost its amiType")
			}
			// The node group uses the template's observed id and latest
			// version, a number: EKS takes no $Latest.
			id := s.ObservedString(launchTemplateComponent(ng.Name), "status.atProvider.id")
			if got := composetest.Str(n, "spec.forProvider.launchTemplate[0].id"); got == "" || got != id {
				t.Errorf("node group launchTemplate.id %q, want the observed template's %q", got, id)
			}
			if got := composetest.Str(n, "spec.forProvider.launchTemplate[0].version"); got != "1" {
				t.Errorf("node group launchTemplate.version %q, want the observed latest version 1", got)
			}
			if _, err := n.GetValue("spec.forProvider.launchTemplate[0].name"); err == nil {
				t.Error("node group names its template by id and name: EKS takes one")
			}
		})
	}
}

// TestNodeLaunchTemplateLifecycle: a new node group waits for its template,
// follows a new template version in place, and a node group that exists
// without a template is composed as it was, with no template: adding one
// would replace it.
func TestNodeLaunchTemplateLifecycle(t *testing.T) {
	p := params(t, "prod", nil)
	_, converged, _ := converge(t, p)
	base := composetest.Observe(t, testXR, converged)
	general, ltGeneral := resource.Name(nodeGroupComponent("general")), resource.Name(launchTemplateComponent("general"))

	cases := map[string]struct {
		reason      string
		observed    func(o composetest.Observed)
		wantLT      bool   // the general launch template is desired
		wantNG      bool   // the general node group is desired
		wantVersion string // its launchTemplate.version; "" for none
		wantWait    string
	}{
		"NewNodeGroupWaits": {
			reason: "the cluster exists but the template is not observed yet: the new node group waits for its id and version",
			observed: func(o composetest.Observed) {
				delete(o, general)
				delete(o, ltGeneral)
			},
			wantLT: true, wantWait: "launch-template-general id and latest version",
		},
		"NewVersion": {
			reason: "a new template version (a tag change) rolls the nodes in place: the node group follows the observed latest version",
			observed: func(o composetest.Observed) {
				_ = o[ltGeneral].Resource.SetValue("status.atProvider.latestVersion", 2)
			},
			wantLT: true, wantNG: true, wantVersion: "2",
		},
		"TemplateStatusMissing": {
			reason: "an existing node group keeps the template id and version it has while the template's status is not observed",
			observed: func(o composetest.Observed) {
				o[ltGeneral] = resource.ObservedComposed{Resource: composed.New()}
			},
			wantLT: true, wantNG: true, wantVersion: "1",
		},
		"ExistingWithoutTemplate": {
			reason: "a node group created before launch templates keeps being composed as it was: EKS cannot add a template to it",
			observed: func(o composetest.Observed) {
				_ = o[general].Resource.SetValue("spec.forProvider.launchTemplate", nil)
				delete(o, ltGeneral)
			},
			wantNG: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			observed := composetest.Observed{}
			for k, v := range base {
				observed[k] = resource.ObservedComposed{Resource: v.Resource.DeepCopy()}
			}
			tc.observed(observed)
			s, _ := run(t, p, observed)
			d := s.Desired()
			if _, ok := d[ltGeneral]; ok != tc.wantLT {
				t.Errorf("%s\nlaunch template desired: %t, want %t", tc.reason, ok, tc.wantLT)
			}
			ng, ok := d[general]
			if ok != tc.wantNG {
				t.Fatalf("%s\nnode group desired: %t, want %t (waiting: %v)", tc.reason, ok, tc.wantNG, s.Waiting())
			}
			if tc.wantWait != "" && !slices.Contains(s.Waiting(), tc.wantWait) {
				t.Errorf("%s\nwaiting %v, want %q", tc.reason, s.Waiting(), tc.wantWait)
			}
			if !ok {
				return
			}
			got := composetest.Str(ng.Resource, "spec.forProvider.launchTemplate[0].version")
			if got != tc.wantVersion {
				t.Errorf("%s\nlaunchTemplate.version %q, want %q", tc.reason, got, tc.wantVersion)
			}
			if err := s.GuardReplacement(); err != nil {
				t.Errorf("%s\nthe replacement guard refuses it: %v", tc.reason, err)
			}
			if tc.wantVersion == "" {
				// Exactly as before: the converged node group without its
				// launch template.
				want, _ := converged.Desired()[general].Resource.GetValue("spec")
				wantSpec := want.(map[string]any)
				fp := wantSpec["forProvider"].(map[string]any)
				delete(fp, "launchTemplate")
				gotSpec, _ := ng.Resource.GetValue("spec")
				if diff := cmp.Diff(wantSpec, gotSpec); diff != "" {
					t.Errorf("%s\nnode group spec changed: -want, +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}
