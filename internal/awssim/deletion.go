package awssim

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Deletion rules: AWS refuses to delete what something still uses
// (DependencyViolation and its service-specific cousins) and the provider
// retries; RDS refuses to delete a protected instance and takes a final
// snapshot unless told to skip it. Orphan-policy resources stay in AWS.

// A deleteRule returns AWS's refusal to delete r, if any.
type deleteRule func(a *Account, r *Resource) *AWSError

var deleteRules = map[schema.GroupKind]deleteRule{
	gk("ec2", "VPC"): blockedBy("DeleteVpc", "DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted",
		gk("ec2", "Subnet"), gk("ec2", "SecurityGroup"), gk("ec2", "RouteTable"), gk("ec2", "InternetGateway"), gk("ec2", "VPCEndpoint"), kindLoadBalancer),
	gk("ec2", "Subnet"): subnetDelete,
	gk("ec2", "RouteTable"): blockedBy("DeleteRouteTable", "DependencyViolation", "The routeTable '%s' has dependencies and cannot be deleted",
		gk("ec2", "RouteTableAssociation")),
	gk("ec2", "InternetGateway"): igwDelete,
	gk("ec2", "SecurityGroup"):   sgDelete,
	gk("ec2", "EIP"): blockedBy("ReleaseAddress", "InvalidIPAddress.InUse", "Address %s is in use by a NAT gateway",
		gk("ec2", "NATGateway")),
	gk("rds", "SubnetGroup"): blockedBy("DeleteDBSubnetGroup", "InvalidDBSubnetGroupStateFault", "Cannot delete the subnet group '%s' because at least one database instance is still using it",
		gk("rds", "Instance")),
	gk("rds", "ParameterGroup"): blockedBy("DeleteDBParameterGroup", "InvalidDBParameterGroupState", "One or more database instances are still members of this parameter group %s, so the group cannot be deleted",
		gk("rds", "Instance")),
	gk("rds", "Instance"): rdsDelete,
	gk("eks", "Cluster"): all(blockedBy("DeleteCluster", "ResourceInUseException", "Cluster %s has nodegroups attached",
		gk("eks", "NodeGroup")), eksRoleKept("DeleteCluster", "roleArn")),
	gk("eks", "NodeGroup"): eksRoleKept("DeleteNodegroup", "nodeRoleArn"),
	gk("iam", "Role"): blockedBy("DeleteRole", "DeleteConflict", "Cannot delete entity %s, must detach all policies first",
		gk("iam", "RolePolicyAttachment"), gk("iam", "RolePolicy")),
	gk("iam", "Policy"): blockedBy("DeletePolicy", "DeleteConflict", "Cannot delete policy %s: it is attached to entities",
		gk("iam", "RolePolicyAttachment")),
	kindObject:  inClusterAccess("provider-kubernetes"),
	kindRelease: inClusterAccess("provider-helm"),
}

// inClusterAccess (SIMULATED provider-kubernetes and provider-helm): an
// Object or a Release is deleted in the cluster through its ProviderConfig's
// kubeconfig, the ClusterAuth's connection Secret (garbage-collected with
// the ClusterAuth). With the environment's ClusterAuth gone, or deleted in
// the same pass (worst case), the provider cannot reach the cluster and the
// deletion never completes. The ProviderConfigs themselves are kept by the
// providers while in use (crossplane-runtime's ProviderConfigUsage).
func inClusterAccess(provider string) deleteRule {
	return func(a *Account, r *Resource) *AWSError {
		had := false // gone ones count: a test account may have none
		for _, ca := range a.res {
			if ca.Kind != gkClusterAuth || envOf(ca.Observed) != envOf(r.Observed) {
				continue
			}
			had = true
			if ca.State == StateAvailable && !a.deleting[ca.key] {
				return nil
			}
		}
		if !had {
			return nil
		}
		return awsErr("in-cluster-access", "Delete", "ClusterUnreachable",
			"%s cannot delete %s: the kubeconfig of its ProviderConfig (the ClusterAuth's connection Secret) is gone", provider, r.Name)
	}
}

// blockedBy refuses the delete while a resource of the given kinds, still
// in AWS (orphaned ones included), uses it.
func blockedBy(op, code, format string, kinds ...schema.GroupKind) deleteRule {
	return func(a *Account, r *Resource) *AWSError {
		var in []*Resource
		for _, u := range a.users(r) {
			for _, k := range kinds {
				if u.Kind == k {
					in = append(in, u)
				}
			}
		}
		if len(in) == 0 {
			return nil
		}
		return awsErr("delete-dependency", op, code, format+" (still used by %s)", r.ExternalName(), describe(in))
	}
}

// all refuses with the first rule that refuses.
func all(rules ...deleteRule) deleteRule {
	return func(a *Account, r *Resource) *AWSError {
		for _, f := range rules {
			if e := f(a, r); e != nil {
				return e
			}
		}
		return nil
	}
}

// eksRoleKept: EKS deletes a node group's instances and network interfaces,
// and the cluster's network interfaces and security group, with the role
// the resource was created with. With the role or one of its policy
// attachments gone (or going in the same pass, worst case), EKS cannot,
// and the deletion fails for good (SIMULATED as a refusal; Terraform's
// aws_eks_cluster and aws_eks_node_group docs: delete the role's
// permissions after the cluster and node group).
func eksRoleKept(op, field string) deleteRule {
	return func(a *Account, r *Resource) *AWSError {
		role := a.refTarget(r, field)
		if role == nil {
			return nil // Created without a reference: nothing known.
		}
		working := func(x *Resource) bool { return x.State == StateAvailable && !a.deleting[x.key] }
		missing := []*Resource{}
		if !working(role) {
			missing = append(missing, role)
		}
		for _, p := range a.res {
			if p.Kind == gk("iam", "RolePolicyAttachment") && a.refTarget(p, "role") == role && !working(p) {
				missing = append(missing, p)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		sort.Slice(missing, func(i, j int) bool { return missing[i].key < missing[j].key })
		return awsErr("eks-role-permissions", op, "AccessDenied", "EKS cannot delete the instances, network interfaces and security groups of %s: its IAM role's permissions are gone (%s)", r.ExternalName(), describeNames(missing))
	}
}

// describeNames names resources by kind and metadata.name (an attachment
// has no AWS name of its own).
func describeNames(rs []*Resource) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Kind.Kind+" "+r.Name)
	}
	return strings.Join(s, ", ")
}

// subnetDelete: network interfaces in the subnet block it: NAT gateways,
// EKS control-plane and node ENIs, load balancers, and RDS instances
// through their subnet group.
func subnetDelete(a *Account, r *Resource) *AWSError {
	var in []*Resource
	for _, u := range a.users(r) {
		switch u.Kind {
		case gk("ec2", "NATGateway"), gk("eks", "Cluster"), gk("eks", "NodeGroup"), kindLoadBalancer, gk("ec2", "VPCEndpoint"):
			in = append(in, u)
		case gk("rds", "SubnetGroup"):
			for _, db := range a.users(u) {
				if db.Kind == gk("rds", "Instance") {
					in = append(in, db)
				}
			}
		}
	}
	if len(in) == 0 {
		return nil
	}
	return awsErr("delete-dependency", "DeleteSubnet", "DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted (network interfaces of %s)", r.ExternalName(), describe(in))
}

// sgDelete: a security group is in use while a network interface (RDS,
// EKS, a load balancer) or another group's rule references it.
func sgDelete(a *Account, r *Resource) *AWSError {
	var in []*Resource
	for _, u := range a.users(r) {
		switch u.Kind {
		case gk("rds", "Instance"), gk("eks", "Cluster"), kindLoadBalancer:
			in = append(in, u)
		case gk("ec2", "SecurityGroupIngressRule"), gk("ec2", "SecurityGroupEgressRule"):
			if own := a.refTarget(u, "securityGroupId"); own != nil && own != r {
				in = append(in, u)
			}
		}
	}
	if len(in) == 0 {
		return nil
	}
	return awsErr("delete-dependency", "DeleteSecurityGroup", "DependencyViolation", "resource %s has a dependent object (%s)", r.ExternalName(), describe(in))
}

// igwDelete: detaching an internet gateway fails while the VPC has mapped
// public addresses (NAT gateways, internet-facing load balancers).
func igwDelete(a *Account, r *Resource) *AWSError {
	vpc := a.refTarget(r, "vpcId")
	if vpc == nil {
		return nil
	}
	var in []*Resource
	for _, u := range a.res {
		if !u.inAWS() {
			continue
		}
		switch u.Kind {
		case gk("ec2", "NATGateway"):
			if s := a.refTarget(u, "subnetId"); s != nil && a.refTarget(s, "vpcId") == vpc {
				in = append(in, u)
			}
		case kindLoadBalancer:
			if a.refTarget(u, "vpcId") == vpc {
				in = append(in, u)
			}
		}
	}
	if len(in) == 0 {
		return nil
	}
	sort.Slice(in, func(i, j int) bool { return in[i].key < in[j].key })
	return awsErr("delete-dependency", "DetachInternetGateway", "DependencyViolation", "Network %s has some mapped public address(es) (%s). Please unmap those public address(es) before detaching the gateway.", vpc.ExternalName(), describe(in))
}

func rdsDelete(a *Account, r *Resource) *AWSError {
	if on, _ := boolField(r.Observed, "deletionProtection"); on {
		return awsErr("rds-deletion-protection", "DeleteDBInstance", "InvalidParameterCombination", "Cannot delete protected DB Instance %s, please disable deletion protection and try again.", r.ExternalName())
	}
	skip, _ := boolField(r.Observed, "skipFinalSnapshot")
	if skip || fp(r.Observed, "replicateSourceDb") != "" {
		return nil // Replicas take no final snapshot.
	}
	snap := fp(r.Observed, "finalSnapshotIdentifier")
	if snap == "" {
		return awsErr("rds-final-snapshot", "DeleteDBInstance", "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified (instance %s)", r.ExternalName())
	}
	// Snapshot names are unique per account and region and outlive the
	// instance: a second environment of the same names deleting with the
	// same final snapshot name never finishes.
	for _, s := range a.Snapshots {
		if s == snap {
			return awsErr("rds-final-snapshot", "DeleteDBInstance", "DBSnapshotAlreadyExists", "Cannot create the snapshot because a snapshot with the identifier %s already exists.", snap)
		}
	}
	a.Snapshots = append(a.Snapshots, snap)
	env, key := envOf(r.Observed), a.refTarget(r, "kmsKeyId")
	a.Retained = append(a.Retained, RetainedData{What: "final snapshot " + snap, env: env, key: key})
	// The provider's default (delete_automated_backups true) deletes them.
	if keep, set := boolField(r.Observed, "deleteAutomatedBackups"); set && !keep {
		a.Retained = append(a.Retained, RetainedData{What: "automated backups of " + fp(r.Observed, "identifier"), env: env, key: key})
	}
	return nil
}

// RetainedData is data RDS keeps after deleting an instance, encrypted with
// the instance's KMS key: unreadable once the key is deleted.
type RetainedData struct {
	What string
	env  string
	key  *Resource
}

// exportingInstance is an RDS instance that exports logs into the log group
// g and still runs: in AWS, or deleted in the same pass as g (worst case,
// after it). RDS creates an export group that is missing (with no retention).
func (a *Account) exportingInstance(g *Resource) *Resource {
	for _, r := range a.res {
		if r.Kind != gk("rds", "Instance") || !(r.inAWS() || a.deleting[r.key]) {
			continue
		}
		id := fp(r.Observed, "identifier")
		exports, _, _ := unstructured.NestedStringSlice(r.Observed.Object, "spec", "forProvider", "enabledCloudwatchLogsExports")
		for _, t := range exports {
			if g.ExternalName() == "/aws/rds/instance/"+id+"/"+t {
				return r
			}
		}
	}
	return nil
}

// Delete is the provider's delete of a managed resource (metadata.name):
// nil when it is gone from AWS (or orphaned), else AWS's refusal; the
// provider keeps the finalizer and retries.
func (a *Account) Delete(k schema.GroupKind, name string) *AWSError {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.res[key(k, name)]
	if r == nil {
		return nil
	}
	return a.delete(r)
}

func (a *Account) delete(r *Resource) *AWSError {
	if r.gone() || r.State == StateOrphaned {
		return nil
	}
	// Crossplane's Usage: a used resource (and the Usage itself) waits for
	// its user to be gone.
	if u, by := a.heldBy(r); u != nil {
		e := awsErr("usage", "Delete", "InUse", "This resource is in-use by 1 Usage(s), including the Usage %q by resource %s/%s.", u.Name, by.Kind.Kind, by.Name)
		r.Err, r.Message = e, e.Message
		return e
	}
	if Retained(r.Observed) {
		if r.inAWS() {
			r.State = StateOrphaned
		} else {
			r.State = StateDeleted
		}
		return nil
	}
	if r.inAWS() {
		if f := deleteRules[r.Kind]; f != nil {
			if e := f(a, r); e != nil {
				r.Err, r.Message = e, deleteMessage(r.Kind.Kind, r.ExternalName(), e)
				return e
			}
		}
	}
	if r.Kind == kindObject {
		a.deleteInCluster(r)
	}
	// SIMULATED (RDS): an instance still exporting into a deleted log group
	// makes RDS create it again, without retention: a group nobody manages.
	if r.Kind == gk("cloudwatchlogs", "Group") && r.inAWS() {
		if db := a.exportingInstance(r); db != nil {
			r.recreatedBy = fp(db.Observed, "identifier")
		}
	}
	if r.Kind == kindObject || r.Kind == kindRelease {
		a.deleteVolumes(r)
	}
	r.State, r.Err, r.Message, r.updateRefused = StateDeleted, nil, "", false
	if r.Kind == gk("s3", "Bucket") && a.Cloud != nil {
		a.Cloud.mu.Lock()
		if a.Cloud.buckets[r.ExternalName()] == r {
			delete(a.Cloud.buckets, r.ExternalName())
			delete(a.Cloud.owner, r.ExternalName())
		}
		a.Cloud.mu.Unlock()
	}
	return nil
}

// deleteInCluster: deleting an Ingress makes the LB controller delete its
// ALB, if the controller still runs (its release deployed, its role and
// the node groups its pod runs on still there). Otherwise the ALB leaks.
func (a *Account) deleteInCluster(obj *Resource) {
	lb := a.res[key(kindLoadBalancer, obj.Name)]
	if lb == nil || lb.State != StateAvailable {
		return
	}
	if a.lbControllerRunning(obj) {
		lb.State = StateDeleted
	}
}

// The controller needs its release, the nodes its pod runs on, its IRSA
// role with its policies, the OIDC provider the role trusts (STS refuses
// AssumeRoleWithWebIdentity without it), and egress from the nodes' private
// subnets to the public ELB and STS endpoints (a NAT gateway with default
// routes; the network has no interface endpoints). Worst case: anything
// being deleted at the same time that no Usage holds may be gone before
// the controller acts.
func (a *Account) lbControllerRunning(obj *Resource) bool {
	up := func(r *Resource) bool { return r.State == StateAvailable && !a.deleting[r.key] }
	running := false
	for _, rel := range a.sameEnv(obj, kindRelease) {
		if chartName(rel.Observed) == LBControllerChart && up(rel) {
			running = len(a.lbControllerMissing(rel)) == 0
			roleArn, _ := chartValue(a, rel.Observed, "serviceAccount.annotations."+strings.ReplaceAll(irsaAnnotation, ".", `\.`)).(string)
			for _, r := range a.res {
				// A deleted role of an earlier environment of the same
				// name has the same ARN: only the live one is the
				// controller's.
				if r.Kind == gk("iam", "Role") && !r.gone() && at(r.Observed, "arn") == roleArn {
					running = running && up(r)
					for _, p := range a.users(r) {
						running = running && up(p)
					}
				}
			}
		}
	}
	oidc := false
	for _, p := range a.sameEnv(obj, gk("iam", "OpenIDConnectProvider")) {
		oidc = oidc || up(p)
	}
	return running && oidc && a.nodesReachAWS(obj, up)
}

// nodesReachAWS (SIMULATED): a controller's pods on the environment's nodes
// reach the AWS APIs: a live node group in a subnet with egress (the
// network has no interface endpoints), and the cluster's DNS and pod
// networking (the vpc-cni, kube-proxy and CoreDNS add-ons: deleting an
// add-on removes its software from the cluster unless it is preserved).
func (a *Account) nodesReachAWS(obj *Resource, up func(*Resource) bool) bool {
	for _, ad := range a.sameEnv(obj, gkEKSAddon) {
		switch fp(ad.Observed, "addonName") {
		case "vpc-cni", "kube-proxy", "coredns":
			if preserve, _, _ := unstructured.NestedBool(ad.Observed.Object, "spec", "forProvider", "preserve"); !up(ad) && !preserve {
				return false
			}
		}
	}
	for _, ng := range a.sameEnv(obj, gkNodeGroup) {
		if !up(ng) {
			continue
		}
		for _, s := range a.refTargets(ng, "subnetIds") {
			if a.egress(s, up) {
				return true
			}
		}
	}
	return false
}

// A DeletionReport is what deleting an environment left behind.
type DeletionReport struct {
	// Passes is how many retry passes the deletion took.
	Passes int
	// Orphaned are the resources kept in AWS by deletionPolicy Orphan.
	Orphaned []string
	// Stuck are the resources whose deletion never completed, with AWS's
	// last refusal.
	Stuck []Failure
	// Leaked are resources nobody manages any more that remain in AWS (an
	// ALB whose controller was gone before its Ingress).
	Leaked []string
	// Dangling: a resource left in AWS depends on one that was deleted.
	Dangling []string
}

// Complete reports whether the deletion finished cleanly.
func (d DeletionReport) Complete() bool {
	return len(d.Stuck) == 0 && len(d.Leaked) == 0 && len(d.Dangling) == 0
}

func (d DeletionReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d passes, %d orphaned", d.Passes, len(d.Orphaned))
	for _, s := range d.Stuck {
		fmt.Fprintf(&b, "\n  stuck: %s", s)
	}
	for _, s := range d.Leaked {
		fmt.Fprintf(&b, "\n  leaked: %s", s)
	}
	for _, s := range d.Dangling {
		fmt.Fprintf(&b, "\n  dangling: %s", s)
	}
	return b.String()
}

// DeleteEnvironment deletes every managed resource of an environment (by
// its environment-id label) at once, as Crossplane's garbage collection
// does, honouring Usages (a used resource waits for its user), and retries
// refused deletes until nothing changes.
func (a *Account) DeleteEnvironment(envID string) DeletionReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	var todo []*Resource
	for _, r := range a.res {
		if envOf(r.Observed) == envID && r.Kind != kindLoadBalancer && !r.gone() && r.State != StateOrphaned {
			todo = append(todo, r)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].key < todo[j].key })
	var rep DeletionReport
	for progress := true; progress && len(todo) > 0; rep.Passes++ {
		progress = false
		// Everything deleted in this pass that no Usage holds goes at once.
		a.deleting = map[string]bool{}
		for _, r := range todo {
			if u, _ := a.heldBy(r); u == nil {
				a.deleting[r.key] = true
			}
		}
		var next []*Resource
		for _, r := range todo {
			if a.delete(r) != nil {
				next = append(next, r)
				continue
			}
			progress = true
		}
		todo = next
	}
	a.deleting = nil
	a.audit(envID, &rep)
	return rep
}

// Audit reports what an environment left in AWS: resources whose deletion
// has not completed, orphans, leaked load balancers, and leftovers that
// depend on something deleted.
func (a *Account) Audit(envID string) DeletionReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	var rep DeletionReport
	a.audit(envID, &rep)
	return rep
}

func (a *Account) audit(envID string, rep *DeletionReport) {
	for _, r := range a.res {
		if envOf(r.Observed) != envID || r.Kind == kindLoadBalancer || r.gone() || r.State == StateOrphaned {
			continue
		}
		rep.Stuck = append(rep.Stuck, Failure{Kind: r.Kind.Kind, Name: r.Name, Message: r.Message, Err: r.Err})
	}
	sort.Slice(rep.Stuck, func(i, j int) bool { return rep.Stuck[i].Kind+rep.Stuck[i].Name < rep.Stuck[j].Kind+rep.Stuck[j].Name })
	for _, r := range a.res {
		if envOf(r.Observed) != envID {
			continue
		}
		switch {
		case r.State == StateOrphaned:
			rep.Orphaned = append(rep.Orphaned, r.Kind.Kind+" "+r.ExternalName())
		case r.Kind == kindLoadBalancer && r.State == StateAvailable:
			rep.Leaked = append(rep.Leaked, "LoadBalancer "+r.ExternalName()+" (its controller was gone before its Ingress; it blocks its subnets and VPC)")
		case r.recreatedBy != "":
			rep.Leaked = append(rep.Leaked, "Group "+r.ExternalName()+" (deleted while RDS instance "+r.recreatedBy+" still exported into it: RDS created it again with no retention)")
		}
		if len(r.leakedVolumes) > 0 {
			rep.Leaked = append(rep.Leaked, fmt.Sprintf("EBS volumes of %s (deleted with %s %s after the EBS CSI controller was gone)", strings.Join(r.leakedVolumes, ", "), r.Kind.Kind, r.Name))
		}
		if r.gone() && len(r.keptClaims) > 0 {
			rep.Leaked = append(rep.Leaked, fmt.Sprintf("EBS volumes of %s (StatefulSet claims left in namespace %s by deleting %s %s, whenDeleted not Delete, and no namespace Object deleted them before the EKS cluster went)", strings.Join(r.keptClaims, ", "), r.keptIn, r.Kind.Kind, r.Name))
		}
		if r.State != StateOrphaned && !(r.Kind == kindLoadBalancer && r.State == StateAvailable) {
			continue
		}
		for _, e := range r.Refs {
			if t := a.res[e.target]; t != nil && t.gone() {
				rep.Dangling = append(rep.Dangling, fmt.Sprintf("%s %s (%s) uses %s %s, which was deleted", r.Kind.Kind, r.ExternalName(), r.State, t.Kind.Kind, t.ExternalName()))
			}
		}
	}
	for _, d := range a.Retained {
		if d.env == envID && d.key != nil && d.key.gone() {
			rep.Dangling = append(rep.Dangling, fmt.Sprintf("%s is encrypted with Key %s, which was deleted: it can no longer be restored", d.What, d.key.ExternalName()))
		}
	}
	sort.Strings(rep.Orphaned)
	sort.Strings(rep.Leaked)
	sort.Strings(rep.Dangling)
}

// heldBy finds a live Usage that keeps r: r is its "of" (or r is the Usage
// itself) and its "by" still exists.
func (a *Account) heldBy(r *Resource) (*Resource, *Resource) {
	live := func(b *Resource) bool { return b != r && !b.gone() && b.State != StateOrphaned }
	for _, u := range a.res {
		if u.Kind.Group != GroupProtection || u.gone() {
			continue
		}
		spec, _, _ := unstructured.NestedMap(u.Observed.Object, "spec")
		of, _ := spec["of"].(map[string]any)
		by, _ := spec["by"].(map[string]any)
		held := u == r
		for _, o := range a.usageTargets(u, of) {
			held = held || o == r
		}
		if !held {
			continue
		}
		for _, b := range a.usageTargets(u, by) {
			if live(b) {
				return u, b
			}
		}
	}
	return nil, nil
}

func (a *Account) usageTargets(from *Resource, sel map[string]any) []*Resource {
	apiVersion, _ := sel["apiVersion"].(string)
	kind, _ := sel["kind"].(string)
	k := schema.GroupKind{Group: strings.Split(apiVersion, "/")[0], Kind: kind}
	if k.Group == compositeGroup {
		return a.composedBy(k.Kind, sel)
	}
	if ref, ok := sel["resourceRef"].(map[string]any); ok {
		n, _ := ref["name"].(string)
		if r := a.res[key(k, n)]; r != nil {
			return []*Resource{r}
		}
		return nil
	}
	rs, _ := sel["resourceSelector"].(map[string]any)
	ml := map[string]string{}
	if m, ok := rs["matchLabels"].(map[string]any); ok {
		for k, v := range m {
			ml[k], _ = v.(string)
		}
	}
	mcr, _ := rs["matchControllerRef"].(bool)
	var out []*Resource
	for _, r := range a.res {
		if r.Kind == k && labels.SelectorFromSet(ml).Matches(labels.Set(r.Observed.GetLabels())) && (!mcr || sameController(from.Observed, r.Observed)) {
			out = append(out, r)
		}
	}
	return out
}

// compositeGroup is the group of the platform's XRs. The account holds
// managed resources, not XRs.
const compositeGroup = "platform.gokinjo.io"

// composedBy plays a Usage of an XR: Kubernetes garbage collection deletes
// a composed resource only once its controlling XR is gone, and the Usage
// webhook refuses to delete the XR, so the Usage keeps everything the XR
// controls. The XR is the controller reference's kind and name (resourceRef,
// as Crossplane resolves it), or, for a selector, the resources'
// labels match it: the XRs the environment composes and their resources
// share the environment id label the selectors use.
func (a *Account) composedBy(kind string, sel map[string]any) []*Resource {
	name := ""
	if ref, ok := sel["resourceRef"].(map[string]any); ok {
		name, _ = ref["name"].(string)
	}
	rs, _ := sel["resourceSelector"].(map[string]any)
	ml := map[string]string{}
	if m, ok := rs["matchLabels"].(map[string]any); ok {
		for k, v := range m {
			ml[k], _ = v.(string)
		}
	}
	var out []*Resource
	for _, r := range a.res {
		c := metav1.GetControllerOf(r.Observed)
		if c == nil || c.Kind != kind || (name != "" && c.Name != name) {
			continue
		}
		if name == "" && !labels.SelectorFromSet(ml).Matches(labels.Set(r.Observed.GetLabels())) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Leftovers are the resources still in AWS, sorted.
func (a *Account) Leftovers() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, r := range a.res {
		switch {
		case r.inAWS():
			out = append(out, fmt.Sprintf("%s %s (%s)", r.Kind.Kind, r.ExternalName(), r.State))
		case r.recreatedBy != "":
			out = append(out, fmt.Sprintf("%s %s (re-created by RDS, no retention)", r.Kind.Kind, r.ExternalName()))
		}
	}
	sort.Strings(out)
	return out
}
