package cluster

import (
	"strings"

	iam "github.com/upbound/provider-aws/apis/iam/v1beta1"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const (
	compOIDCProvider = "iam-oidc-provider"
	stsAudience      = "sts.amazonaws.com"
	kubeSystem       = "kube-system"
)

// Keys of the service accounts that get an IRSA role.
const (
	saClusterAutoscaler = "cluster-autoscaler"
	saLBController      = "aws-load-balancer-controller"
	saEBSCSI            = "ebs-csi"
	saAirflowWorker     = "airflow-worker"
	saAirflowScheduler  = "airflow-scheduler"
)

// serviceAccount is one Kubernetes service account with an IRSA role: its
// place in the cluster and what it may do in AWS.
type serviceAccount struct {
	key, namespace, name string
	// policy is the inline policy document of a controller, if any.
	policy func(c *cluster) string
	// managed are AWS managed policies attached to the role.
	managed []string
	// lakeTiers are the data-lake tiers an app reads and writes: its inline
	// policy follows from them (lakePolicy).
	lakeTiers []string
}

// document is the role's inline policy, "" if it has none.
func (sa serviceAccount) document(c *cluster) string {
	switch {
	case sa.policy != nil:
		return sa.policy(c)
	case len(sa.lakeTiers) > 0:
		return c.lakePolicy(sa.lakeTiers)
	}
	return ""
}

// serviceAccounts are the IRSA roles of an environment, one per service
// account, in a fixed order.
func (c *cluster) serviceAccounts() []serviceAccount {
	app := c.p.AppNamespace
	return []serviceAccount{
		{key: saClusterAutoscaler, namespace: kubeSystem, name: "cluster-autoscaler", policy: clusterAutoscalerPolicy},
		{key: saLBController, namespace: kubeSystem, name: "aws-load-balancer-controller", policy: lbControllerPolicy},
		{key: saEBSCSI, namespace: kubeSystem, name: "ebs-csi-controller-sa", managed: []string{"service-role/AmazonEBSCSIDriverPolicy"}},
		{key: saAirflowWorker, namespace: app, name: "airflow-worker", lakeTiers: airflowTiers},
		{key: saAirflowScheduler, namespace: app, name: "airflow-scheduler", lakeTiers: airflowTiers},
	}
}

func irsaComponent(key string) string       { return "irsa-" + key }
func irsaPolicyComponent(key string) string { return "irsa-" + key + "-policy" }

// issuer is the cluster's OIDC issuer URL as observed on the cluster, or
// "" until the cluster is ready.
func (c *cluster) issuer() string {
	return c.s.ObservedString(compCluster, "status.atProvider.identity[0].oidc[0].issuer")
}

// oidcProvider composes the IAM OIDC identity provider of the cluster's
// issuer, once the cluster is observed ready: the issuer exists only then.
// No thumbprint: IAM trusts the EKS issuer's certificate authority itself.
func (c *cluster) oidcProvider() error {
	if !c.s.Sticky(compOIDCProvider, c.clusterReady()) {
		return nil
	}
	issuer := c.issuer()
	if issuer == "" {
		c.s.Wait(compOIDCProvider)
		return nil
	}
	o := c.p.Owner
	p := &iam.OpenIDConnectProvider{Spec: iam.OpenIDConnectProviderSpec{
		ResourceSpec: mr.Spec(o),
		ForProvider: iam.OpenIDConnectProviderParameters{
			URL:          mr.Str(issuer),
			ClientIDList: strs([]string{stsAudience}),
			Tags:         c.tags(naming.AWSName(o, "eks-oidc")),
		},
	}}
	return c.s.Add(compOIDCProvider, p, c.labels(compOIDCProvider))
}

// oidcProviderARN is the observed ARN of the OIDC provider: the Federated
// principal of every IRSA trust policy. Trust policies take no reference,
// so the roles wait for it.
func (c *cluster) oidcProviderARN() string {
	return c.s.ObservedString(compOIDCProvider, "status.atProvider.arn")
}

// irsaReady reports whether the IRSA roles are composed.
func (c *cluster) irsaReady() bool { return c.oidcProviderARN() != "" && c.issuer() != "" }

// irsaRoles composes one IAM role per service account, trusted only by
// that service account's tokens, with its least-privilege policy.
func (c *cluster) irsaRoles() error {
	if !c.irsaReady() {
		// The EBS CSI driver's role stands for them all: its add-on waits for it.
		c.s.Wait(irsaComponent(saEBSCSI))
		return nil
	}
	for _, sa := range c.serviceAccounts() {
		comp := irsaComponent(sa.key)
		name := naming.AWSName(c.p.Owner, "irsa", sa.key)
		if err := c.role(comp, name, c.irsaTrust(sa), sa.managed); err != nil {
			return err
		}
		doc := sa.document(c)
		if doc == "" {
			continue
		}
		if err := c.rolePolicy(irsaPolicyComponent(sa.key), name, comp, doc); err != nil {
			return err
		}
	}
	return nil
}

// irsaTrust lets exactly one service account assume a role with its
// projected token: StringEquals on both the subject and the audience.
func (c *cluster) irsaTrust(sa serviceAccount) string {
	host := strings.TrimPrefix(c.issuer(), "https://")
	return document(statement{
		Effect:    "Allow",
		Principal: map[string]string{"Federated": c.oidcProviderARN()},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			host + ":sub": "system:serviceaccount:" + sa.namespace + ":" + sa.name,
			host + ":aud": stsAudience,
		}},
	})
}
