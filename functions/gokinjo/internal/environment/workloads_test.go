package environment

import (
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// observedXR is a nested XR as observed, with a status.
func observedXR(t *testing.T, kind string, status map[string]any) resource.ObservedComposed {
	t.Helper()
	o := composed.New()
	o.SetAPIVersion(v1alpha1.APIVersion)
	o.SetKind(kind)
	if err := o.SetValue("status", status); err != nil {
		t.Fatal(err)
	}
	return resource.ObservedComposed{Resource: o}
}

// TestWorkloadsResolved: the XWorkloads, once composed, carries what the
// other layers report as they report it.
func TestWorkloadsResolved(t *testing.T) {
	cases := map[string]struct {
		reason   string
		params   map[string]any
		observed map[resource.Name]resource.ObservedComposed
		check    func(p v1alpha1.WorkloadsParameters) string
	}{
		"ClusterOnly": {
			reason:   "Only the cluster's ProviderConfig observed: preset values, no image repository yet.",
			params:   map[string]any{"environment": "prod"},
			observed: clusterReported(t),
			check: func(p v1alpha1.WorkloadsParameters) string {
				if p.Cluster.ProviderConfigName != "gokinjo-prod" || p.API.Image != "" || p.API.Replicas != 2 || p.Frontend.Replicas != 3 || p.Frontend.MaxReplicas != 10 || p.Version != "v0.1.0" || p.Namespace != "gokinjo-prod" || p.VPCCIDR != "10.0.0.0/16" {
					return "not the prod preset with only the ProviderConfig observed"
				}
				return ""
			},
		},
		"Observed": {
			reason: "The cluster's ProviderConfig and roles, the database secret, the ECR repositories, buckets and VPC flow in.",
			params: map[string]any{"environment": "dev"},
			observed: map[resource.Name]resource.ObservedComposed{
				compCluster: observedXR(t, v1alpha1.KindCluster, map[string]any{
					"providerConfigName":     "gokinjo-dev",
					"serviceAccountRoleArns": map[string]any{"gokinjo-dev/airflow-worker": "arn:aws:iam::123456789012:role/airflow-worker"},
				}),
				compDatabase: observedXR(t, v1alpha1.KindDatabase, map[string]any{
					"address": "db.example", "port": int64(5432),
					"connectionSecret": map[string]any{"name": "gokinjo-dev-db", "namespace": "crossplane-system"},
				}),
				compDataLake: observedXR(t, v1alpha1.KindDataLake, map[string]any{
					"repositories": []any{
						map[string]any{"name": "gokinjo-dev-api", "url": "1.dkr.ecr/gokinjo-dev-api"},
						map[string]any{"name": "gokinjo-dev-frontend", "url": "1.dkr.ecr/gokinjo-dev-frontend"},
					},
					"buckets": []any{map[string]any{"tier": "raw", "name": "gokinjo-raw-dev"}},
				}),
				compNetwork: observedXR(t, v1alpha1.KindNetwork, map[string]any{"vpcId": "vpc-1", "cidr": "10.99.0.0/16"}),
			},
			check: func(p v1alpha1.WorkloadsParameters) string {
				switch {
				case p.Cluster.ProviderConfigName != "gokinjo-dev" || p.Cluster.ServiceAccountRoleARNs["gokinjo-dev/airflow-worker"] == "":
					return "cluster values missing"
				case p.Database.ConnectionSecret == nil || p.Database.Address != "db.example" || p.Database.Port != 5432:
					return "database values missing"
				case p.API.Image != "1.dkr.ecr/gokinjo-dev-api" || p.Frontend.Image != "1.dkr.ecr/gokinjo-dev-frontend":
					return "image repositories missing"
				case p.Buckets["raw"] != "gokinjo-raw-dev" || p.VPCID != "vpc-1":
					return "buckets or VPC missing"
				case p.VPCCIDR != "10.99.0.0/16":
					return "the network policies must admit the CIDR the network layer reports, not the claim's"
				}
				return ""
			},
		},
		"Overrides": {
			reason: "The claim's image, tag, replicas and certificate win over the preset and the repositories.",
			params: map[string]any{"environment": "dev", "workloads": map[string]any{
				"version":        "v1.2.3",
				"certificateArn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100",
				"api":            map[string]any{"image": "ghcr.io/gokinjo/api", "tag": "v1.2.4", "replicas": int64(2), "maxReplicas": int64(4)},
			}},
			observed: clusterReported(t),
			check: func(p v1alpha1.WorkloadsParameters) string {
				if p.API.Image != "ghcr.io/gokinjo/api" || p.API.Tag != "v1.2.4" || p.Frontend.Tag != "v1.2.3" || p.API.Replicas != 2 || p.API.MaxReplicas != 4 || p.CertificateARN == "" {
					return "overrides not applied"
				}
				return ""
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, _, _, err := composeEnv(t, tc.params, tc.observed)
			if err != nil {
				t.Fatal(err)
			}
			p := nestedParams[v1alpha1.WorkloadsParameters](t, s, compWorkloads)
			if msg := tc.check(p); msg != "" {
				t.Errorf("%s\n%s: %+v", tc.reason, msg, p)
			}
		})
	}
}

// clusterReported is a cluster layer that reported its ProviderConfig.
func clusterReported(t *testing.T) map[resource.Name]resource.ObservedComposed {
	t.Helper()
	return map[resource.Name]resource.ObservedComposed{
		compCluster: observedXR(t, v1alpha1.KindCluster, map[string]any{"providerConfigName": "gokinjo-prod"}),
	}
}

// TestWorkloadsAfterProviderConfig: the XWorkloads is composed once the
// cluster reports its ProviderConfig (before, the environment says it waits
// for it), and never dropped once it exists.
func TestWorkloadsAfterProviderConfig(t *testing.T) {
	existing := map[resource.Name]resource.ObservedComposed{
		compCluster:   observedXR(t, v1alpha1.KindCluster, map[string]any{}),
		compWorkloads: observedXR(t, v1alpha1.KindWorkloads, map[string]any{}),
	}
	cases := map[string]struct {
		reason   string
		observed map[resource.Name]resource.ObservedComposed
		composed bool
		waits    string
	}{
		"NothingObserved": {reason: "a new environment: the workloads layer waits", composed: false,
			waits: "the workloads layer: the cluster's ProviderConfig (XCluster status.providerConfigName)"},
		"ClusterReported": {reason: "the cluster reported its ProviderConfig", observed: clusterReported(t), composed: true},
		"ExistsWithoutReport": {reason: "the XWorkloads exists and the cluster's status lost its ProviderConfig: kept",
			observed: existing, composed: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, _, _, err := composeEnv(t, map[string]any{"environment": "prod"}, tc.observed)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := s.Desired()[compWorkloads]; ok != tc.composed {
				t.Errorf("%s: workloads composed = %t, want %t", tc.reason, ok, tc.composed)
			}
			if got := strings.Join(s.Waiting(), "; "); got != tc.waits {
				t.Errorf("%s: waiting for %q, want %q", tc.reason, got, tc.waits)
			}
		})
	}
}

// TestWorkloadsRefuse: bad workloads overrides are Fatal naming the claim's
// field.
func TestWorkloadsRefuse(t *testing.T) {
	cases := map[string]struct {
		workloads map[string]any
		want      string
	}{
		"ReplicasAbovePresetMax": {map[string]any{"api": map[string]any{"replicas": int64(5)}}, "spec.parameters.workloads.api.maxReplicas"},
		"ImageWithDigest":        {map[string]any{"frontend": map[string]any{"image": "ghcr.io/x/y@sha256:abc"}}, "spec.parameters.workloads.frontend.image"},
		"LatestTag":              {map[string]any{"api": map[string]any{"tag": "latest"}}, "spec.parameters.workloads.api.tag"},
		"BadCertificate":         {map[string]any{"certificateArn": "arn:aws:acm:ap-northeast-1:1:certificate/x"}, "spec.parameters.workloads.certificateArn"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := composeEnv(t, map[string]any{"environment": "dev", "workloads": tc.workloads}, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Compose(): %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestWorkloadsStatusSurfaced: the Environment shows the workloads' URLs.
func TestWorkloadsStatusSurfaced(t *testing.T) {
	obs := map[resource.Name]resource.ObservedComposed{
		compWorkloads: observedXR(t, v1alpha1.KindWorkloads, map[string]any{"appUrl": "http://alb.example", "migrated": true}),
	}
	_, _, dxr, err := composeEnv(t, map[string]any{"environment": "dev"}, obs)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := dxr.GetString("status.workloads.appUrl"); got != "http://alb.example" {
		t.Errorf("status.workloads.appUrl = %q", got)
	}
}

// TestWorkloadsKeepReported: when the other layers' status no longer reports
// what the XWorkloads was composed with (lost in a restore, say), the
// XWorkloads keeps it: without the ProviderConfig the workloads layer would
// compose nothing and Crossplane would delete the app and its ALB. A value
// reported now wins.
func TestWorkloadsKeepReported(t *testing.T) {
	kept := map[string]any{
		"environment": "dev", "vpcId": "vpc-1", "vpcCidr": "10.99.0.0/16",
		"cluster": map[string]any{"providerConfigName": "gokinjo-dev", "version": "1.35",
			"serviceAccountRoleArns": map[string]any{"gokinjo-dev/airflow-worker": "arn:aws:iam::123456789012:role/airflow-worker"}},
		"database": map[string]any{"address": "db.example", "port": int64(5432),
			"connectionSecret": map[string]any{"name": "gokinjo-dev-db", "namespace": "crossplane-system"}},
		"buckets":  map[string]any{"raw": "gokinjo-raw-dev"},
		"api":      map[string]any{"image": "1.dkr.ecr/gokinjo-dev-api"},
		"frontend": map[string]any{"image": "1.dkr.ecr/gokinjo-dev-frontend"},
	}
	workloadsXR := observedXR(t, v1alpha1.KindWorkloads, map[string]any{})
	if err := workloadsXR.Resource.SetValue("spec.parameters", kept); err != nil {
		t.Fatal(err)
	}
	lost := map[resource.Name]resource.ObservedComposed{
		compNetwork:   observedXR(t, v1alpha1.KindNetwork, map[string]any{}),
		compCluster:   observedXR(t, v1alpha1.KindCluster, map[string]any{}),
		compDatabase:  observedXR(t, v1alpha1.KindDatabase, map[string]any{}),
		compDataLake:  observedXR(t, v1alpha1.KindDataLake, map[string]any{}),
		compWorkloads: workloadsXR,
	}
	s, _, _, err := composeEnv(t, map[string]any{"environment": "dev"}, lost)
	if err != nil {
		t.Fatal(err)
	}
	p := nestedParams[v1alpha1.WorkloadsParameters](t, s, compWorkloads)
	switch {
	case p.Cluster.ProviderConfigName != "gokinjo-dev" || p.Cluster.Version != "1.35" || p.Cluster.ServiceAccountRoleARNs["gokinjo-dev/airflow-worker"] == "":
		t.Errorf("cluster values not kept: %+v", p.Cluster)
	case p.Database.Address != "db.example" || p.Database.ConnectionSecret == nil:
		t.Errorf("database values not kept: %+v", p.Database)
	case p.Buckets["raw"] != "gokinjo-raw-dev" || p.API.Image != "1.dkr.ecr/gokinjo-dev-api" || p.Frontend.Image != "1.dkr.ecr/gokinjo-dev-frontend":
		t.Errorf("data lake values not kept: buckets %v, images %q %q", p.Buckets, p.API.Image, p.Frontend.Image)
	case p.VPCID != "vpc-1" || p.VPCCIDR != "10.99.0.0/16":
		t.Errorf("network values not kept: %q %q", p.VPCID, p.VPCCIDR)
	}

	// Reported again, a new value wins over the kept one.
	lost[compCluster] = observedXR(t, v1alpha1.KindCluster, map[string]any{"providerConfigName": "gokinjo-dev-2"})
	s, _, _, err = composeEnv(t, map[string]any{"environment": "dev"}, lost)
	if err != nil {
		t.Fatal(err)
	}
	if got := nestedParams[v1alpha1.WorkloadsParameters](t, s, compWorkloads).Cluster.ProviderConfigName; got != "gokinjo-dev-2" {
		t.Errorf("a reported ProviderConfig must win over the kept one, got %q", got)
	}
}
