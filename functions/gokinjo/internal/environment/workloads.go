package environment

import (
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/compose"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// compWorkloads is the composition resource name of the XWorkloads.
const compWorkloads = "workloads"

// workloadsLayer composes the XWorkloads on the first reconcile with what is
// known; what other layers report (the ProviderConfig, IRSA role ARNs, the
// database's connection secret, the ECR repositories, the VPC) is filled in
// as their XRs report it, and the workloads layer waits for what is still
// missing.
func workloadsLayer(s *compose.State, p v1alpha1.WorkloadsParameters) error {
	obs, vpcID, err := observedForWorkloads(s)
	if err != nil {
		return err
	}
	obs.Fill(&p)
	p.VPCID = vpcID
	return nested(s, compWorkloads, v1alpha1.KindWorkloads, p.Owner, p)
}

// observedForWorkloads reads what the workloads layer needs from the
// observed status of the other layers' XRs.
func observedForWorkloads(s *compose.State) (preset.WorkloadsObserved, string, error) {
	var obs preset.WorkloadsObserved
	var cs v1alpha1.ClusterStatus
	if ok, err := s.ObservedInto(compCluster, "status", &cs); err != nil {
		return obs, "", err
	} else if ok {
		obs.Cluster = v1alpha1.ClusterInput{ProviderConfigName: cs.ProviderConfigName, ServiceAccountRoleARNs: cs.ServiceAccountRoleARNs, Version: cs.Version}
	}
	var db v1alpha1.DatabaseStatus
	if ok, err := s.ObservedInto(compDatabase, "status", &db); err != nil {
		return obs, "", err
	} else if ok {
		obs.Database = v1alpha1.DBInput{Address: db.Address, Port: db.Port, ConnectionSecret: db.ConnectionSecret}
	}
	var lake v1alpha1.DataLakeStatus
	if ok, err := s.ObservedInto(compDataLake, "status", &lake); err != nil {
		return obs, "", err
	} else if ok {
		for _, r := range lake.Repositories {
			if r.URL == "" {
				continue
			}
			for _, app := range []string{"api", "frontend"} {
				if strings.HasSuffix(r.Name, "-"+app) {
					if obs.Repositories == nil {
						obs.Repositories = map[string]string{}
					}
					obs.Repositories[app] = r.URL
				}
			}
		}
		for _, b := range lake.Buckets {
			if obs.Buckets == nil {
				obs.Buckets = map[string]string{}
			}
			obs.Buckets[b.Tier] = b.Name
		}
	}
	vpcID := s.ObservedString(compNetwork, "status.vpcId")
	return obs, vpcID, nil
}

// workloadsStatus copies the XWorkloads' status to the environment's.
func workloadsStatus(s *compose.State, st *v1alpha1.EnvironmentStatus) error {
	var ws v1alpha1.WorkloadsStatus
	if ok, err := s.ObservedInto(compWorkloads, "status", &ws); err != nil {
		return err
	} else if ok {
		st.Workloads = &ws
	}
	return nil
}
