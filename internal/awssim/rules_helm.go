package awssim

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gokinjo/platform/internal/facts"
)

// What provider-helm and the charts do once a Release is applied, beyond
// the volume and hook rules of rules_cluster.go:
//
//   - provider-helm v1.2.0 retries a failed release only when
//     spec.rollbackLimit is set (pkg/controller/cluster/release/release.go:
//     shouldRollBack needs RollbackRetriesLimit; an unchanged spec of a
//     failed release is up to date, so nothing is done). A retry uninstalls
//     a failed first revision and installs again, or rolls back a later one;
//     status.failed counts the retries and resets once the release is
//     deployed with its spec. A changed spec is always tried (an upgrade).
//   - the cluster autoscaler from facts' dynamicResourceAllocation image
//     minor on blocks at start until it can list resource.k8s.io kinds,
//     which charts before its rbacFromChart do not allow;
//   - the LB controller chart's Service mutating webhook (on by default,
//     failurePolicy Fail) refuses the creation of every Service while the
//     controller is not running.

func init() { // Rule registration.
	onWait(kindRelease, autoscalerRBAC)
	onWait(kindRelease, serviceWebhook)
	onWait(kindObject, serviceWebhook)
}

// helmState is what provider-helm keeps of a release between reconciles.
type helmState struct {
	// failedSpec is the forProvider of the attempt that failed ("" while
	// the release is not failed) and failedMsg its message.
	failedSpec, failedMsg string
	failedErr             *AWSError
	// retries is status.failed.
	retries int
}

func releaseSpec(r *Resource) string {
	fp, _, _ := unstructured.NestedMap(r.Observed.Object, "spec", "forProvider")
	b, _ := json.Marshal(fp)
	return string(b)
}

// helmRetry runs before a release's wait rules: a failed release stays
// failed (msg, e) unless its spec changed or provider-helm may retry it
// (SIMULATED provider-helm v1.2.0; rule cluster-helm-retry).
func (a *Account) helmRetry(r *Resource) (string, *AWSError) {
	h := r.helm
	if h == nil || h.failedSpec == "" {
		return "", nil
	}
	limit, set, _ := unstructured.NestedInt64(r.Observed.Object, "spec", "rollbackLimit")
	switch {
	case releaseSpec(r) != h.failedSpec: // An upgrade with the new spec.
	case set && int64(h.retries) < limit: // Uninstall (or roll back) and try again.
		h.retries++
	default:
		why := "spec.rollbackLimit is not set: provider-helm v1.2.0 never retries a failed release whose spec is unchanged"
		if set {
			why = fmt.Sprintf("provider-helm reached spec.rollbackLimit (%d retries)", limit)
		}
		cause := ""
		if h.failedErr != nil {
			cause = fmt.Sprintf(" (rule %s: %s)", h.failedErr.Rule, h.failedErr.Message)
		}
		return h.failedMsg, awsErr("cluster-helm-retry", "InstallRelease", "ReleaseFailed", "release %s stays failed%s: %s", chartName(r.Observed), cause, why)
	}
	h.failedSpec, h.failedMsg, h.failedErr = "", "", nil
	r.Created = a.now() // A new attempt, with its own wait timeout.
	return "", nil
}

// helmRecord notes the outcome of a release's attempt.
func (a *Account) helmRecord(r *Resource, msg string, e *AWSError) {
	if r.helm == nil {
		r.helm = &helmState{}
	}
	switch {
	case msg == "":
		r.helm.retries = 0 // Deployed with its spec: status.failed resets.
	case strings.HasPrefix(msg, "failed") && r.helm.failedSpec == "":
		r.helm.failedSpec, r.helm.failedMsg, r.helm.failedErr = releaseSpec(r), msg, e
	}
}

// autoscalerRBAC: an autoscaler image whose minor needs the resource.k8s.io
// RBAC, in a chart version that lacks it, never becomes ready.
func autoscalerRBAC(a *Account, r *Resource) (string, *AWSError) {
	rel := r.Observed
	c, ok := a.Facts.Charts.Charts["cluster-autoscaler"]
	if !ok || chartName(rel) != c.Chart || c.DynamicResourceAllocation == nil {
		return "", nil
	}
	version := fp(rel, "chart", "version")
	tag, _ := chartValue(a, rel, "image.tag").(string)
	dra := c.DynamicResourceAllocation
	if minor(strings.TrimPrefix(tag, "v")) < dra.FromImageMinor || facts.CompareVersions(version, dra.RBACFromChart) >= 0 {
		return "", nil
	}
	msg := fmt.Sprintf("Deployment kube-system/cluster-autoscaler never ready: cluster-autoscaler %s blocks at \"Initializing resource informers, blocking until caches are synced\": "+
		"resourceslices.resource.k8s.io is forbidden: User \"system:serviceaccount:kube-system:cluster-autoscaler\" cannot list resource \"resourceslices\" in API group \"resource.k8s.io\" at the cluster scope", tag)
	return a.helmTimeout(r, msg, awsErr("cluster-autoscaler-rbac", "InstallRelease", "Forbidden",
		"cluster-autoscaler image %s needs the resource.k8s.io RBAC, which chart %s lacks (from %s)", tag, version, dra.RBACFromChart))
}

// lbWebhookService is the LB controller chart's webhook Service.
const lbWebhookService = "aws-load-balancer-webhook-service"

// serviceWebhook: while the LB controller's release is installed but not
// running, its Service webhook (failurePolicy Fail, every namespace)
// refuses each Service creation: a Service Object is not created yet (the
// provider retries), a chart's install fails.
func serviceWebhook(a *Account, r *Resource) (string, *AWSError) {
	if r.State == StateAvailable {
		return "", nil // Created already: the webhook only sees creations.
	}
	if r.Kind == kindObject {
		if m := manifest(r.Observed); m == nil || m.GetKind() != "Service" {
			return "", nil
		}
	} else if chartName(r.Observed) == LBControllerChart {
		return "", nil // The chart excludes its own Services.
	}
	for _, rel := range a.sameEnv(r, kindRelease) {
		if chartName(rel.Observed) != LBControllerChart || rel.State == StateAvailable {
			continue
		}
		on, _ := chartValue(a, rel.Observed, "enableServiceMutatorWebhook").(bool)
		policy, _ := chartValue(a, rel.Observed, "serviceMutatorWebhookConfig.failurePolicy").(string)
		if !on || policy != "Fail" {
			continue
		}
		msg := fmt.Sprintf("Internal error occurred: failed calling webhook \"mservice.elbv2.k8s.aws\": failed to call webhook: Post \"https://%s.kube-system.svc:443/mutate-v1-service?timeout=10s\": no endpoints available for service %q", lbWebhookService, lbWebhookService)
		e := awsErr("cluster-service-webhook", "CreateService", "InternalError", "the %s release's Service webhook (failurePolicy Fail) refuses Service creations until the controller runs", LBControllerChart)
		if r.Kind == kindRelease {
			return "failed to install release: " + msg, e
		}
		return "cannot create object: " + msg, e
	}
	return "", nil
}
