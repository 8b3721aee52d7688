package awssim

import (
	"encoding/base64"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The EKS kinds, as the AWS simulator reports them once created: the
// cluster with its endpoint, OIDC issuer and cluster security group; node
// groups ACTIVE with the desired size AWS chose at creation (initProvider).
func init() { // Registration of simulated kinds.
	eks := func(kind string) schema.GroupKind { return schema.GroupKind{Group: "eks.aws.upbound.io", Kind: kind} }
	Register(eks("Cluster"), "", simulateCluster)
	Register(eks("NodeGroup"), "", simulateNodeGroup)
	Register(eks("Addon"), "", func(u *unstructured.Unstructured, id string) {
		region := forProviderString(u, "region")
		name := forProviderString(u, "addonName")
		SetAtProvider(u, ARN("eks", region, "addon/"+id+"/"+name), "arn")
		SetAtProvider(u, "v0.0.0-eksbuild.1", "addonVersion")
	})
	Register(eks("AccessEntry"), "", func(u *unstructured.Unstructured, id string) {
		region := forProviderString(u, "region")
		SetAtProvider(u, ARN("eks", region, "access-entry/"+id), "accessEntryArn")
	})
	Register(eks("AccessPolicyAssociation"), "", func(u *unstructured.Unstructured, _ string) {
		SetAtProvider(u, TransitionTime, "associatedAt")
	})
	Register(eks("ClusterAuth"), "", func(u *unstructured.Unstructured, _ string) {
		_ = unstructured.SetNestedField(u.Object, map[string]any{"lastRefreshTime": TransitionTime}, "status", "atProvider")
	})
}

// simulateCluster fills what EKS reports for an ACTIVE cluster. id is the
// cluster name (its external name).
func simulateCluster(u *unstructured.Unstructured, id string) {
	region := forProviderString(u, "region")
	h := strings.ToUpper(Hash("eks/" + region + "/" + id)[:32])
	SetAtProvider(u, ARN("eks", region, "cluster/"+id), "arn")
	SetAtProvider(u, "https://"+h+".gr7."+region+".eks.amazonaws.com", "endpoint")
	SetAtProvider(u, []any{map[string]any{"oidc": []any{map[string]any{
		"issuer": "https://oidc.eks." + region + ".amazonaws.com/id/" + h,
	}}}}, "identity")
	SetAtProvider(u, []any{map[string]any{
		"data": base64.StdEncoding.EncodeToString([]byte("simulated certificate authority of " + id)),
	}}, "certificateAuthority")
	SetAtProvider(u, "ACTIVE", "status")
	SetAtProvider(u, "eks.1", "platformVersion")
	vpc := map[string]any{}
	if cfg, ok, _ := unstructured.NestedSlice(u.Object, "spec", "forProvider", "vpcConfig"); ok && len(cfg) > 0 {
		if m, ok := cfg[0].(map[string]any); ok {
			for k, v := range m {
				if !strings.HasSuffix(k, "Selector") && !strings.HasSuffix(k, "Refs") {
					vpc[k] = v
				}
			}
		}
	}
	vpc["clusterSecurityGroupId"] = "sg-" + Hash("eks-sg/" + id)[:17]
	vpc["vpcId"] = "vpc-" + Hash("eks-vpc/" + id)[:17]
	SetAtProvider(u, []any{vpc}, "vpcConfig")
}

// simulateNodeGroup reports an ACTIVE node group whose scaling config
// merges initProvider's into forProvider's, forProvider winning, as upjet
// merges them for the create.
func simulateNodeGroup(u *unstructured.Unstructured, id string) {
	region := forProviderString(u, "region")
	SetAtProvider(u, ARN("eks", region, "nodegroup/"+id), "arn")
	SetAtProvider(u, "ACTIVE", "status")
	sc := map[string]any{}
	for _, src := range []string{"initProvider", "forProvider"} {
		if cfg, ok, _ := unstructured.NestedSlice(u.Object, "spec", src, "scalingConfig"); ok && len(cfg) > 0 {
			if m, ok := cfg[0].(map[string]any); ok {
				for k, v := range m {
					sc[k] = v
				}
			}
		}
	}
	SetAtProvider(u, []any{sc}, "scalingConfig")
}

func forProviderString(u *unstructured.Unstructured, field string) string {
	s, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", field)
	return s
}

// carryNodeGroupSize: on an update the provider sends the group's current
// desired size unless forProvider sets one (upjet drops the diff of a field
// only initProvider sets), so AWS keeps it: the autoscaler's, not the one
// the group was created with.
func carryNodeGroupSize(prev, now *unstructured.Unstructured) {
	if _, set := scalingConfig(now, "spec", "forProvider")["desiredSize"]; set {
		return
	}
	was, ok := scalingConfig(prev, "status", "atProvider")["desiredSize"]
	if !ok {
		return
	}
	sc := scalingConfig(now, "status", "atProvider")
	sc["desiredSize"] = was
	SetAtProvider(now, []any{sc}, "scalingConfig")
}

// scalingConfig is the first scalingConfig entry under path (an empty map
// if there is none).
func scalingConfig(u *unstructured.Unstructured, path ...string) map[string]any {
	cfg, _, _ := unstructured.NestedSlice(u.Object, append(path, "scalingConfig")...)
	if len(cfg) == 0 {
		return map[string]any{}
	}
	m, _ := cfg[0].(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// ScaleNodeGroup plays the Cluster Autoscaler: it sets the desired capacity
// of a node group's Auto Scaling group, which EKS then reports as the node
// group's desiredSize. name is the NodeGroup's metadata.name. Like the
// autoscaler it stays within the group's [minSize, maxSize].
func (a *Account) ScaleNodeGroup(name string, desired int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.res[key(gk("eks", "NodeGroup"), name)]
	if r == nil || r.State != StateAvailable {
		return fmt.Errorf("node group %s is not available in the simulated account", name)
	}
	sc := scalingConfig(r.Observed, "status", "atProvider")
	lo, _ := number(sc["minSize"])
	hi, _ := number(sc["maxSize"])
	if float64(desired) < lo || float64(desired) > hi {
		return fmt.Errorf("the Cluster Autoscaler keeps node group %s within [%v, %v], not %d", name, lo, hi, desired)
	}
	sc["desiredSize"] = float64(desired)
	SetAtProvider(r.Observed, []any{sc}, "scalingConfig")
	return nil
}
