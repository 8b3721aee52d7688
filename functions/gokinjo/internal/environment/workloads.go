package environment

import (
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// workloads resolves the XWorkloads, composed once the cluster reports its
// ProviderConfig (layers.go) with what is known; what other layers report (the ProviderConfig, IRSA role
// ARNs, the database's connection secret, the ECR repositories, the VPC) is
// filled in as their XRs report it, and the workloads layer waits for what
// is still missing. The claim's part was validated in resolve.
func (e *env) workloads() (v1alpha1.WorkloadsParameters, error) {
	p := e.r.Workloads
	workloadsObserved(e.observed).Fill(&p)
	if n := e.observed.Network; n != nil {
		p.VPCID = n.VPCID
		// The network policies admit the VPC the network layer built: a
		// CIDR edit it refuses (AWS cannot change a VPC's primary CIDR)
		// leaves them as they are.
		if n.CIDR != "" {
			p.VPCCIDR = n.CIDR
		}
	}
	return p, nil
}

// workloadsObserved is what the workloads layer needs of the other layers'
// observed status.
func workloadsObserved(st v1alpha1.EnvironmentStatus) preset.WorkloadsObserved {
	var obs preset.WorkloadsObserved
	if cs := st.Cluster; cs != nil {
		obs.Cluster = v1alpha1.ClusterInput{ProviderConfigName: cs.ProviderConfigName, ServiceAccountRoleARNs: cs.ServiceAccountRoleARNs, Version: cs.Version}
	}
	if db := st.Database; db != nil {
		obs.Database = v1alpha1.DBInput{Address: db.Address, Port: db.Port, ConnectionSecret: db.ConnectionSecret}
	}
	if lake := st.DataLake; lake != nil {
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
	return obs
}
