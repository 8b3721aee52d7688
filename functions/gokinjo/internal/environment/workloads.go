package environment

import (
	"cmp"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// workloads resolves the XWorkloads, composed once the cluster reports its
// ProviderConfig (layers.go), with what is known; what other layers report
// (the ProviderConfig, IRSA role ARNs, the database's connection secret, the
// ECR repositories, the VPC) is filled in as their XRs report it, and the
// workloads layer waits for what is still missing. The claim's part was
// validated in resolve.
func (e *env) workloads() (v1alpha1.WorkloadsParameters, error) {
	p := e.r.Workloads
	workloadsObserved(e.observed).Fill(&p)
	var reportedCIDR string
	if n := e.observed.Network; n != nil {
		p.VPCID, reportedCIDR = n.VPCID, n.CIDR
	}
	// The network policies admit the VPC the network layer built, else the
	// one they admit now, and the claim's only before either: a CIDR edit
	// the network layer refuses (AWS cannot change a VPC's primary CIDR)
	// leaves them as they are.
	p.VPCCIDR = cmp.Or(reportedCIDR, e.workloadsKept.VPCCIDR, p.VPCCIDR)
	keepReported(&p, e.workloadsKept)
	return p, nil
}

// keepReported keeps each value the other layers report where the report is
// missing now but the observed XWorkloads carries one: a layer whose status
// was lost (restored from a backup without it, say) must not make the
// workloads layer drop what it composed. Without the ProviderConfig it
// composes nothing, and Crossplane would delete every Object and Release,
// the Ingress and its ALB with them. A value reported now always wins.
func keepReported(p *v1alpha1.WorkloadsParameters, kept v1alpha1.WorkloadsParameters) {
	p.Cluster.ProviderConfigName = cmp.Or(p.Cluster.ProviderConfigName, kept.Cluster.ProviderConfigName)
	p.Cluster.Version = cmp.Or(p.Cluster.Version, kept.Cluster.Version)
	if len(p.Cluster.ServiceAccountRoleARNs) == 0 {
		p.Cluster.ServiceAccountRoleARNs = kept.Cluster.ServiceAccountRoleARNs
	}
	if p.Database.Address == "" && p.Database.ConnectionSecret == nil {
		p.Database = kept.Database
	}
	if len(p.Buckets) == 0 {
		p.Buckets = kept.Buckets
	}
	p.API.Image = cmp.Or(p.API.Image, kept.API.Image)
	p.Frontend.Image = cmp.Or(p.Frontend.Image, kept.Frontend.Image)
	p.VPCID = cmp.Or(p.VPCID, kept.VPCID)
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
