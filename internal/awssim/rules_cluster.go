package awssim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The in-cluster rules: what happens on the EKS cluster once
// provider-kubernetes has applied an Object or provider-helm a Release.
// Pods only run when their images can be pulled; an Ingress only gets an
// ALB when the AWS Load Balancer Controller runs with the IAM actions it
// needs and finds tagged public subnets; a volume claim only binds when its
// StorageClass exists; a release that waits on pods its own post-install
// hook gates times out.

var (
	kindObject  = schema.GroupKind{Group: "kubernetes.crossplane.io", Kind: "Object"}
	kindRelease = schema.GroupKind{Group: "helm.crossplane.io", Kind: "Release"}
	// kindLoadBalancer is what the LB controller creates in AWS for an
	// Ingress; no managed resource stands for it.
	kindLoadBalancer = schema.GroupKind{Group: "elasticloadbalancing.simulated", Kind: "LoadBalancer"}
)

// Names the cluster rules look for.
const (
	// LBControllerChart is the chart (and the facts.IAM controller key) of
	// the AWS Load Balancer Controller.
	LBControllerChart = "aws-load-balancer-controller"
	// ELBSubnetTag marks the public subnets the LB controller may use.
	ELBSubnetTag      = "kubernetes.io/role/elb"
	ebsCSIAddon       = "aws-ebs-csi-driver"
	defaultClassAnnot = "storageclass.kubernetes.io/is-default-class"
	irsaAnnotation    = "eks.amazonaws.com/role-arn"
)

func init() { // Rule registration.
	onWait(kindObject, objectReady)
	onWait(kindRelease, releaseVolumes)
	onWait(kindRelease, releaseHookDeadlock)
}

// An ImageRegistry says whether an image can be pulled.
type ImageRegistry interface {
	Has(image string) bool
}

// FailingJobs is a registry that also knows which images' Jobs fail
// (SIMULATED: a real registry cannot say that; the e2e marks such an image
// with the label JobFailsLabel, whose value is the failure). A Job of such
// an image ends Failed (BackoffLimitExceeded), as a migration that errors
// on every retry does.
type FailingJobs interface {
	JobFails(image string) string
}

// JobFailsLabel is the image label a simulated failing Job's image carries.
const JobFailsLabel = "simulate.gokinjo.io/job-fails"

// jobFailed starts the message of a Job the simulator failed: Kubernetes'
// own message for a Job out of retries.
const jobFailed = "Job has reached the specified backoff limit"

// Images is a registry the test fills: pushed references, plus every
// image outside ECR when TrustPublic is set (the simulator does not model
// public registries).
type Images struct {
	TrustPublic bool
	pushed      map[string]bool
}

// Push records images as present.
func (i *Images) Push(refs ...string) {
	if i.pushed == nil {
		i.pushed = map[string]bool{}
	}
	for _, r := range refs {
		i.pushed[normalizeImage(r)] = true
	}
}

// Has implements ImageRegistry.
func (i *Images) Has(ref string) bool {
	if i.pushed[normalizeImage(ref)] {
		return true
	}
	return i.TrustPublic && !IsECR(ref)
}

var ecrHost = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/`)

// IsECR reports whether an image lives in a private ECR registry.
func IsECR(ref string) bool { return ecrHost.MatchString(ref) }

// normalizeImage adds the tag a runtime assumes (latest).
func normalizeImage(ref string) string {
	if strings.Contains(ref, "@") {
		return ref
	}
	slash := strings.LastIndex(ref, "/")
	if !strings.Contains(ref[slash+1:], ":") {
		return ref + ":latest"
	}
	return ref
}

func (a *Account) images() ImageRegistry {
	if a.Images == nil {
		return &Images{TrustPublic: true}
	}
	return a.Images
}

func manifest(u *unstructured.Unstructured) *unstructured.Unstructured {
	m, ok, _ := unstructured.NestedMap(u.Object, "spec", "forProvider", "manifest")
	if !ok {
		return nil
	}
	return &unstructured.Unstructured{Object: m}
}

// objectReady is the rule of each manifest kind.
func objectReady(a *Account, r *Resource) (string, *AWSError) {
	m := manifest(r.Observed)
	if m == nil {
		return "", nil
	}
	switch m.GetKind() {
	case "Deployment", "StatefulSet", "DaemonSet", "Job":
		for _, img := range podImages(m) {
			if !a.images().Has(img) {
				return fmt.Sprintf("%s %s/%s: Back-off pulling image %q: ErrImagePull: not found", m.GetKind(), m.GetNamespace(), m.GetName(), img),
					awsErr("cluster-images", "PullImage", "ErrImagePull", "image %q is not in the registry (%s %s/%s never becomes %s)", img, m.GetKind(), m.GetNamespace(), m.GetName(), successOf(m.GetKind()))
			}
		}
		if fj, ok := a.images().(FailingJobs); ok && m.GetKind() == "Job" {
			for _, img := range podImages(m) {
				if why := fj.JobFails(img); why != "" {
					return fmt.Sprintf("%s: %s", jobFailed, why),
						awsErr("cluster-job", "RunJob", "BackoffLimitExceeded", "Job %s/%s (image %q) fails: %s", m.GetNamespace(), m.GetName(), img, why)
				}
			}
		}
		if m.GetKind() == "StatefulSet" {
			tpls, _, _ := unstructured.NestedSlice(m.Object, "spec", "volumeClaimTemplates")
			for _, t := range tpls {
				tm, _ := t.(map[string]any)
				sc, _, _ := unstructured.NestedString(tm, "spec", "storageClassName")
				if msg, e := a.volumeBinds(r, sc, m.GetNamespace()+"/"+m.GetName()); msg != "" {
					return msg, e
				}
			}
		}
	case "PersistentVolumeClaim":
		sc, _, _ := unstructured.NestedString(m.Object, "spec", "storageClassName")
		return a.volumeBinds(r, sc, m.GetNamespace()+"/"+m.GetName())
	case "Ingress":
		return a.ingressAddress(r, m)
	}
	return "", nil
}

func successOf(kind string) string {
	if kind == "Job" {
		return "Complete"
	}
	return "Available"
}

func podImages(m *unstructured.Unstructured) []string {
	var out []string
	for _, f := range []string{"initContainers", "containers"} {
		cs, _, _ := unstructured.NestedSlice(m.Object, "spec", "template", "spec", f)
		for _, c := range cs {
			if cm, ok := c.(map[string]any); ok {
				if img, _ := cm["image"].(string); img != "" {
					out = append(out, img)
				}
			}
		}
	}
	return out
}

// volumeBinds: a claim binds when its named StorageClass exists, or, with
// no name, when the cluster has a default StorageClass.
func (a *Account) volumeBinds(r *Resource, class, claim string) (string, *AWSError) {
	classes, def := a.storageClasses(r)
	if class == "" {
		if def != "" {
			return "", nil
		}
		return fmt.Sprintf("PersistentVolumeClaim %s is Pending: no persistent volumes available for this claim and no storage class is set", claim),
			awsErr("cluster-storageclass", "ProvisionVolume", "ProvisioningFailed", "claim %s names no StorageClass and the cluster has no default one", claim)
	}
	if classes[class] {
		return "", nil
	}
	return fmt.Sprintf("PersistentVolumeClaim %s is Pending: storageclass.storage.k8s.io %q not found", claim, class),
		awsErr("cluster-storageclass", "ProvisionVolume", "ProvisioningFailed", "claim %s names StorageClass %q, which does not exist", claim, class)
}

// storageClasses of the environment's cluster: composed StorageClass
// objects, and the default class the EBS CSI add-on creates when its
// configuration asks for it (facts.EKS.DefaultStorageClass). EKS 1.30 and
// later have no default class of their own.
func (a *Account) storageClasses(r *Resource) (map[string]bool, string) {
	classes := map[string]bool{}
	def := ""
	for _, o := range a.sameEnv(r, kindObject) {
		m := manifest(o.Observed)
		if m == nil || m.GetKind() != "StorageClass" || o.State != StateAvailable {
			continue
		}
		classes[m.GetName()] = true
		if m.GetAnnotations()[defaultClassAnnot] == "true" {
			def = m.GetName()
		}
	}
	for _, ad := range a.sameEnv(r, gk("eks", "Addon")) {
		if fp(ad.Observed, "addonName") != ebsCSIAddon || ad.State != StateAvailable {
			continue
		}
		var cfg struct {
			DefaultStorageClass struct {
				Enabled bool `json:"enabled"`
			} `json:"defaultStorageClass"`
		}
		if json.Unmarshal([]byte(fp(ad.Observed, "configurationValues")), &cfg) == nil && cfg.DefaultStorageClass.Enabled {
			classes[a.Facts.EKS.DefaultStorageClass] = true
			def = a.Facts.EKS.DefaultStorageClass
		}
	}
	for _, c := range a.sameEnv(r, gk("eks", "Cluster")) {
		if v := fp(c.Observed, "version"); v != "" && minor(v) < 30 {
			classes["gp2"] = true
			if def == "" {
				def = "gp2"
			}
		}
	}
	return classes, def
}

// ingressAddress: the LB controller must run (its release deployed), its
// IRSA role must allow every action facts.IAM lists for it, and public
// subnets tagged for ELB must exist in two zones. Then the ALB exists in
// AWS, in those subnets, until the controller deletes it.
func (a *Account) ingressAddress(r *Resource, ing *unstructured.Unstructured) (string, *AWSError) {
	id := ing.GetNamespace() + "/" + ing.GetName()
	var ctrl *Resource
	for _, rel := range a.sameEnv(r, kindRelease) {
		if chartName(rel.Observed) == LBControllerChart {
			ctrl = rel
		}
	}
	if ctrl == nil || ctrl.State != StateAvailable {
		return fmt.Sprintf("Ingress %s has no address: the AWS Load Balancer Controller is not running", id),
			awsErr("cluster-ingress", "CreateLoadBalancer", "ControllerNotRunning", "Ingress %s: no deployed %s release in its cluster", id, LBControllerChart)
	}
	if missing := a.lbControllerMissing(ctrl); len(missing) > 0 {
		return fmt.Sprintf("Ingress %s: Failed deploy model due to AccessDenied: not authorized to perform: %s", id, missing[0]),
			awsErr("cluster-ingress-iam", missing[0], "AccessDenied", "the LB controller's IRSA role does not allow %s", strings.Join(missing, ", "))
	}
	var subnets []*Resource
	zones := map[string]bool{}
	for _, s := range a.sameEnv(r, gk("ec2", "Subnet")) {
		if s.State != StateAvailable {
			continue
		}
		tags, _, _ := unstructured.NestedStringMap(s.Observed.Object, "spec", "forProvider", "tags")
		if tags[ELBSubnetTag] == "1" || tags[ELBSubnetTag] == "" && hasKey(tags, ELBSubnetTag) {
			subnets = append(subnets, s)
			zones[fp(s.Observed, "availabilityZone")] = true
		}
	}
	if len(subnets) == 0 {
		return fmt.Sprintf("Ingress %s: couldn't auto-discover subnets: unable to resolve at least one subnet (0 match VPC and tags: [%s])", id, ELBSubnetTag),
			awsErr("cluster-ingress-subnets", "CreateLoadBalancer", "SubnetNotFound", "no subnet of the environment carries the tag %s=1", ELBSubnetTag)
	}
	if len(zones) < 2 {
		return fmt.Sprintf("Ingress %s: At least two subnets in two different Availability Zones must be specified", id),
			awsErr("cluster-ingress-subnets", "CreateLoadBalancer", "ValidationError", "At least two subnets in two different Availability Zones must be specified")
	}
	a.ensureLoadBalancer(r, ing, subnets)
	return "", nil
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// ensureLoadBalancer records the ALB the controller created for an Ingress.
func (a *Account) ensureLoadBalancer(obj *Resource, ing *unstructured.Unstructured, subnets []*Resource) {
	k := key(kindLoadBalancer, obj.Name)
	if lb := a.res[k]; lb != nil && lb.State == StateAvailable {
		return
	}
	lb := &unstructured.Unstructured{}
	lb.SetName(obj.Name)
	lb.SetLabels(obj.Observed.GetLabels())
	setAnnotation(lb, AnnotationExternalName, "k8s-"+trim(ing.GetNamespace(), 8)+"-"+trim(ing.GetName(), 8)+"-"+Hash("alb/" + ing.GetNamespace() + "/" + ing.GetName())[:10])
	res := &Resource{key: k, Kind: kindLoadBalancer, Name: obj.Name, Observed: lb, State: StateAvailable, Created: a.now()}
	for _, s := range subnets {
		res.Refs = append(res.Refs, resolvedRef{field: "subnets", target: s.key, value: s.ExternalName()})
		if vpc := a.refTarget(s, "vpcId"); vpc != nil && len(res.Refs) == 1 {
			res.Refs = append(res.Refs, resolvedRef{field: "vpcId", target: vpc.key, value: vpc.ExternalName()})
		}
	}
	a.res[k] = res
}

func setAnnotation(u *unstructured.Unstructured, k, v string) {
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[k] = v
	u.SetAnnotations(ann)
}

func chartName(u *unstructured.Unstructured) string {
	s, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "chart", "name")
	return s
}

// lbControllerMissing lists the actions of facts.IAM's LB controller
// policy that the controller's IRSA role does not allow.
func (a *Account) lbControllerMissing(ctrl *Resource) []string {
	need := a.Facts.IAM.Controllers[LBControllerChart].Actions
	arn := chartValue(a, ctrl.Observed, "serviceAccount.annotations."+strings.ReplaceAll(irsaAnnotation, ".", `\.`))
	roleArn, _ := arn.(string)
	allowed, found := a.roleActions(roleArn)
	if !found {
		return []string{"sts:AssumeRoleWithWebIdentity (no IAM role " + roleArn + ")"}
	}
	var missing []string
	for _, act := range need {
		if !allows(allowed, act) {
			missing = append(missing, act)
		}
	}
	return missing
}

// roleActions are the actions the Allow statements of a role's inline and
// attached customer-managed policies name (conditions and resources are not
// evaluated).
func (a *Account) roleActions(roleArn string) ([]string, bool) {
	docs, found := a.rolePolicies(roleArn)
	if !found {
		return nil, false
	}
	var out []string
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect == "Allow" {
				out = append(out, s.Action...)
			}
		}
	}
	sort.Strings(out)
	return out, true
}

// rolePolicies are the documents of a live role's available inline and
// attached customer-managed policies; false if no such role exists.
func (a *Account) rolePolicies(roleArn string) ([]policyDoc, bool) {
	var role *Resource
	for _, r := range a.res {
		if r.Kind == gk("iam", "Role") && r.State == StateAvailable && at(r.Observed, "arn") == roleArn {
			role = r
		}
	}
	if role == nil {
		return nil, false
	}
	var docs []policyDoc
	add := func(src string) {
		var d policyDoc
		if json.Unmarshal([]byte(src), &d) == nil {
			docs = append(docs, d)
		}
	}
	for _, u := range a.users(role) {
		switch u.Kind {
		case gk("iam", "RolePolicy"):
			if u.State == StateAvailable {
				add(fp(u.Observed, "policy"))
			}
		case gk("iam", "RolePolicyAttachment"):
			if p := a.refTarget(u, "policyArn"); p != nil && p.State == StateAvailable && u.State == StateAvailable {
				add(fp(p.Observed, "policy"))
			}
		}
	}
	return docs, true
}

// allows matches an action against IAM action patterns (case-insensitive,
// * and ? wildcards).
func allows(patterns []string, action string) bool { return globMatch(patterns, action, true) }

func at(u *unstructured.Unstructured, f string) string {
	s, _, _ := unstructured.NestedString(u.Object, "status", "atProvider", f)
	return s
}

// chartValue is a release's effective value at a dotted path: the
// release's values (and plain set entries), else the chart default
// facts.Charts records. A `\.` keeps a dot inside a key.
func chartValue(a *Account, rel *unstructured.Unstructured, path string) any {
	parts := splitPath(path)
	if sets, ok, _ := unstructured.NestedSlice(rel.Object, "spec", "forProvider", "set"); ok {
		for _, s := range sets {
			if m, ok := s.(map[string]any); ok && m["name"] == path {
				if v, ok := m["value"]; ok {
					return v
				}
			}
		}
	}
	if v, ok, _ := unstructured.NestedFieldNoCopy(rel.Object, append([]string{"spec", "forProvider", "values"}, parts...)...); ok {
		return v
	}
	name := chartName(rel)
	for k, c := range a.Facts.Charts.Charts {
		if k == name || c.Chart == name {
			c = c.At(fp(rel, "chart", "version")) // A chart pinned per minor: that version's defaults.
			if v, ok := c.Defaults[strings.ReplaceAll(path, `\.`, ".")]; ok {
				return v
			}
			if v, ok := c.Defaults[path]; ok {
				return v
			}
		}
	}
	return nil
}

func splitPath(p string) []string {
	const dot = "\x00"
	p = strings.ReplaceAll(p, `\.`, dot)
	parts := strings.Split(p, ".")
	for i := range parts {
		parts[i] = strings.ReplaceAll(parts[i], dot, ".")
	}
	return parts
}

// chartVolumes are the volume claims a chart creates, by values path: a
// volumeClaimTemplate (present = enabled) or a persistence block. Read from
// the charts' values.yaml; which ones are on by default is a chart default
// (facts.Charts) unless the release sets it. statefulSet: the claim comes
// from a StatefulSet's volumeClaimTemplates (made by the chart, or by the
// Prometheus operator from the chart's Prometheus and Alertmanager), so
// helm uninstall leaves it unless the value at whenDeleted is Delete (""
// when the chart offers no such value).
//
//   - kube-prometheus-stack 88.5.3 (values.yaml): prometheusSpec.storageSpec
//     and alertmanagerSpec.storage become the operator's StatefulSet
//     volumeClaimTemplate; their persistentVolumeClaimRetentionPolicy is {}.
//     Grafana 12.11.1 (grafana-community/helm-charts templates/pvc.yaml)
//     makes a plain PersistentVolumeClaim (persistence.type pvc,
//     useStatefulSet false, no resource-policy keep).
//   - airflow (chart templates/triggerer/triggerer-deployment.yaml): the
//     triggerer is a StatefulSet with a logs volumeClaimTemplate when
//     triggerer.persistence.enabled, with no retention value. Workers are a
//     StatefulSet only with a Celery executor, redis and postgresql are
//     off in the release: none of them makes a claim here.
var chartVolumes = map[string][]chartVolume{
	"kube-prometheus-stack": {
		{template: "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate", statefulSet: true,
			whenDeleted: "prometheus.prometheusSpec.persistentVolumeClaimRetentionPolicy.whenDeleted"},
		{template: "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate", statefulSet: true,
			whenDeleted: "alertmanager.alertmanagerSpec.persistentVolumeClaimRetentionPolicy.whenDeleted"},
		{enabled: "grafana.persistence.enabled", class: "grafana.persistence.storageClassName"},
	},
	"airflow": {
		{enabled: "triggerer.persistence.enabled", class: "triggerer.persistence.storageClassName", statefulSet: true},
	},
}

// A chartVolume is one volume claim a chart can make (chartVolumes).
type chartVolume struct {
	template, enabled, class string
	statefulSet              bool
	whenDeleted              string
}

// A claim is a volume claim a chart creates: what names it in messages,
// its StorageClass ("" for the default), and whether helm uninstall leaves
// it (a StatefulSet claim without whenDeleted: Delete).
type claim struct {
	what, class string
	kept        bool
}

// releaseClaims are the volume claims a release's chart creates.
func releaseClaims(a *Account, rel *unstructured.Unstructured) []claim {
	var out []claim
	for _, v := range chartVolumes[chartName(rel)] {
		class := ""
		switch {
		case v.template != "":
			t, ok := chartValue(a, rel, v.template).(map[string]any)
			if !ok {
				continue
			}
			class, _, _ = unstructured.NestedString(t, "spec", "storageClassName")
		default:
			if on, _ := chartValue(a, rel, v.enabled).(bool); !on {
				continue
			}
			class, _ = chartValue(a, rel, v.class).(string)
		}
		kept := v.statefulSet
		if v.whenDeleted != "" {
			policy, _ := chartValue(a, rel, v.whenDeleted).(string)
			kept = kept && policy != retentionDelete
		}
		out = append(out, claim{what: chartName(rel) + " " + strings.SplitN(firstNonEmpty(v.template, v.enabled), ".", 2)[0], class: class, kept: kept})
	}
	return out
}

// releaseVolumes: a waiting release only deploys when its claims bind.
func releaseVolumes(a *Account, r *Resource) (string, *AWSError) {
	for _, c := range releaseClaims(a, r.Observed) {
		if msg, e := a.volumeBinds(r, c.class, c.what); msg != "" {
			return a.helmTimeout(r, msg, e)
		}
	}
	return "", nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// hookGates are charts whose pods wait for a job the chart runs as a Helm
// post-install hook when the value at the path is true: with wait, Helm
// waits for the pods before it runs the hook, so the install times out.
var hookGates = map[string]struct{ hooks, enabled string }{
	"airflow": {hooks: "migrateDatabaseJob.useHelmHooks", enabled: "migrateDatabaseJob.enabled"},
}

func releaseHookDeadlock(a *Account, r *Resource) (string, *AWSError) {
	rel := r.Observed
	g, ok := hookGates[chartName(rel)]
	if !ok {
		return "", nil
	}
	wait, _, _ := unstructured.NestedBool(rel.Object, "spec", "forProvider", "wait")
	hooks, _ := chartValue(a, rel, g.hooks).(bool)
	if on, ok := chartValue(a, rel, g.enabled).(bool); ok && !on {
		return "", nil
	}
	if !wait || !hooks {
		return "", nil
	}
	msg := fmt.Sprintf("release %s: the pods wait for the %s job, which %s=true runs as a post-install hook only after Helm's wait", chartName(rel), strings.Split(g.hooks, ".")[0], g.hooks)
	return a.helmTimeout(r, msg, awsErr("cluster-helm-hook", "InstallRelease", "Timeout", "%s", msg))
}

// helmTimeout: a waiting release fails once its wait timeout is over.
func (a *Account) helmTimeout(r *Resource, why string, e *AWSError) (string, *AWSError) {
	if wait, _, _ := unstructured.NestedBool(r.Observed.Object, "spec", "forProvider", "wait"); !wait {
		return why, e
	}
	timeout, err := time.ParseDuration(fp(r.Observed, "waitTimeout"))
	if err != nil {
		timeout = 5 * time.Minute // Helm's default.
	}
	scaled := time.Duration(float64(timeout) * a.Delays.Scale)
	if a.now().Before(r.Created.Add(scaled)) {
		return "helm install waiting: " + why, e
	}
	return "failed to install release: timed out waiting for the condition (" + why + ")", e
}

// stalled writes what the cluster reports for a resource a wait rule
// holds: the manifest's status without success, a release not deployed.
func (a *Account) stalled(r *Resource) {
	switch r.Kind {
	case kindObject:
		m, ok, _ := unstructured.NestedMap(r.Observed.Object, observedManifest...)
		if !ok {
			return
		}
		cond := map[string]any{"status": "False", "lastTransitionTime": TransitionTime, "message": r.Message}
		switch m["kind"] {
		case "Deployment":
			cond["type"], cond["reason"] = "Available", "MinimumReplicasUnavailable"
			m["status"] = map[string]any{"observedGeneration": int64(1), "replicas": int64(1), "unavailableReplicas": int64(1), "conditions": []any{cond}}
		case "Job":
			m["status"] = map[string]any{"active": int64(1), "startTime": TransitionTime}
			if strings.HasPrefix(r.Message, jobFailed) {
				cond["type"], cond["status"], cond["reason"] = "Failed", "True", "BackoffLimitExceeded"
				m["status"] = map[string]any{"failed": int64(5), "startTime": TransitionTime, "conditions": []any{cond}}
			}
		case "PersistentVolumeClaim":
			m["status"] = map[string]any{"phase": "Pending"}
		default:
			delete(m, "status")
		}
		_ = unstructured.SetNestedMap(r.Observed.Object, m, observedManifest...)
	case kindRelease:
		state := "pending-install"
		if strings.HasPrefix(r.Message, "failed") {
			state = "failed"
		}
		_ = unstructured.SetNestedField(r.Observed.Object, state, "status", "atProvider", "state")
		_ = unstructured.SetNestedField(r.Observed.Object, r.Message, "status", "atProvider", "releaseDescription")
	}
}

// ReleasedImages is the registry as the release leaves it: the app images
// pushed at Version into every ECR repository of the account that exists,
// plus every image outside ECR (public registries are not modelled). An
// image at another tag, or in a repository nobody created, is missing.
type ReleasedImages struct {
	Account *Account
	Version string
}

// Has implements ImageRegistry.
func (ri ReleasedImages) Has(ref string) bool {
	if !IsECR(ref) {
		return true
	}
	ref = normalizeImage(ref)
	i := strings.LastIndex(ref, ":")
	repo, tag := ref[:i], ref[i+1:]
	if tag != ri.Version {
		return false
	}
	for _, r := range ri.Account.res {
		if r.Kind == gk("ecr", "Repository") && r.State == StateAvailable && at(r.Observed, "repositoryUrl") == repo {
			return true
		}
	}
	return false
}
