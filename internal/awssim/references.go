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

// The messages of crossplane-runtime v1.17.0 (pkg/reference/reference.go and
// pkg/reconciler/managed/api.go), the version provider-aws v1.23.0 builds on.
const (
	errNoMatches         = "no resources matched selector"
	errNoValue           = "referenced field was empty (referenced resource may not yet be ready)"
	errResolveReferences = "cannot resolve references"
)

// An extractor is the value a reference takes from its target, as the
// provider's generated resolvers (zz_generated.resolvers.go) extract it.
type extractor int

const (
	extExternalName  extractor = iota // reference.ExternalName()
	extID                             // resource.ExtractResourceID(), common.TerraformID(): status.atProvider.id
	extARN                            // common.ARNExtractor(): status.atProvider.arn
	extIdentifier                     // resource.ExtractParamPath("identifier", false)
	extClusterActive                  // eks ExternalNameIfClusterActive(): only once status.atProvider.status is ACTIVE
	extParamARN                       // resource.ExtractParamPath("arn", true): status.atProvider.arn
)

// A refField is one reference field of a kind: forProvider.<parent[]>.<Field>
// filled from <Field>Ref(s)/<Field>Selector. Read from provider-aws v1.23.0
// apis/<group>/<version>/zz_generated.resolvers.go for the kinds the package
// composes; TestReferenceTableMatchesProvider checks the table against those
// files in the module cache.
type refField struct {
	// goPath is the field as the resolver's error names it.
	goPath string
	parent string // list-of-objects parents, dot-separated (vpcConfig, rule.applyServerSideEncryptionByDefault), or ""
	field  string // JSON name of the id field (vpcId, subnetIds)
	multi  bool
	target schema.GroupKind
	ext    extractor
}

func gk(group, kind string) schema.GroupKind {
	return schema.GroupKind{Group: group + ".aws.upbound.io", Kind: kind}
}

var refTable = map[schema.GroupKind][]refField{
	gk("ec2", "Subnet"):                           {{goPath: "VPCID", field: "vpcId", target: gk("ec2", "VPC")}},
	gk("ec2", "InternetGateway"):                  {{goPath: "VPCID", field: "vpcId", target: gk("ec2", "VPC")}},
	gk("ec2", "RouteTable"):                       {{goPath: "VPCID", field: "vpcId", target: gk("ec2", "VPC")}},
	gk("ec2", "SecurityGroup"):                    {{goPath: "VPCID", field: "vpcId", target: gk("ec2", "VPC")}},
	gk("ec2", "VPCEndpoint"):                      {{goPath: "VPCID", field: "vpcId", target: gk("ec2", "VPC")}},
	gk("ec2", "NATGateway"):                       {{goPath: "AllocationID", field: "allocationId", target: gk("ec2", "EIP"), ext: extID}, {goPath: "SubnetID", field: "subnetId", target: gk("ec2", "Subnet")}},
	gk("ec2", "RouteTableAssociation"):            {{goPath: "GatewayID", field: "gatewayId", target: gk("ec2", "InternetGateway"), ext: extID}, {goPath: "RouteTableID", field: "routeTableId", target: gk("ec2", "RouteTable")}, {goPath: "SubnetID", field: "subnetId", target: gk("ec2", "Subnet")}},
	gk("ec2", "Route"):                            {{goPath: "GatewayID", field: "gatewayId", target: gk("ec2", "InternetGateway")}, {goPath: "NATGatewayID", field: "natGatewayId", target: gk("ec2", "NATGateway")}, {goPath: "RouteTableID", field: "routeTableId", target: gk("ec2", "RouteTable")}, {goPath: "VPCEndpointID", field: "vpcEndpointId", target: gk("ec2", "VPCEndpoint")}},
	gk("ec2", "SecurityGroupIngressRule"):         {{goPath: "ReferencedSecurityGroupID", field: "referencedSecurityGroupId", target: gk("ec2", "SecurityGroup")}, {goPath: "SecurityGroupID", field: "securityGroupId", target: gk("ec2", "SecurityGroup")}},
	gk("ec2", "SecurityGroupEgressRule"):          {{goPath: "ReferencedSecurityGroupID", field: "referencedSecurityGroupId", target: gk("ec2", "SecurityGroup")}, {goPath: "SecurityGroupID", field: "securityGroupId", target: gk("ec2", "SecurityGroup")}},
	gk("ec2", "VPCEndpointRouteTableAssociation"): {{goPath: "RouteTableID", field: "routeTableId", target: gk("ec2", "RouteTable"), ext: extID}, {goPath: "VPCEndpointID", field: "vpcEndpointId", target: gk("ec2", "VPCEndpoint"), ext: extID}},
	gk("ecr", "LifecyclePolicy"):                  {{goPath: "Repository", field: "repository", target: gk("ecr", "Repository")}},
	gk("eks", "Cluster"):                          {{goPath: "RoleArn", field: "roleArn", target: gk("iam", "Role"), ext: extARN}, {goPath: "VPCConfig[i3].SecurityGroupIds", parent: "vpcConfig", field: "securityGroupIds", multi: true, target: gk("ec2", "SecurityGroup")}, {goPath: "VPCConfig[i3].SubnetIds", parent: "vpcConfig", field: "subnetIds", multi: true, target: gk("ec2", "Subnet")}},
	gk("eks", "ClusterAuth"):                      {{goPath: "ClusterName", field: "clusterName", target: gk("eks", "Cluster"), ext: extClusterActive}},
	gk("eks", "NodeGroup"):                        {{goPath: "ClusterName", field: "clusterName", target: gk("eks", "Cluster"), ext: extClusterActive}, {goPath: "NodeRoleArn", field: "nodeRoleArn", target: gk("iam", "Role"), ext: extARN}, {goPath: "SubnetIds", field: "subnetIds", multi: true, target: gk("ec2", "Subnet")}},
	gk("eks", "Addon"):                            {{goPath: "ClusterName", field: "clusterName", target: gk("eks", "Cluster")}, {goPath: "ServiceAccountRoleArn", field: "serviceAccountRoleArn", target: gk("iam", "Role"), ext: extARN}},
	gk("eks", "AccessEntry"):                      {{goPath: "ClusterName", field: "clusterName", target: gk("eks", "Cluster"), ext: extID}, {goPath: "PrincipalArn", field: "principalArn", target: gk("iam", "Role"), ext: extARN}},
	gk("eks", "AccessPolicyAssociation"):          {{goPath: "ClusterName", field: "clusterName", target: gk("eks", "Cluster"), ext: extID}},
	gk("iam", "RolePolicy"):                       {{goPath: "Role", field: "role", target: gk("iam", "Role"), ext: extID}},
	gk("iam", "RolePolicyAttachment"):             {{goPath: "PolicyArn", field: "policyArn", target: gk("iam", "Policy"), ext: extARN}, {goPath: "Role", field: "role", target: gk("iam", "Role")}},
	gk("rds", "SubnetGroup"):                      {{goPath: "SubnetIds", field: "subnetIds", multi: true, target: gk("ec2", "Subnet")}},
	gk("rds", "Instance"):                         {{goPath: "DBSubnetGroupName", field: "dbSubnetGroupName", target: gk("rds", "SubnetGroup")}, {goPath: "KMSKeyID", field: "kmsKeyId", target: gk("kms", "Key"), ext: extARN}, {goPath: "MonitoringRoleArn", field: "monitoringRoleArn", target: gk("iam", "Role"), ext: extARN}, {goPath: "ParameterGroupName", field: "parameterGroupName", target: gk("rds", "ParameterGroup")}, {goPath: "ReplicateSourceDB", field: "replicateSourceDb", target: gk("rds", "Instance"), ext: extIdentifier}, {goPath: "VPCSecurityGroupIds", field: "vpcSecurityGroupIds", multi: true, target: gk("ec2", "SecurityGroup")}},
}

func init() { // The S3 bucket settings kinds all reference their bucket by id.
	for _, k := range []string{"BucketVersioning", "BucketServerSideEncryptionConfiguration", "BucketPublicAccessBlock",
		"BucketOwnershipControls", "BucketPolicy", "BucketLifecycleConfiguration"} {
		refTable[gk("s3", k)] = []refField{{goPath: "Bucket", field: "bucket", target: gk("s3", "Bucket"), ext: extID}}
	}
	// SSE-KMS default encryption names its key by ARN.
	sse := gk("s3", "BucketServerSideEncryptionConfiguration")
	refTable[sse] = append(refTable[sse], refField{
		goPath: "Rule[i3].ApplyServerSideEncryptionByDefault[i4].KMSMasterKeyID", parent: "rule.applyServerSideEncryptionByDefault",
		field: "kmsMasterKeyId", target: gk("kms", "Key"), ext: extParamARN,
	})
}

// A resolvedRef is an edge from a resource to the AWS resource one of its
// fields names: what later rules (EC2 ranges, dependencies at deletion) read.
type resolvedRef struct {
	field  string // JSON name of the id field
	target string // key of the target in the account
	value  string
}

// singular is the stem of the Ref/Selector fields: subnetIds -> subnetId.
func singular(f refField) string {
	if f.multi {
		return strings.TrimSuffix(f.field, "s")
	}
	return f.field
}

// resolve fills the id fields of spec.forProvider from the references and
// selectors, as the provider's generated ResolveReferences does before every
// create or update. It returns the edges, or the provider's error message.
func (a *Account) resolve(u *unstructured.Unstructured) ([]resolvedRef, error) {
	fields := refTable[u.GroupVersionKind().GroupKind()]
	var out []resolvedRef
	fp, _, _ := unstructured.NestedMap(u.Object, "spec", "forProvider")
	if fp == nil {
		return nil, nil
	}
	for _, f := range fields {
		for _, obj := range within(fp, f.parent) {
			refs, err := a.resolveField(u, obj, f)
			if err != nil {
				return nil, fmt.Errorf("%s: mg.Spec.ForProvider.%s: %w", errResolveReferences, f.goPath, err)
			}
			out = append(out, refs...)
		}
	}
	// Resolved values are written back, as the provider patches them.
	_ = unstructured.SetNestedMap(u.Object, fp, "spec", "forProvider")
	return out, nil
}

// within lists the objects a parent path (lists of objects, dot-separated)
// leads to from forProvider; an empty path is forProvider itself.
func within(fp map[string]any, parent string) []map[string]any {
	objs := []map[string]any{fp}
	if parent == "" {
		return objs
	}
	for _, step := range strings.Split(parent, ".") {
		var next []map[string]any
		for _, o := range objs {
			list, _ := o[step].([]any)
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					next = append(next, m)
				}
			}
		}
		objs = next
	}
	return objs
}

// resolveField resolves one field of obj (a map inside u's forProvider) in place.
func (a *Account) resolveField(from *unstructured.Unstructured, obj map[string]any, f refField) ([]resolvedRef, error) {
	stem := singular(f)
	sel, hasSel := obj[stem+"Selector"].(map[string]any)
	var refNames []string
	if f.multi {
		if rs, ok := obj[stem+"Refs"].([]any); ok {
			for _, r := range rs {
				if m, ok := r.(map[string]any); ok {
					n, _ := m["name"].(string)
					refNames = append(refNames, n)
				}
			}
		}
	} else if r, ok := obj[stem+"Ref"].(map[string]any); ok {
		n, _ := r["name"].(string)
		refNames = append(refNames, n)
	}

	// With resolve: Always on the selector (or, without one, on the
	// reference), the value is resolved again, and a selector's earlier
	// reference is dropped (crossplane-runtime v1.17.0 IsNoOp).
	always := resolveAlways(sel)
	if hasSel && always {
		refNames = nil
	} else if !hasSel && !f.multi {
		r, _ := obj[stem+"Ref"].(map[string]any)
		always = resolveAlways(r)
	}
	// A value already set is kept (the resolver caches it), but the edge is
	// still recorded so the dependency rules see it.
	if cur := currentValues(obj[f.field]); len(cur) > 0 && !always {
		var out []resolvedRef
		for _, v := range cur {
			out = append(out, resolvedRef{field: f.field, target: a.findByValue(f, v), value: v})
		}
		return out, nil
	}
	if !hasSel && len(refNames) == 0 {
		return nil, nil
	}

	var targets []*Resource
	switch {
	case len(refNames) > 0 && !(hasSel && f.multi):
		for _, n := range refNames {
			t := a.res[key(f.target, n)]
			if t == nil {
				return nil, fmt.Errorf("cannot get referenced resource: %s.%s %q not found", strings.ToLower(f.target.Kind), f.target.Group, n)
			}
			targets = append(targets, t)
		}
	default:
		targets = a.selectTargets(from, f.target, sel, f.multi)
		if len(targets) == 0 {
			return nil, fmt.Errorf("%s", errNoMatches)
		}
	}
	var out []resolvedRef
	var values []any
	var refs []any
	for _, t := range targets {
		v := extract(t, f.ext)
		if v == "" {
			return nil, fmt.Errorf("%s", errNoValue)
		}
		out = append(out, resolvedRef{field: f.field, target: t.key, value: v})
		values = append(values, v)
		refs = append(refs, map[string]any{"name": t.Name})
	}
	if f.multi {
		obj[f.field] = values
		obj[stem+"Refs"] = refs
	} else {
		obj[f.field] = values[0]
		obj[stem+"Ref"] = refs[0]
	}
	return out, nil
}

// resolveAlways reports whether a selector or reference carries
// policy.resolve: Always.
func resolveAlways(selOrRef map[string]any) bool {
	p, _, _ := unstructured.NestedString(selOrRef, "policy", "resolve")
	return p == "Always"
}

// cached carries the values the provider resolved on an earlier reconcile
// into u (desired without them): the provider writes them into the managed
// resource's spec, and applying the desired state leaves fields it does not
// set alone, so crossplane-runtime finds the field set and does not resolve
// it again unless the policy says Always. Only top-level fields: list
// parents (vpcConfig) are replaced whole.
func cached(prev, u *unstructured.Unstructured) {
	if prev == nil {
		return
	}
	fields := refTable[u.GroupVersionKind().GroupKind()]
	old, _, _ := unstructured.NestedMap(prev.Object, "spec", "forProvider")
	cur, _, _ := unstructured.NestedMap(u.Object, "spec", "forProvider")
	if old == nil || cur == nil {
		return
	}
	for _, f := range fields {
		if f.parent != "" || len(currentValues(cur[f.field])) > 0 || len(currentValues(old[f.field])) == 0 {
			continue
		}
		stem := singular(f)
		cur[f.field] = old[f.field]
		for _, k := range []string{stem + "Ref", stem + "Refs"} {
			if v, ok := old[k]; ok {
				if _, set := cur[k]; !set {
					cur[k] = v
				}
			}
		}
	}
	_ = unstructured.SetNestedMap(u.Object, cur, "spec", "forProvider")
}

func currentValues(v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// selectTargets lists the target kind by labels (sorted by name, as the API
// server lists) and keeps those with the same controller when the selector
// says matchControllerRef. A single reference takes the first match.
func (a *Account) selectTargets(from *unstructured.Unstructured, target schema.GroupKind, sel map[string]any, multi bool) []*Resource {
	ml := map[string]string{}
	if m, ok := sel["matchLabels"].(map[string]any); ok {
		for k, v := range m {
			s, _ := v.(string)
			ml[k] = s
		}
	}
	mcr, _ := sel["matchControllerRef"].(bool)
	selector := labels.SelectorFromSet(ml)
	var names []string
	for k, r := range a.res {
		if r.Kind != target || r.gone() {
			continue
		}
		_ = k
		if !selector.Matches(labels.Set(r.Observed.GetLabels())) {
			continue
		}
		if mcr && !sameController(from, r.Observed) {
			continue
		}
		names = append(names, r.Name)
	}
	sort.Strings(names)
	var out []*Resource
	for _, n := range names {
		out = append(out, a.res[key(target, n)])
		if !multi {
			break
		}
	}
	return out
}

// sameController is crossplane-runtime's meta.HaveSameController: both have
// a controller reference and it is the same (by UID).
func sameController(a, b metav1.Object) bool {
	ca, cb := metav1.GetControllerOf(a), metav1.GetControllerOf(b)
	if ca == nil || cb == nil {
		return false
	}
	// Rendered objects carry empty UIDs; the controller's kind and name then
	// identify it.
	if ca.UID != "" || cb.UID != "" {
		return ca.UID == cb.UID
	}
	return ca.Kind == cb.Kind && ca.Name == cb.Name
}

func extract(t *Resource, e extractor) string {
	u := t.Observed
	avail := t.State == StateAvailable || t.State == StateOrphaned
	at := func(f string) string {
		if !avail {
			return "" // Nothing observed yet: the provider has not written status.
		}
		s, _, _ := unstructured.NestedString(u.Object, "status", "atProvider", f)
		return s
	}
	switch e {
	case extID:
		return at("id")
	case extARN, extParamARN:
		return at("arn")
	case extIdentifier:
		s, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "identifier")
		return s
	case extClusterActive:
		if at("status") != "ACTIVE" {
			return ""
		}
	}
	// An id AWS chooses (vpc-...) exists only once created; a name the
	// composition chose is known from the start.
	if !avail && !t.userNamed {
		return ""
	}
	return u.GetAnnotations()[AnnotationExternalName]
}

// findByValue finds the account resource a literal id names, for edges of
// values set without a reference.
func (a *Account) findByValue(f refField, v string) string {
	for k, r := range a.res {
		if r.Kind == f.target && !r.gone() && extract(r, f.ext) == v {
			return k
		}
	}
	return ""
}
