// Package simulator is an AWS SIMULATOR run as a controller: in the
// end-to-end test's management cluster no provider runs and no AWS exists,
// so this controller plays provider-aws, provider-kubernetes and
// provider-helm. It watches their managed resources and, after a
// configurable delay, reports them the way the real providers would once
// AWS (or the workload cluster) has done the work: the managed-resource
// finalizer, the external-name annotation, status.atProvider filled by the
// internal/awssim fillers, Ready/Synced conditions, and connection secrets
// shaped like the real provider's. It is STRICT: internal/awssim's rules
// (references, AWS validation, dependencies at deletion, images, storage
// classes, controller permissions; see its README) decide what becomes
// Ready and what AWS refuses to delete. It can also be told to fail a
// resource (a simulated AWS error) or to be slow, uniformly or with
// realistic per-kind delays (Account.SetDelays). Nothing here talks to AWS.
package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/gokinjo/platform/internal/awssim"
)

// Names the simulator uses on the objects it handles.
const (
	// Finalizer is the finalizer the real providers put on managed resources.
	Finalizer = "finalizer.managedresource.crossplane.io"
	// AnnotationObservedGeneration records the generation last simulated.
	AnnotationObservedGeneration = "simulator.e2e.gokinjo.io/observed-generation"
	labelComposite               = "crossplane.io/composite"
)

// A Fault makes the simulator report a resource as failing, the way the
// provider reports an AWS API error.
type Fault struct {
	// Kind and CompositionResourceName select the resource; an empty field
	// matches any.
	Kind, CompositionResourceName, Namespace string
	// Message is the simulated AWS error.
	Message string
}

// Event is one thing the simulator did, kept for assertions.
type Event struct {
	Time         time.Time
	Op           string // create, update, delete, orphan, fail
	Kind, Name   string
	ExternalName string
	Composite    string
}

// Simulator is the AWS simulator controller.
type Simulator struct {
	Dynamic dynamic.Interface
	Kube    kubernetes.Interface
	GVRs    []schema.GroupVersionResource
	Log     *slog.Logger

	// Account is the strict simulated AWS account (internal/awssim): it
	// resolves references, applies AWS's and the in-cluster controllers'
	// rules, and refuses deletes AWS would refuse.
	Account *awssim.Account

	// OnCreated, if set, is called once a resource exists in the simulated
	// AWS (the e2e pushes the release's images when an ECR repository is
	// created, as the release pipeline would).
	OnCreated func(u *unstructured.Unstructured)

	mu     sync.Mutex
	delay  time.Duration
	faults []Fault
	events []Event
	// created: OnCreated ran for these (kind/name).
	created map[string]bool

	queue workqueue.TypedDelayingInterface[key]
	// informers cache the managed resources, one per kind: the simulated
	// provider reads from them, as a provider's controller-runtime client
	// reads from its cache, instead of a quorum read per reconcile.
	informers map[schema.GroupVersionResource]cache.SharedIndexInformer
}

// retry is how soon the simulated provider looks again at a resource that
// is not available yet (or whose delete AWS refused), as a provider polls.
const retry = time.Second

// workers reconcile resources in parallel, as each real provider runs its
// controllers with several workers (--max-reconcile-rate, default 10): one
// worker for the ~470 resources of three environments made every change
// wait behind every other resource's API calls.
const workers = 10

type key struct {
	gvr       schema.GroupVersionResource
	namespace string
	name      string
}

// New returns a simulator for the given managed-resource kinds.
func New(d dynamic.Interface, k kubernetes.Interface, gvrs []schema.GroupVersionResource, delay time.Duration, log *slog.Logger) *Simulator {
	acct := awssim.NewAccount(awssim.NewCloud(), awssim.AccountID)
	return &Simulator{Dynamic: d, Kube: k, GVRs: gvrs, Log: log, delay: delay, Account: acct}
}

// SetDelay sets how long the simulated AWS takes for each operation.
func (s *Simulator) SetDelay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// SetFault adds a simulated AWS error.
func (s *Simulator) SetFault(f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
	s.Resync()
}

// ClearFaults removes every simulated error.
func (s *Simulator) ClearFaults() { s.mu.Lock(); s.faults = nil; s.mu.Unlock(); s.Resync() }

// Events returns a copy of what the simulator did.
func (s *Simulator) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// InAWS reports whether the simulated AWS still holds a resource.
func (s *Simulator) InAWS(externalName string) bool { return s.Account.InAWS(externalName) }

func (s *Simulator) record(e Event) {
	e.Time = time.Now()
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

func (s *Simulator) currentDelay() time.Duration { s.mu.Lock(); defer s.mu.Unlock(); return s.delay }

func (s *Simulator) fault(u *unstructured.Unstructured) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	comp := u.GetAnnotations()[awssim.AnnotationCompositionResourceName]
	for i := range s.faults {
		f := s.faults[i]
		if (f.Kind == "" || f.Kind == u.GetKind()) &&
			(f.CompositionResourceName == "" || f.CompositionResourceName == comp) &&
			(f.Namespace == "" || strings.Contains(u.GetLabels()["crossplane.io/claim-namespace"], f.Namespace)) {
			return &f
		}
	}
	return nil
}

// Run watches the managed resources until ctx is done.
func (s *Simulator) Run(ctx context.Context) {
	s.queue = workqueue.NewTypedDelayingQueue[key]()
	s.informers = map[schema.GroupVersionResource]cache.SharedIndexInformer{}
	f := dynamicinformer.NewDynamicSharedInformerFactory(s.Dynamic, 30*time.Second)
	for _, gvr := range s.GVRs {
		inf := f.ForResource(gvr).Informer()
		_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(o any) { s.enqueue(gvr, o, s.currentDelay()) },
			UpdateFunc: func(_, o any) { s.enqueue(gvr, o, s.currentDelay()) },
		})
		s.informers[gvr] = inf
	}
	f.Start(ctx.Done())
	f.WaitForCacheSync(ctx.Done())
	go func() { <-ctx.Done(); s.queue.ShutDown() }()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() { defer wg.Done(); s.work(ctx) }()
	}
	wg.Wait()
}

// work reconciles queued resources until the queue shuts down; the queue
// never hands one key to two workers at once.
func (s *Simulator) work(ctx context.Context) {
	for {
		k, shutdown := s.queue.Get()
		if shutdown {
			return
		}
		again, err := s.reconcile(ctx, k)
		if err != nil {
			if ctx.Err() == nil && !kerrors.IsConflict(err) && !kerrors.IsNotFound(err) {
				s.Log.Info("simulator: requeue", "resource", k.gvr.Resource, "name", k.name, "error", err)
			}
			s.queue.AddAfter(k, 200*time.Millisecond)
		} else if again {
			s.queue.AddAfter(k, retry)
		}
		s.queue.Done(k)
	}
}

// Resync re-queues every known resource now.
func (s *Simulator) Resync() {
	if s.queue == nil {
		return
	}
	for gvr, inf := range s.informers {
		for _, o := range inf.GetStore().List() {
			s.enqueue(gvr, o, 0)
		}
	}
}

func (s *Simulator) enqueue(gvr schema.GroupVersionResource, o any, d time.Duration) {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return
	}
	k := key{gvr: gvr, namespace: u.GetNamespace(), name: u.GetName()}
	if d <= 0 {
		s.queue.Add(k)
		return
	}
	s.queue.AddAfter(k, d)
}

// reconcile plays the provider once; again says the provider would look
// again soon (not available yet, or a delete AWS refused).
func (s *Simulator) reconcile(ctx context.Context, k key) (bool, error) {
	ri := s.Dynamic.Resource(k.gvr).Namespace(k.namespace)
	cacheKey := k.name
	if k.namespace != "" {
		cacheKey = k.namespace + "/" + k.name
	}
	o, exists, err := s.informers[k.gvr].GetStore().GetByKey(cacheKey)
	if err != nil {
		return false, err
	}
	if !exists {
		return false, nil
	}
	// A write from a stale copy fails with a conflict and is retried, as
	// a provider's is. A copy without the external name may predate the
	// create's own write: read the live object then, or the simulated AWS
	// would create the resource a second time (what a provider guards
	// against with crossplane.io/external-create-pending).
	u := o.(*unstructured.Unstructured).DeepCopy()
	if u.GetAnnotations()[awssim.AnnotationExternalName] == "" {
		if u, err = ri.Get(ctx, k.name, metav1.GetOptions{}); kerrors.IsNotFound(err) {
			return false, nil
		} else if err != nil {
			return false, err
		}
	}
	comp := u.GetAnnotations()[awssim.AnnotationCompositionResourceName]
	gk := u.GroupVersionKind().GroupKind()
	ev := Event{Kind: u.GetKind(), Name: u.GetName(), Composite: u.GetLabels()[labelComposite],
		ExternalName: u.GetAnnotations()[awssim.AnnotationExternalName]}

	if u.GetDeletionTimestamp() != nil {
		if !hasFinalizer(u, Finalizer) {
			return false, nil
		}
		if e := s.Account.Delete(gk, u.GetName()); e != nil {
			// AWS refused: the provider keeps the finalizer, reports the
			// error and retries.
			_, msg := s.Account.StateOf(gk, u.GetName())
			if c := condition(u, "Synced"); c == nil || c["message"] != msg {
				setCondition(u, "Synced", "False", "ReconcileError", msg)
				if _, err := ri.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
					return false, err
				}
				ev.Op = "delete-refused"
				s.record(ev)
			}
			return true, nil
		}
		ev.Op = "delete"
		if awssim.Retained(u) {
			ev.Op = "orphan"
		}
		removeFinalizer(u, Finalizer)
		if _, err := ri.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return false, err
		}
		s.record(ev)
		return false, nil
	}

	if f := s.fault(u); f != nil {
		return false, s.fail(ctx, ri, u, f, ev)
	}

	gen := strconv.FormatInt(u.GetGeneration(), 10)
	if u.GetAnnotations()[AnnotationObservedGeneration] == gen && conditionTrue(u, "Ready") && conditionTrue(u, "Synced") {
		return false, nil
	}
	obs := s.observe(u, comp)
	state, _ := s.Account.StateOf(gk, u.GetName())
	created := state == awssim.StateAvailable || state == awssim.StateCreating
	// Metadata first: the finalizer, the external name, the generation seen.
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	op := "update"
	if !hasFinalizer(u, Finalizer) {
		op = "create" // First time the simulated provider sees it.
	}
	if ext := obs.GetAnnotations()[awssim.AnnotationExternalName]; created && ext != "" && ann[awssim.AnnotationExternalName] == "" {
		ann[awssim.AnnotationExternalName] = ext
	}
	if state == awssim.StateAvailable {
		ann[AnnotationObservedGeneration] = gen
	}
	metaChanged := !equality.Semantic.DeepEqual(ann, u.GetAnnotations()) || !hasFinalizer(u, Finalizer)
	u.SetAnnotations(ann)
	if !hasFinalizer(u, Finalizer) {
		u.SetFinalizers(append(u.GetFinalizers(), Finalizer))
	}
	if metaChanged {
		if u, err = ri.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return false, err
		}
	}
	status, _, _ := unstructured.NestedMap(obs.Object, "status")
	stampConditions(u, status)
	// As a provider does, write only what changed: every write is a watch
	// event for the XR that composed the resource (and its circuit breaker).
	if !sameJSON(u.Object["status"], status) {
		u.Object["status"] = status
		if _, err := ri.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
			return false, err
		}
	}
	if state != awssim.StateAvailable {
		ev.Op = "pending"
		if !created {
			ev.Op = "refused"
		}
		s.record(ev)
		return true, nil
	}
	if err := s.writeConnectionSecret(ctx, u); err != nil {
		return false, err
	}
	ev.Op = op
	ev.ExternalName = u.GetAnnotations()[awssim.AnnotationExternalName]
	s.record(ev)
	if s.OnCreated != nil && !s.seen(u) {
		s.OnCreated(u)
	}
	return false, nil
}

// seen records that OnCreated ran for a resource.
func (s *Simulator) seen(u *unstructured.Unstructured) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.created == nil {
		s.created = map[string]bool{}
	}
	k := u.GetKind() + "/" + u.GetName()
	ok := s.created[k]
	s.created[k] = true
	return ok
}

// LocalRegistry is the e2e's real local registry standing in for ECR: the
// ECR image <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag> is
// present when <Host>/<repo>:<tag> is. Images outside ECR are trusted (no
// public registry is reachable from the test).
type LocalRegistry struct{ Host string }

// Has implements awssim.ImageRegistry.
func (l LocalRegistry) Has(image string) bool {
	if !awssim.IsECR(image) {
		return true
	}
	repo, tag := ECRPath(image)
	req, err := http.NewRequest(http.MethodHead, "http://"+l.Host+"/v2/"+repo+"/manifests/"+tag, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json")
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// JobFails implements awssim.FailingJobs (SIMULATED): a Job fails when its
// image carries the label awssim.JobFailsLabel; the label's value is the
// failure. The release scenario pushes such an image to play a migration
// that fails.
func (l LocalRegistry) JobFails(image string) string {
	if !awssim.IsECR(image) {
		return ""
	}
	repo, tag := ECRPath(image)
	ref, err := name.NewTag(l.Host + "/" + repo + ":" + tag)
	if err != nil {
		return ""
	}
	img, err := remote.Image(ref)
	if err != nil {
		return ""
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return ""
	}
	return cf.Config.Labels[awssim.JobFailsLabel]
}

// ECRPath splits an ECR image into its repository and tag (latest if none).
func ECRPath(image string) (repo, tag string) {
	_, path, _ := strings.Cut(image, "/")
	repo, tag = path, "latest"
	if i := strings.LastIndex(path, ":"); i > 0 {
		repo, tag = path[:i], path[i+1:]
	}
	return repo, tag
}

// stampConditions sets the time and generation of each condition of status
// as crossplane-runtime's SetConditions does: a condition equal to the
// object's current one (type, status, reason, message) keeps its
// lastTransitionTime; a changed one gets now.
func stampConditions(u *unstructured.Unstructured, status map[string]any) {
	conds, ok := status["conditions"].([]any)
	if !ok {
		return
	}
	now := time.Now().UTC().Format(time.RFC3339)
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		m["lastTransitionTime"] = now
		m["observedGeneration"] = u.GetGeneration()
		if old := condition(u, fmt.Sprint(m["type"])); old != nil && sameCondition(old, m) {
			m["lastTransitionTime"] = old["lastTransitionTime"]
		}
	}
}

// sameJSON compares two values as the API server stores them (an int and
// an int64 of the same value are the same).
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func sameCondition(a, b map[string]any) bool {
	for _, f := range []string{"status", "reason", "message"} {
		if fmt.Sprint(a[f]) != fmt.Sprint(b[f]) {
			return false
		}
	}
	return true
}

func setCondition(u *unstructured.Unstructured, typ, status, reason, msg string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	c := map[string]any{"type": typ, "status": status, "reason": reason, "message": msg, "lastTransitionTime": time.Now().UTC().Format(time.RFC3339)}
	replaced := false
	for i, x := range conds {
		if m, ok := x.(map[string]any); ok && m["type"] == typ {
			conds[i], replaced = c, true
		}
	}
	if !replaced {
		conds = append(conds, c)
	}
	_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
}

// observe is one reconcile of the live object in the strict simulated
// account (internal/awssim), which knows every kind the package composes:
// provider-aws managed resources, provider-kubernetes Objects (a Deployment
// available once its images exist, a Job complete, an Ingress with an ALB
// once the LB controller can make one) and provider-helm Releases.
func (s *Simulator) observe(u *unstructured.Unstructured, comp string) *unstructured.Unstructured {
	if !strings.HasSuffix(u.GroupVersionKind().Group, ".aws.upbound.io") {
		// provider-kubernetes and provider-helm name the external object
		// after the managed resource.
		u = u.DeepCopy()
		ann := u.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		if ann[awssim.AnnotationExternalName] == "" {
			ann[awssim.AnnotationExternalName] = u.GetName()
		}
		u.SetAnnotations(ann)
	}
	return s.Account.Apply(u.GetLabels()[labelComposite], comp, u)
}

func (s *Simulator) fail(ctx context.Context, ri dynamic.ResourceInterface, u *unstructured.Unstructured, f *Fault, ev Event) error {
	now := time.Now().UTC().Format(time.RFC3339)
	msg := "simulated AWS error: " + f.Message
	if c := condition(u, "Synced"); c != nil && c["message"] == msg {
		return nil
	}
	// As the provider reports an AWS error: Synced=False, and Ready as it
	// was. A resource that exists stays Ready=True (it still runs; an
	// update or observe failure marks only Synced: crossplane-runtime's
	// managed reconciler, upjet's async callbacks); one not created yet
	// stays Creating.
	conds := []any{
		map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": msg, "lastTransitionTime": now},
	}
	if r := condition(u, "Ready"); r != nil {
		conds = append(conds, r)
	} else {
		conds = append(conds, map[string]any{"type": "Ready", "status": "False", "reason": "Creating", "lastTransitionTime": now})
	}
	_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
	if _, err := ri.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
		return err
	}
	ev.Op = "fail"
	s.record(ev)
	return nil
}

// writeConnectionSecret writes the secret the real provider writes for the
// few kinds whose connection details the composition consumes.
func (s *Simulator) writeConnectionSecret(ctx context.Context, u *unstructured.Unstructured) error {
	ref, ok, _ := unstructured.NestedStringMap(u.Object, "spec", "writeConnectionSecretToRef")
	if !ok || ref["name"] == "" {
		return nil
	}
	data := map[string][]byte{}
	at := func(f ...string) string {
		v, _, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"status", "atProvider"}, f...)...)
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	switch u.GroupVersionKind().GroupKind() {
	case schema.GroupKind{Group: "eks.aws.upbound.io", Kind: "ClusterAuth"}, schema.GroupKind{Group: "eks.aws.upbound.io", Kind: "Cluster"}:
		name, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "clusterName")
		if name == "" {
			name = u.GetAnnotations()[awssim.AnnotationExternalName]
		}
		data["kubeconfig"] = []byte(simulatedKubeconfig(name))
	case schema.GroupKind{Group: "rds.aws.upbound.io", Kind: "Instance"}:
		data["endpoint"] = []byte(at("endpoint"))
		data["address"] = []byte(at("address"))
		data["host"] = []byte(at("address"))
		data["port"] = []byte(at("port"))
		user, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "username")
		data["username"] = []byte(user)
		// The keys of provider-aws v1.23.0's aws_db_instance connection
		// details (config/rds/config.go); the password is SIMULATED (the
		// provider publishes the one it generated).
		data["password"] = []byte(awssim.Hash("password/" + u.GetName())[:24])
	}
	ns := ref["namespace"]
	if ns == "" {
		ns = u.GetNamespace()
	}
	sec := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: ref["name"], Namespace: ns, Labels: map[string]string{"simulator.e2e.gokinjo.io/written": "true"}},
		Type:       "connection.crossplane.io/v1alpha1",
		Data:       data,
	}
	_, err := s.Kube.CoreV1().Secrets(ns).Create(ctx, sec, metav1.CreateOptions{})
	if kerrors.IsAlreadyExists(err) {
		_, err = s.Kube.CoreV1().Secrets(ns).Update(ctx, sec, metav1.UpdateOptions{})
	}
	if kerrors.IsNotFound(err) { // Namespace not there yet.
		_, _ = s.Kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		_, err = s.Kube.CoreV1().Secrets(ns).Create(ctx, sec, metav1.CreateOptions{})
	}
	return err
}

func simulatedKubeconfig(cluster string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: ` + cluster + `
  cluster:
    server: https://` + awssim.Hash("eks/" + cluster)[:32] + `.simulated.eks.amazonaws.com
contexts:
- name: ` + cluster + `
  context: {cluster: ` + cluster + `, user: simulated}
current-context: ` + cluster + `
users:
- name: simulated
  user: {token: simulated-token-not-valid-anywhere}
`
}

func condition(u *unstructured.Unstructured, t string) map[string]any {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == t {
			return m
		}
	}
	return nil
}

func conditionTrue(u *unstructured.Unstructured, t string) bool {
	c := condition(u, t)
	return c != nil && c["status"] == "True"
}

func hasFinalizer(u *unstructured.Unstructured, f string) bool {
	for _, x := range u.GetFinalizers() {
		if x == f {
			return true
		}
	}
	return false
}

func removeFinalizer(u *unstructured.Unstructured, f string) {
	var out []string
	for _, x := range u.GetFinalizers() {
		if x != f {
			out = append(out, x)
		}
	}
	u.SetFinalizers(out)
}
