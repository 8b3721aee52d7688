//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gokinjo/platform/internal/facts"
)

// Crossplane's Usage protection runs for real here: core init installs the
// ValidatingWebhookConfiguration of Crossplane v2.4.0 (facts.Crossplane.Usages:
// a DELETE of any object labelled crossplane.io/in-use=true goes to
// /validate-no-usages), and core start serves the webhook and runs the
// Usage controller (both only run with webhooks on). The one difference
// from the Helm chart is the route: no kube-proxy runs here, so the API
// server cannot reach a Service; the configuration names the webhook server
// by URL on 127.0.0.1 instead, with a certificate for that address signed
// by Crossplane's root CA.
const (
	webhookPort      = 9444 // 9443, Crossplane's default, is the function's
	webhookServerDir = "tls-webhook"
	// The chart's names of the webhook Service and the server's secret.
	webhookService      = "crossplane-webhooks"
	webhookServerSecret = "crossplane-tls-server"
)

// webhookInitEnv is what core init needs to set up the webhooks, as the
// Helm chart passes it (values webhooks.enabled, the crossplane-webhooks
// Service on port 9443).
func webhookInitEnv(coreCRDs string) []string {
	return []string{
		"WEBHOOK_CONFIGS_PATH=" + filepath.Join(filepath.Dir(coreCRDs), "webhookconfigurations"),
		"WEBHOOK_SERVICE_NAME=" + webhookService,
		"WEBHOOK_SERVICE_NAMESPACE=" + crossplaneNS,
		"WEBHOOK_SERVICE_PORT=9443",
		"TLS_SERVER_SECRET_NAME=" + webhookServerSecret,
	}
}

// serveWebhookLocally writes the webhook server's certificate for
// 127.0.0.1 and points the webhook configuration core init made at it. It
// returns core start's environment for the webhook server.
func (h *harness) serveWebhookLocally(ctx context.Context) ([]string, error) {
	ca, err := h.c.kube.CoreV1().Secrets(crossplaneNS).Get(ctx, "crossplane-root-ca", metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(h.work, webhookServerDir)
	if _, err := localServerCerts(webhookService, ca.Data[corev1.TLSCertKey], ca.Data[corev1.TLSPrivateKeyKey], dir); err != nil {
		return nil, err
	}
	usages := facts.Crossplane.Usages
	vwc, err := h.c.kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, usages.WebhookConfiguration, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("core init made no webhook configuration %s: %w", usages.WebhookConfiguration, err)
	}
	if len(vwc.Webhooks) == 0 {
		return nil, fmt.Errorf("webhook configuration %s has no webhook", usages.WebhookConfiguration)
	}
	for i := range vwc.Webhooks {
		cc := &vwc.Webhooks[i].ClientConfig
		if cc.Service == nil || cc.Service.Path == nil || *cc.Service.Path != usages.WebhookPath {
			return nil, fmt.Errorf("webhook %s does not serve %s (facts: crossplane.yaml usages)", vwc.Webhooks[i].Name, usages.WebhookPath)
		}
		url := "https://127.0.0.1:" + strconv.Itoa(webhookPort) + usages.WebhookPath
		cc.URL, cc.Service, cc.CABundle = &url, nil, ca.Data[corev1.TLSCertKey]
	}
	if _, err := h.c.kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Update(ctx, vwc, metav1.UpdateOptions{}); err != nil {
		return nil, err
	}
	return []string{
		"TLS_SERVER_SECRET_NAME=" + webhookServerSecret,
		"TLS_SERVER_CERTS_DIR=" + dir,
		"WEBHOOK_PORT=" + strconv.Itoa(webhookPort),
	}, nil
}

// webhookServes checks, once core start runs, that the API server reaches
// the webhook: the DELETE of a probe object labelled in use goes through
// the webhook (failurePolicy Fail), which allows it as no Usage names it.
func (h *harness) webhookServes(ctx context.Context) error {
	name := "e2e-webhook-probe"
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: crossplaneNS, Labels: map[string]string{facts.Crossplane.Usages.InUseLabel: "true"}}}
	if _, err := h.c.kube.CoreV1().ConfigMaps(crossplaneNS).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		return err
	}
	var last error
	err := poll(ctx, time.Minute, 250*time.Millisecond, func() (bool, error) {
		last = h.c.kube.CoreV1().ConfigMaps(crossplaneNS).Delete(ctx, name, metav1.DeleteOptions{})
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("the API server cannot reach Crossplane's Usage webhook: %v", last)
	}
	return nil
}
