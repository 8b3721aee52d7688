package awssim

import (
	"encoding/base64"
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
// merges forProvider's range with initProvider's desired size, as AWS does.
func simulateNodeGroup(u *unstructured.Unstructured, id string) {
	region := forProviderString(u, "region")
	SetAtProvider(u, ARN("eks", region, "nodegroup/"+id), "arn")
	SetAtProvider(u, "ACTIVE", "status")
	sc := map[string]any{}
	for _, src := range []string{"forProvider", "initProvider"} {
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
