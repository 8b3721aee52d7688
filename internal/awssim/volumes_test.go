package awssim

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestVolumesAtDeletion: deleting a release whose chart made volume claims,
// or the namespace holding claims, leaves their EBS volumes in AWS when the
// EBS CSI controller (add-on, IRSA role and policy, OIDC provider, nodes)
// goes in the same pass; Usages keeping the add-on until they are gone,
// and what the add-on runs with until it is gone, make deletion complete.
// xnetwork is the API version of the XNetwork that composes egressNetwork.
const xnetwork = "platform.gokinjo.io/v1alpha1"

func TestVolumesAtDeletion(t *testing.T) {
	const helm, obj, eks, iam = "helm.crossplane.io/v1beta1", "kubernetes.crossplane.io/v1alpha2", "eks.aws.upbound.io/v1beta1", "iam.aws.upbound.io/v1beta1"
	cfg := `{"defaultStorageClass":{"enabled":true}}`
	env := append(egressNetwork(nil), []*unstructured.Unstructured{
		mr("iam", "OpenIDConnectProvider", "oidc", map[string]any{"url": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/X"}),
		mr("iam", "Role", "ebs-role", nil, ext("gokinjo-dev-ebs-csi")),
		mr("iam", "RolePolicyAttachment", "ebs-policy", map[string]any{"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", "roleSelector": sel("ebs-role")}),
		mr("eks", "NodeGroup", "ng", map[string]any{"subnetIdSelector": map[string]any{"matchLabels": map[string]any{"platform.gokinjo.io/component": "private-a"}}}),
		mr("eks", "Addon", "ebs", map[string]any{"addonName": ebsCSIAddon, "configurationValues": cfg, "serviceAccountRoleArnSelector": sel("ebs-role")}),
		release("grafana", "kube-prometheus-stack", map[string]any{"grafana": map[string]any{"persistence": map[string]any{"enabled": true}}}, false),
		objectMR("namespace", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "gokinjo-dev"}}),
		objectMR("pvc", map[string]any{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": map[string]any{"name": "data", "namespace": "gokinjo-dev"},
			"spec": map[string]any{"accessModes": []any{"ReadWriteOnce"}}}),
	}...)
	users := []*unstructured.Unstructured{
		usage(eks, "Addon", "ebs", helm, "Release", "grafana"),
		usage(eks, "Addon", "ebs", obj, "Object", "namespace"),
		usage(eks, "Addon", "ebs", obj, "Object", "pvc"),
	}
	controller := []*unstructured.Unstructured{
		usage(iam, "OpenIDConnectProvider", "oidc", eks, "Addon", "ebs"),
		usage(iam, "Role", "ebs-role", eks, "Addon", "ebs"),
		usage(iam, "RolePolicyAttachment", "ebs-policy", eks, "Addon", "ebs"),
		usage(eks, "NodeGroup", "ng", eks, "Addon", "ebs"),
		// The controller reaches EC2 through the NAT gateway.
		usage(xnetwork, "XNetwork", "network", eks, "Addon", "ebs"),
	}
	cases := map[string]struct {
		extra    []*unstructured.Unstructured
		complete bool
		want     string
	}{
		"NoUsage":                {want: "leaked: EBS volumes of kube-prometheus-stack grafana"},
		"AddonOnly":              {extra: users, want: "PersistentVolumeClaim gokinjo-dev/data"},
		"AddonAndWhatItRunsWith": {extra: append(append([]*unstructured.Unstructured{}, users...), controller...), complete: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			objs := append(append([]*unstructured.Unstructured{}, env...), tc.extra...)
			apply(t, a, objs...)
			for _, o := range env {
				mustState(t, a, o, StateAvailable, "")
			}
			mustDelete(t, a, tc.complete, tc.want)
		})
	}
}

// TestStatefulSetClaimsAtDeletion: a StatefulSet's volumeClaimTemplate
// claim outlives the StatefulSet (helm uninstall, or its Object) unless
// its persistentVolumeClaimRetentionPolicy.whenDeleted is Delete; only its
// namespace's deletion takes it then, and its volume leaks if nothing
// deletes the namespace while the EBS CSI controller runs.
func TestStatefulSetClaimsAtDeletion(t *testing.T) {
	const helm, obj, eks, iam = "helm.crossplane.io/v1beta1", "kubernetes.crossplane.io/v1alpha2", "eks.aws.upbound.io/v1beta1", "iam.aws.upbound.io/v1beta1"
	controller := []*unstructured.Unstructured{
		mr("iam", "OpenIDConnectProvider", "oidc", map[string]any{"url": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/X"}),
		mr("iam", "Role", "ebs-role", nil, ext("gokinjo-dev-ebs-csi")),
		mr("iam", "RolePolicyAttachment", "ebs-policy", map[string]any{"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", "roleSelector": sel("ebs-role")}),
		mr("eks", "NodeGroup", "ng", map[string]any{"subnetIdSelector": map[string]any{"matchLabels": map[string]any{"platform.gokinjo.io/component": "private-a"}}}),
		mr("eks", "Addon", "ebs", map[string]any{"addonName": ebsCSIAddon, "configurationValues": `{"defaultStorageClass":{"enabled":true}}`, "serviceAccountRoleArnSelector": sel("ebs-role")}),
		usage(iam, "OpenIDConnectProvider", "oidc", eks, "Addon", "ebs"),
		usage(iam, "Role", "ebs-role", eks, "Addon", "ebs"),
		usage(iam, "RolePolicyAttachment", "ebs-policy", eks, "Addon", "ebs"),
		usage(eks, "NodeGroup", "ng", eks, "Addon", "ebs"),
		usage(xnetwork, "XNetwork", "network", eks, "Addon", "ebs"),
	}
	controller = append(egressNetwork(nil), controller...)
	prometheus := func(whenDeleted string) *unstructured.Unstructured {
		spec := map[string]any{"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{"storageClassName": "gp3"}}}}
		if whenDeleted != "" {
			spec["persistentVolumeClaimRetentionPolicy"] = map[string]any{"whenDeleted": whenDeleted}
		}
		r := release("prometheus", "kube-prometheus-stack", map[string]any{"prometheus": map[string]any{"prometheusSpec": spec}}, false)
		_ = unstructured.SetNestedField(r.Object, "monitoring", "spec", "forProvider", "namespace")
		return r
	}
	statefulSet := func(whenDeleted string) *unstructured.Unstructured {
		spec := map[string]any{"volumeClaimTemplates": []any{map[string]any{"metadata": map[string]any{"name": "data"}, "spec": map[string]any{"storageClassName": "gp3"}}}}
		if whenDeleted != "" {
			spec["persistentVolumeClaimRetentionPolicy"] = map[string]any{"whenDeleted": whenDeleted}
		}
		return objectMR("sts", map[string]any{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": map[string]any{"name": "db", "namespace": "monitoring"}, "spec": spec})
	}
	ns := objectMR("monitoring-ns", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "monitoring"}})
	addonByRelease := usage(eks, "Addon", "ebs", helm, "Release", "prometheus")
	addonByNS := usage(eks, "Addon", "ebs", obj, "Object", "monitoring-ns")
	nsByRelease := usage(obj, "Object", "monitoring-ns", helm, "Release", "prometheus")
	cases := map[string]struct {
		objs     []*unstructured.Unstructured
		complete bool
		want     string
	}{
		"ReleaseWithoutNamespaceObject": {
			objs: []*unstructured.Unstructured{prometheus(""), addonByRelease},
			want: "leaked: EBS volumes of kube-prometheus-stack prometheus (StatefulSet claims left in namespace monitoring by deleting Release prometheus",
		},
		"ReleaseWhenDeletedDelete": {
			objs:     []*unstructured.Unstructured{prometheus("Delete"), addonByRelease},
			complete: true,
		},
		"NamespaceObjectOutlivesRelease": {
			objs:     []*unstructured.Unstructured{prometheus(""), ns, addonByRelease, addonByNS, nsByRelease},
			complete: true,
		},
		"NamespaceObjectSamePass": {
			objs:     []*unstructured.Unstructured{prometheus(""), ns, addonByRelease, addonByNS},
			complete: true,
		},
		"NamespaceObjectWithoutAddonUsage": {
			objs: []*unstructured.Unstructured{prometheus(""), ns, addonByRelease, nsByRelease},
			want: "leaked: EBS volumes of kube-prometheus-stack prometheus (deleted with Object monitoring-ns after the EBS CSI controller was gone)",
		},
		"StatefulSetObjectRetained": {
			objs: []*unstructured.Unstructured{statefulSet(""), usage(eks, "Addon", "ebs", obj, "Object", "sts")},
			want: "leaked: EBS volumes of StatefulSet monitoring/db (StatefulSet claims left in namespace monitoring by deleting Object sts",
		},
		"StatefulSetObjectWhenDeletedDelete": {
			objs:     []*unstructured.Unstructured{statefulSet("Delete"), usage(eks, "Addon", "ebs", obj, "Object", "sts")},
			complete: true,
		},
		"StatefulSetObjectAndNamespace": {
			objs:     []*unstructured.Unstructured{statefulSet(""), ns, usage(eks, "Addon", "ebs", obj, "Object", "sts"), addonByNS},
			complete: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, append(append([]*unstructured.Unstructured{}, controller...), tc.objs...)...)
			mustDelete(t, a, tc.complete, tc.want)
		})
	}
}
