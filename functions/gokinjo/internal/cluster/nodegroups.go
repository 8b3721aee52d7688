package cluster

import (
	"fmt"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	eks "github.com/upbound/provider-aws/apis/eks/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// Airflow workers get the compute node group to themselves: pods schedule
// there only with a toleration of the taint, and land there by the label.
const (
	workloadLabel = "workload"
	airflowWorker = "airflow-worker"
	taintKey      = "dedicated"
)

func nodeGroupComponent(name string) string { return "node-group-" + name }

// nodeGroups composes the managed node groups in the private subnets.
// forProvider holds min and max; the desired size sits in initProvider, so
// it is set at creation and then left to the Cluster Autoscaler. EKS tags
// each managed group's Auto Scaling group for the autoscaler's discovery
// itself; the node group's own tags never reach it.
func (c *cluster) nodeGroups(xr *compose.XR) error {
	if !c.composed {
		return nil
	}
	o := c.p.Owner
	for _, ng := range c.p.NodeGroups {
		comp := nodeGroupComponent(ng.Name)
		name := naming.AWSName(o, ng.Name)
		amiType, ok := facts.EC2.AMIType(ng.InstanceType)
		if !ok {
			return fmt.Errorf("spec.parameters.nodeGroups: node group %s: instance type %q has no known architecture", ng.Name, ng.InstanceType)
		}
		// Its launch template tags the nodes (launchtemplate.go).
		lt, ok, err := c.nodeLaunchTemplate(ng)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		p := eks.NodeGroupParameters{
			Region:              mr.Str(o.Region),
			ClusterNameSelector: mr.Local(compCluster),
			NodeRoleArnSelector: mr.Local(compNodeRole),
			SubnetIDSelector:    mr.Env(o, map[string]string{naming.LabelTier: v1alpha1.TierPrivate}),
			// Never ahead of the control plane (see versions.go).
			Version:       mr.Str(c.dataPlaneVersion()),
			InstanceTypes: strs([]string{ng.InstanceType}),
			// The AMI of the instance type's architecture: Graviton
			// (arm64) types boot the ARM AMI.
			AMIType:       mr.Str(amiType),
			CapacityType:  mr.Str("ON_DEMAND"),
			ScalingConfig: []eks.ScalingConfigParameters{c.scaling(xr, ng)},
			UpdateConfig:  []eks.UpdateConfigParameters{{MaxUnavailable: mr.Float(1)}},
			Labels:        map[string]*string{"node-group": mr.Str(ng.Name)},
			Tags: c.tags(name, map[string]string{
				"k8s.io/cluster-autoscaler/enabled":     "true",
				"k8s.io/cluster-autoscaler/" + c.p.Name: "owned",
			}),
		}
		if ng.Name == v1alpha1.NodeGroupCompute {
			p.Labels[workloadLabel] = mr.Str(airflowWorker)
			p.Taint = []eks.TaintParameters{{Key: mr.Str(taintKey), Value: mr.Str(airflowWorker), Effect: mr.Str("NO_SCHEDULE")}}
		}
		p.LaunchTemplate = lt
		n := &eks.NodeGroup{
			ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{meta.AnnotationKeyExternalName: name}},
			Spec: eks.NodeGroupSpec{
				ResourceSpec: mr.Spec(o),
				ForProvider:  p,
				InitProvider: eks.NodeGroupInitParameters{
					ScalingConfig: []eks.ScalingConfigInitParameters{{DesiredSize: mr.Float(float64(ng.DesiredSize))}},
				},
			},
		}
		if err := c.s.Add(comp, n, c.labels(comp)); err != nil {
			return err
		}
	}
	return nil
}

// scaling is a node group's forProvider scaling config. A range change
// reaches EKS with the group's current desired size (upjet ignores the one
// in initProvider after creation), and EKS refuses a range that excludes it
// on every retry: so when the observed size is outside the new range, the
// size clamped into it is set here too, until AWS reports it; then the
// autoscaler owns the size again. Without an observed size (not created
// yet) or with one inside the range, the desired size is left out.
func (c *cluster) scaling(xr *compose.XR, ng v1alpha1.NodeGroupParams) eks.ScalingConfigParameters {
	sc := eks.ScalingConfigParameters{MinSize: mr.Float(float64(ng.MinSize)), MaxSize: mr.Float(float64(ng.MaxSize))}
	have, ok := c.observedDesired(ng.Name)
	if !ok || (have >= ng.MinSize && have <= ng.MaxSize) {
		return sc
	}
	to := min(max(have, ng.MinSize), ng.MaxSize)
	sc.DesiredSize = mr.Float(float64(to))
	xr.Warn(fmt.Sprintf("spec.parameters.nodeGroups.%s: the node group runs at desired size %d, outside the new range [%d, %d], which EKS refuses: setting its desired size to %d with the range; the Cluster Autoscaler owns the size again once AWS reports it",
		ng.Name, have, ng.MinSize, ng.MaxSize, to))
	return sc
}

// observedDesired is the desired size AWS reports for a node group (the
// Cluster Autoscaler's), if it is observed.
func (c *cluster) observedDesired(name string) (int, bool) {
	var sizes []struct {
		DesiredSize *float64 `json:"desiredSize"`
	}
	if ok, _ := c.s.ObservedInto(nodeGroupComponent(name), "status.atProvider.scalingConfig", &sizes); !ok || len(sizes) == 0 || sizes[0].DesiredSize == nil {
		return 0, false
	}
	return int(*sizes[0].DesiredSize), true
}

// generalReady reports whether the general node group is observed ready:
// add-ons that run pods (CoreDNS, the EBS CSI controller) wait for nodes,
// or EKS reports them degraded.
func (c *cluster) generalReady() bool {
	return c.s.ObservedReady(nodeGroupComponent(v1alpha1.NodeGroupGeneral))
}
