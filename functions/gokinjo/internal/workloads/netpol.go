package workloads

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// netpolComp is the component of a network policy.
func netpolComp(name string) string { return "netpol-" + name }

// Ports the policies open.
const (
	postgresPort = 5432
	dnsPort      = 53
	httpsPort    = 443
)

// networkPolicies compose a default deny for the namespace, then only the
// flows the app needs: the ALB (pod IP targets, from the VPC) to the
// frontend and the API, Prometheus to the API's metrics, the database
// clients to PostgreSQL in the VPC, HTTPS out for Airflow (AWS APIs: S3,
// STS; the Kubernetes API for its executor), Airflow's pods to each other,
// and DNS for every pod. The API gets no egress beyond PostgreSQL and DNS:
// it calls nothing else.
func (w *workloads) networkPolicies() error {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	port := func(p corev1.Protocol, n int) networkingv1.NetworkPolicyPort {
		v := intstr.FromInt32(int32(n)) // Port numbers.
		return networkingv1.NetworkPolicyPort{Protocol: &p, Port: &v}
	}
	vpc := []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: w.p.VPCCIDR}}}
	anywhere := []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}}
	ns := func(name string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": name}}}
	}
	airflow := metav1.LabelSelector{MatchLabels: map[string]string{"tier": "airflow"}}
	ingress, egress := networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress

	policies := []struct {
		name string
		spec networkingv1.NetworkPolicySpec
	}{
		{"default-deny", networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{ingress, egress}}},
		{"allow-dns", networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{egress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{ns("kube-system")},
				Ports: []networkingv1.NetworkPolicyPort{port(udp, dnsPort), port(tcp, dnsPort)},
			}},
		}},
		{"frontend-ingress", networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: selector(frontendName)},
			PolicyTypes: []networkingv1.PolicyType{ingress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: vpc, Ports: []networkingv1.NetworkPolicyPort{port(tcp, frontendPort)}}},
		}},
		{"api-ingress", networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: selector(apiName)},
			PolicyTypes: []networkingv1.PolicyType{ingress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				{From: vpc, Ports: []networkingv1.NetworkPolicyPort{port(tcp, apiPort)}},
				{From: []networkingv1.NetworkPolicyPeer{ns(MonitoringNamespace)}, Ports: []networkingv1.NetworkPolicyPort{port(tcp, apiPort)}},
			},
		}},
		{"database-egress", networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{labelDBClient: "true"}},
			PolicyTypes: []networkingv1.PolicyType{egress},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{To: vpc, Ports: []networkingv1.NetworkPolicyPort{port(tcp, postgresPort)}}},
		}},
		{"airflow", networkingv1.NetworkPolicySpec{
			PodSelector: airflow,
			PolicyTypes: []networkingv1.PolicyType{ingress, egress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &airflow}}}},
			Egress: []networkingv1.NetworkPolicyEgressRule{
				{To: []networkingv1.NetworkPolicyPeer{{PodSelector: &airflow}}},
				{To: vpc, Ports: []networkingv1.NetworkPolicyPort{port(tcp, postgresPort)}},
				{To: anywhere, Ports: []networkingv1.NetworkPolicyPort{port(tcp, httpsPort)}},
			},
		}},
	}
	for _, p := range policies {
		np := &networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: w.meta(p.name),
			Spec:       p.spec,
		}
		if err := w.object(netpolComp(p.name), np, "", reference{DependsOn: w.objectName(compNamespace)}); err != nil {
			return err
		}
	}
	return nil
}
