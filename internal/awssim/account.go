package awssim

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// State is where a simulated resource is in its life.
type State string

// The states of a simulated resource.
const (
	// StateUnresolved: a reference did not resolve; nothing was sent to AWS.
	StateUnresolved State = "Unresolved"
	// StateFailed: AWS refused the create (or the update).
	StateFailed State = "Failed"
	// StateCreating: AWS accepted it and is still working (or it waits on
	// something, like a read replica on its source).
	StateCreating State = "Creating"
	// StateAvailable: it exists and is usable.
	StateAvailable State = "Available"
	// StateOrphaned: its managed resource was deleted with deletionPolicy
	// Orphan; it stays in AWS.
	StateOrphaned State = "Orphaned"
	// StateDeleted: gone from AWS.
	StateDeleted State = "Deleted"
)

// A Cloud is what every simulated account shares: the global S3 bucket
// namespace.
type Cloud struct {
	mu      sync.Mutex
	buckets map[string]*Resource
	owner   map[string]string // bucket name -> account id
}

// NewCloud returns an empty simulated AWS.
func NewCloud() *Cloud { return &Cloud{buckets: map[string]*Resource{}, owner: map[string]string{}} }

// An Account is one simulated AWS account (and the EKS clusters in it, as
// provider-kubernetes and provider-helm see them). It is STRICT: it applies
// the rules of the real APIs and controllers (README.md lists them) and
// reports a refusal the way the provider does, on the managed resource's
// conditions.
type Account struct {
	ID    string
	Cloud *Cloud
	Facts Facts
	// Images answers whether an image reference can be pulled. Nil: only
	// public registries (anything but ECR) are trusted.
	Images ImageRegistry
	// Delays, if set, is how long AWS takes to create a kind (scaled).
	Delays Delays
	// Now is the simulated clock (time.Now if nil).
	Now func() time.Time

	mu  sync.Mutex
	res map[string]*Resource
	// Snapshots are the final DB snapshots taken at deletion.
	Snapshots []string
	// Retained is what a deleted RDS instance left: its final snapshot
	// and, with deleteAutomatedBackups false, its automated backups.
	Retained []RetainedData
	// deleting is what a DeleteEnvironment pass deletes concurrently.
	deleting map[string]bool
}

// NewAccount returns an empty account in the cloud with the package's facts.
func NewAccount(cloud *Cloud, id string) *Account {
	return &Account{ID: id, Cloud: cloud, Facts: DefaultFacts(), res: map[string]*Resource{}}
}

// A Resource is one managed resource as the simulated AWS knows it.
type Resource struct {
	key      string
	Kind     schema.GroupKind
	Name     string // metadata.name of the managed resource
	Observed *unstructured.Unstructured
	State    State
	// Message is the condition message when not Available.
	Message string
	Err     *AWSError
	Refs    []resolvedRef
	Created time.Time
	// updating: the reconcile being checked is an update of a resource AWS
	// already has (rules name the update call in their errors); before is
	// what AWS reported before it.
	updating bool
	before   *unstructured.Unstructured
	// updateRefused: AWS refused the last update; the resource is as it was.
	updateRefused bool
	// userNamed: the composition chose the external name (a bucket, a
	// role); otherwise AWS chose it (vpc-...).
	userNamed bool
	// helm is provider-helm's memory of a Release (rules_helm.go).
	helm *helmState
	// recreatedBy: a log group deleted while an RDS instance still
	// exported into it, which RDS created again without retention.
	recreatedBy string
	// leakedVolumes are the volume claims whose EBS volumes deleting this
	// resource left in AWS (volumes.go).
	leakedVolumes []string
	// keptClaims are the StatefulSet volume claims deleting this resource
	// left in namespace keptIn (no retention policy deletes them); the
	// namespace's deletion deletes them, else their volumes leak.
	keptClaims []string
	keptIn     string
	// claimsGone: the namespace's deletion took this resource's claims
	// already.
	claimsGone bool
}

func (r *Resource) gone() bool { return r.State == StateDeleted }

// inAWS reports whether the resource exists in AWS (created, or orphaned).
func (r *Resource) inAWS() bool {
	return r.State == StateAvailable || r.State == StateOrphaned || r.State == StateCreating
}

// ExternalName is the resource's AWS name or id.
func (r *Resource) ExternalName() string { return r.Observed.GetAnnotations()[AnnotationExternalName] }

func key(k schema.GroupKind, name string) string { return k.String() + "/" + name }

func (a *Account) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Apply is one reconcile of a managed resource by its simulated provider:
// references are resolved, the create (or update) is checked against AWS's
// rules, and the resource is returned as the provider reports it (Ready and
// Synced, or Synced=False with the AWS error). xrName and compName name it
// the way Observe does when it has no name.
func (a *Account) Apply(xrName, compName string, desired *unstructured.Unstructured) *unstructured.Unstructured {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.apply(xrName, compName, desired).Observed.DeepCopy()
}

func (a *Account) apply(xrName, compName string, desired *unstructured.Unstructured) *Resource {
	u := desired.DeepCopy()
	if u.GetName() == "" {
		u.SetName(Name(xrName, compName))
	}
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	if compName != "" {
		ann[AnnotationCompositionResourceName] = compName
	}
	u.SetAnnotations(ann)
	gk := u.GroupVersionKind().GroupKind()
	k := key(gk, u.GetName())
	r := a.res[k]
	if r == nil || r.gone() {
		r = &Resource{key: k, Kind: gk, Name: u.GetName(), Created: a.now(), userNamed: ann[AnnotationExternalName] != ""}
		a.res[k] = r
	}
	// prev is what AWS reported before this reconcile: a reconcile of a
	// resource AWS has is an update.
	var prev *unstructured.Unstructured
	if r.State == StateAvailable || r.State == StateCreating {
		prev = r.Observed
		// The external name is the provider's once created.
		if ext := r.ExternalName(); ext != "" {
			ann[AnnotationExternalName] = ext
		}
		cached(r.Observed, u)
	}
	r.updating, r.before, r.updateRefused = prev != nil, prev, false
	r.Observed = u

	refs, err := a.resolve(u)
	if err != nil {
		r.State, r.Message, r.Err = StateUnresolved, err.Error(), nil
		// Until a create succeeds the provider writes no external name
		// AWS chooses.
		setFailed(u, r.Message)
		return r
	}
	r.Refs = refs

	if msg := policiesRefused(u); msg != "" {
		r.State, r.Message, r.Err = StateFailed, msg, nil
		setFailed(u, r.Message)
		return r
	}
	obs, oerr := Observe(xrName, compName, u)
	if oerr != nil {
		r.State, r.Message = StateFailed, oerr.Error()
		setFailed(u, r.Message)
		return r
	}
	r.Observed = obs
	if prev != nil {
		if f := carries[gk]; f != nil {
			f(prev, obs)
		}
	}
	// Keep the resolved references in status as the provider's late
	// initialization does.
	if e := a.check(r); e != nil {
		name := r.Name
		if id := fp(u, "identifier"); id != "" {
			name = id // RDS names its instances by identifier.
		} else if r.userNamed {
			name = r.ExternalName()
		}
		if prev != nil {
			// AWS refused the update: the resource keeps what it had, still
			// Ready, and the provider reports Synced=False.
			r.Err, r.Message, r.updateRefused = e, updateMessage(gk.Kind, name, e), true
			kept := u.DeepCopy()
			kept.Object["status"] = prev.DeepCopy().Object["status"]
			setUpdateFailed(kept, r.Message)
			r.Observed = kept
			return r
		}
		r.State, r.Err = StateFailed, e
		r.Message = createMessage(gk.Kind, name, e)
		if e.AtObserve {
			r.Message = observeMessage(gk.Kind, name, e)
		}
		// AWS created nothing: no id, no status.atProvider.
		r.Observed = u
		setFailed(r.Observed, r.Message)
		return r
	}
	if r.State != StateCreating && r.State != StateAvailable {
		r.Created = a.now() // AWS accepted the create now.
	}
	msg, e := a.pending(r)
	if r.Kind == kindRelease {
		a.helmRecord(r, msg, e)
	}
	if msg != "" {
		r.State, r.Message, r.Err = StateCreating, msg, e
		a.stalled(r)
		_ = SetConditions(r.Observed, false)
		setConditionMessage(r.Observed, "Ready", msg)
		return r
	}
	r.State, r.Message, r.Err = StateAvailable, "", nil
	return r
}

func setConditionMessage(u *unstructured.Unstructured, typ, msg string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			m["message"] = msg
		}
	}
	_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
}

// ApplyAll reconciles a set of managed resources until nothing changes, as
// the provider's requeues would: a reference to something created later in
// the same set resolves on a later pass.
func (a *Account) ApplyAll(xrName string, desired []*unstructured.Unstructured, compName func(*unstructured.Unstructured) string) []*unstructured.Unstructured {
	a.mu.Lock()
	defer a.mu.Unlock()
	var rs []*Resource
	for pass := 0; pass < 10; pass++ {
		rs = rs[:0]
		changed := false
		for _, d := range desired {
			before := ""
			if r := a.res[key(d.GroupVersionKind().GroupKind(), nameOf(xrName, compName(d), d))]; r != nil {
				before = string(r.State) + r.Message
			}
			r := a.apply(xrName, compName(d), d)
			if string(r.State)+r.Message != before {
				changed = true
			}
			rs = append(rs, r)
		}
		if !changed {
			break
		}
	}
	out := make([]*unstructured.Unstructured, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Observed.DeepCopy())
	}
	return out
}

func nameOf(xrName, compName string, u *unstructured.Unstructured) string {
	if n := u.GetName(); n != "" {
		return n
	}
	return Name(xrName, compName)
}

// Failures are the resources AWS (or the provider) refused, sorted.
func (a *Account) Failures() []Failure {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Failure
	for _, r := range a.res {
		if r.State == StateFailed || r.State == StateUnresolved || (r.State == StateCreating && r.Err != nil) || r.updateRefused {
			f := Failure{Kind: r.Kind.Kind, Name: r.Name, Message: r.Message, Err: r.Err}
			for _, o := range r.Observed.GetOwnerReferences() {
				if o.Controller != nil && *o.Controller {
					f.Owner = o.Name
				}
			}
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+out[i].Name < out[j].Kind+out[j].Name })
	return out
}

// Get returns the simulated resource of a kind and name.
func (a *Account) Get(k schema.GroupKind, name string) *Resource {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.res[key(k, name)]
}

// Resources returns every resource the account knows, sorted by key.
func (a *Account) Resources() []*Resource {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*Resource
	for _, r := range a.res {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// byExternalName finds a live resource of a kind by its AWS name or id.
func (a *Account) byExternalName(k schema.GroupKind, ext string) *Resource {
	for _, r := range a.res {
		if r.Kind == k && !r.gone() && r.ExternalName() == ext {
			return r
		}
	}
	return nil
}

// users are the live resources whose resolved references point at r.
func (a *Account) users(r *Resource) []*Resource {
	var out []*Resource
	for _, u := range a.res {
		if u == r || !u.inAWS() {
			continue
		}
		for _, e := range u.Refs {
			if e.target == r.key {
				out = append(out, u)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// envOf is the environment id label of a resource: the in-cluster rules
// look for the cluster-side and AWS-side pieces of the same environment.
func envOf(u *unstructured.Unstructured) string {
	return u.GetLabels()["platform.gokinjo.io/environment-id"]
}

func (a *Account) sameEnv(r *Resource, k schema.GroupKind) []*Resource {
	env := envOf(r.Observed)
	var out []*Resource
	for _, x := range a.res {
		if x.Kind == k && !x.gone() && envOf(x.Observed) == env {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

func describe(rs []*Resource) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%s %s", r.Kind.Kind, r.ExternalName()))
	}
	return strings.Join(s, ", ")
}

// InAWS reports whether a resource with this AWS name or id exists in the
// account (created or orphaned).
func (a *Account) InAWS(externalName string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.res {
		if r.inAWS() && r.ExternalName() == externalName {
			return true
		}
	}
	return false
}

// SetDelays changes how long AWS takes from now on.
func (a *Account) SetDelays(d Delays) { a.mu.Lock(); a.Delays = d; a.mu.Unlock() }

// StateOf returns the state and message of a resource (kind, metadata.name).
func (a *Account) StateOf(k schema.GroupKind, name string) (State, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r := a.res[key(k, name)]; r != nil {
		return r.State, r.Message
	}
	return "", ""
}
