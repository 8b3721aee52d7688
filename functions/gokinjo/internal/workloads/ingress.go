package workloads

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	compIngress = "ingress"
	// IngressName is the app's Ingress; the AWS Load Balancer Controller
	// turns it into an internet-facing ALB.
	IngressName = "gokinjo"
	albClass    = "alb"
	albPrefix   = "alb.ingress.kubernetes.io/"
)

// ingressAnnotations configure the ALB: internet-facing, pod IPs as targets,
// HTTPS with a redirect from HTTP when a certificate is given.
func (w *workloads) ingressAnnotations() map[string]string {
	a := map[string]string{
		albPrefix + "scheme":       "internet-facing",
		albPrefix + "target-type":  "ip",
		albPrefix + "listen-ports": `[{"HTTP": 80}]`,
		albPrefix + "tags":         fmt.Sprintf("Project=gokinjo,Environment=%s,ManagedBy=crossplane", w.p.Environment),
	}
	if w.p.CertificateARN != "" {
		a[albPrefix+"listen-ports"] = `[{"HTTP": 80}, {"HTTPS": 443}]`
		a[albPrefix+"certificate-arn"] = w.p.CertificateARN
		a[albPrefix+"ssl-redirect"] = "443"
		a[albPrefix+"ssl-policy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	}
	return a
}

// ingress composes the Ingress, once both apps and the load balancer
// controller are composed: / to the frontend, /v1 and /healthz to the API.
func (w *workloads) ingress() error {
	if !w.desired(serviceComp("api")) || !w.desired(serviceComp("frontend")) || !w.desired(addonComp(addonLBController)) {
		return nil
	}
	prefix, exact := networkingv1.PathTypePrefix, networkingv1.PathTypeExact
	backend := func(svc string, port int32) networkingv1.IngressBackend {
		return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
			Name: svc, Port: networkingv1.ServiceBackendPort{Number: port},
		}}
	}
	ing := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{
			Name: IngressName, Namespace: w.p.Namespace, Annotations: w.ingressAnnotations(),
		},
		Spec: networkingv1.IngressSpec{
			IngressClassName: ptr(albClass),
			Rules: []networkingv1.IngressRule{{IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{
					{Path: "/v1", PathType: &prefix, Backend: backend(apiName, apiPort)},
					{Path: "/healthz", PathType: &exact, Backend: backend(apiName, apiPort)},
					{Path: "/", PathType: &prefix, Backend: backend(frontendName, frontendPort)},
				},
			}}}},
		},
	}
	return w.object(compIngress, ing, readyLoadBalancer,
		reference{DependsOn: w.objectName(serviceComp("api"))},
		reference{DependsOn: w.objectName(serviceComp("frontend"))},
	)
}

// albHostname is the ALB's DNS name, as observed on the Ingress.
func (w *workloads) albHostname() string {
	return w.s.ObservedString(compIngress, observed("status.loadBalancer.ingress[0].hostname"))
}

// appURL is the app's address once the ALB exists.
func (w *workloads) appURL() string {
	h := w.albHostname()
	if h == "" {
		return ""
	}
	scheme := "http"
	if w.p.CertificateARN != "" {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(h)
}
