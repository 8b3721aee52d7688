package awssim

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func objectMR(name string, m map[string]any) *unstructured.Unstructured {
	return mr("kubernetes.crossplane.io", "Object", name, map[string]any{"manifest": m})
}

func release(name, chart string, values map[string]any, wait bool) *unstructured.Unstructured {
	return mr("helm.crossplane.io", "Release", name, map[string]any{
		"chart": map[string]any{"name": chart, "version": "1.0.0"}, "values": values, "wait": wait, "waitTimeout": "10m",
	})
}

func deployment(image string) map[string]any {
	return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "api", "namespace": "gokinjo-dev"},
		"spec": map[string]any{"replicas": int64(2), "template": map[string]any{"spec": map[string]any{
			"initContainers": []any{map[string]any{"name": "wait", "image": "public.ecr.aws/docker/library/busybox:1.36"}},
			"containers":     []any{map[string]any{"name": "api", "image": image}},
		}}}}
}

// TestImagesMustExist: a Deployment only becomes Available when each of
// its images is in the registry.
func TestImagesMustExist(t *testing.T) {
	img := "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-api:v0.1.0"
	a := newAccount(NewCloud(), "111111111111")
	reg := &Images{TrustPublic: true}
	a.Images = reg
	d := objectMR("api", deployment(img))
	out := apply(t, a, d)
	mustState(t, a, d, StateCreating, `Back-off pulling image "`+img+`"`)
	if f := a.Failures(); len(f) != 1 || f[0].Err.Code != "ErrImagePull" {
		t.Errorf("Failures() = %v, want the missing image", f)
	}
	if avail, _, _ := unstructured.NestedInt64(out[0].Object, "status", "atProvider", "manifest", "status", "availableReplicas"); avail != 0 {
		t.Errorf("availableReplicas = %d with a missing image", avail)
	}
	reg.Push(img)
	out = apply(t, a, d)
	mustState(t, a, d, StateAvailable, "")
	if avail, _, _ := unstructured.NestedInt64(out[0].Object, "status", "atProvider", "manifest", "status", "availableReplicas"); avail != 2 {
		t.Errorf("availableReplicas = %d once pushed, want 2", avail)
	}
	// An untagged image means :latest, which was not pushed.
	u := objectMR("api2", deployment("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-api"))
	apply(t, a, u)
	mustState(t, a, u, StateCreating, "ErrImagePull")
}

// lbEnv is an environment where the LB controller can work: two tagged
// public subnets, the controller's release and an IRSA role whose inline
// policy allows actions.
func lbEnv(actions []any, elbTag bool) []*unstructured.Unstructured {
	tags := map[string]any{"Name": "public"}
	if elbTag {
		tags[ELBSubnetTag] = "1"
	}
	role := mr("iam", "Role", "lbc-role", nil, ext("gokinjo-dev-lbc"))
	cl := owner("XCluster", "cluster")
	return append(egressNetwork(tags), []*unstructured.Unstructured{
		role,
		mr("iam", "RolePolicy", "lbc-policy", map[string]any{"roleSelector": sel("lbc-role"),
			"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + jsonList(actions) + `,"Resource":"*"}]}`}),
		mr("iam", "OpenIDConnectProvider", "oidc", map[string]any{"url": "https://oidc.eks.ap-northeast-1.amazonaws.com/id/X"}, cl),
		mr("eks", "NodeGroup", "ng", map[string]any{"subnetIdSelector": map[string]any{"matchLabels": map[string]any{"platform.gokinjo.io/component": "private-a"}}}, cl),
		release("lbc", LBControllerChart, map[string]any{"serviceAccount": map[string]any{"annotations": map[string]any{
			irsaAnnotation: "arn:aws:iam::" + AccountID + ":role/gokinjo-dev-lbc"}}}, true),
	}...)
}

// egressNetwork is a VPC (composed by an XNetwork named network) whose
// private subnet routes to the internet through a NAT gateway in a public
// subnet, which routes to the internet gateway.
func egressNetwork(publicTags map[string]any) []*unstructured.Unstructured {
	n := owner("XNetwork", "network")
	return []*unstructured.Unstructured{
		mr("ec2", "VPC", "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}, n),
		mr("ec2", "Subnet", "public-a", map[string]any{"cidrBlock": "10.0.0.0/24", "availabilityZone": "ap-northeast-1a", "vpcIdSelector": sel("vpc"), "tags": publicTags}, n),
		mr("ec2", "Subnet", "public-c", map[string]any{"cidrBlock": "10.0.1.0/24", "availabilityZone": "ap-northeast-1c", "vpcIdSelector": sel("vpc"), "tags": publicTags}, n),
		mr("ec2", "Subnet", "private-a", map[string]any{"cidrBlock": "10.0.2.0/24", "availabilityZone": "ap-northeast-1a", "vpcIdSelector": sel("vpc")}, n),
		mr("ec2", "InternetGateway", "igw", map[string]any{"vpcIdSelector": sel("vpc")}, n),
		mr("ec2", "EIP", "eip", map[string]any{"domain": "vpc"}, n),
		mr("ec2", "NATGateway", "nat", map[string]any{"subnetIdSelector": sel("public-a"), "allocationIdSelector": sel("eip")}, n),
		mr("ec2", "RouteTable", "rt-public", map[string]any{"vpcIdSelector": sel("vpc")}, n),
		mr("ec2", "Route", "route-public", map[string]any{"routeTableIdSelector": sel("rt-public"), "destinationCidrBlock": anywhere, "gatewayIdSelector": sel("igw")}, n),
		mr("ec2", "RouteTableAssociation", "rta-public-a", map[string]any{"routeTableIdSelector": sel("rt-public"), "subnetIdSelector": sel("public-a")}, n),
		mr("ec2", "RouteTable", "rt-private", map[string]any{"vpcIdSelector": sel("vpc")}, n),
		mr("ec2", "Route", "route-private", map[string]any{"routeTableIdSelector": sel("rt-private"), "destinationCidrBlock": anywhere, "natGatewayIdSelector": sel("nat")}, n),
		mr("ec2", "RouteTableAssociation", "rta-private-a", map[string]any{"routeTableIdSelector": sel("rt-private"), "subnetIdSelector": sel("private-a")}, n),
	}
}

func jsonList(xs []any) string {
	s := "["
	for i, x := range xs {
		if i > 0 {
			s += ","
		}
		s += `"` + x.(string) + `"`
	}
	return s + "]"
}

func ingress() *unstructured.Unstructured {
	return objectMR("ingress", map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
		"metadata": map[string]any{"name": "gokinjo", "namespace": "gokinjo-dev"}})
}

// TestIngressNeedsLBController: the Ingress only gets an address when the
// controller runs, its role allows what facts.IAM lists and public subnets
// carry the ELB tag.
func TestIngressNeedsLBController(t *testing.T) {
	all := []any{"ec2:Describe*", "elasticloadbalancing:*"}
	cases := map[string]struct {
		env  []*unstructured.Unstructured
		want string
	}{
		"NoController":    {env: lbEnv(all, true)[:3], want: "the AWS Load Balancer Controller is not running"},
		"MissingAction":   {env: lbEnv([]any{"ec2:DescribeSubnets", "elasticloadbalancing:Describe*LoadBalancers"}, true), want: "AccessDenied: not authorized to perform: elasticloadbalancing:DescribeCapacityReservation"},
		"NoELBTag":        {env: lbEnv(all, false), want: "couldn't auto-discover subnets"},
		"ControllerWorks": {env: lbEnv(all, true)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, tc.env...)
			ing := ingress()
			out := apply(t, a, ing)
			if tc.want != "" {
				mustState(t, a, ing, StateCreating, tc.want)
				if _, ok, _ := unstructured.NestedFieldNoCopy(out[0].Object, "status", "atProvider", "manifest", "status", "loadBalancer"); ok {
					t.Error("the Ingress got an address")
				}
				return
			}
			mustState(t, a, ing, StateAvailable, "")
			if a.Get(kindLoadBalancer, "ingress") == nil {
				t.Error("no ALB recorded in the simulated AWS")
			}
		})
	}
}

// TestVolumeClaimsNeedStorageClass: EKS 1.30+ has no default StorageClass;
// a claim binds once the EBS CSI add-on makes its default class, or when
// it names a class that exists.
func TestVolumeClaimsNeedStorageClass(t *testing.T) {
	prom := func(class string) *unstructured.Unstructured {
		spec := map[string]any{"accessModes": []any{"ReadWriteOnce"}}
		if class != "" {
			spec["storageClassName"] = class
		}
		return release("prom", "kube-prometheus-stack", map[string]any{"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": spec}}}}}, true)
	}
	cluster := mr("eks", "Cluster", "c", map[string]any{"version": "1.33"}, ext("gokinjo-dev"))
	ebs := func(cfg string) *unstructured.Unstructured {
		return mr("eks", "Addon", "ebs", map[string]any{"addonName": ebsCSIAddon, "clusterNameSelector": sel("c"), "configurationValues": cfg})
	}
	cases := map[string]struct {
		objs []*unstructured.Unstructured
		want string
	}{
		"NoDefaultClass":   {objs: []*unstructured.Unstructured{cluster, ebs(""), prom("")}, want: "no storage class is set"},
		"NamedClassAbsent": {objs: []*unstructured.Unstructured{cluster, ebs(""), prom("gp3")}, want: `storageclass.storage.k8s.io "gp3" not found`},
		"EBSDefaultClass":  {objs: []*unstructured.Unstructured{cluster, ebs(`{"defaultStorageClass":{"enabled":true}}`), prom("")}},
		"NamedEBSClass":    {objs: []*unstructured.Unstructured{cluster, ebs(`{"defaultStorageClass":{"enabled":true}}`), prom("ebs-gp3-default")}},
		"ComposedClass": {objs: []*unstructured.Unstructured{cluster, objectMR("sc", map[string]any{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
			"metadata": map[string]any{"name": "gp3"}}), prom("gp3")}},
		"PVCObject": {objs: []*unstructured.Unstructured{cluster, objectMR("pvc", map[string]any{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
			"metadata": map[string]any{"name": "data", "namespace": "x"}, "spec": map[string]any{}})}, want: "PersistentVolumeClaim x/data is Pending"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := newAccount(NewCloud(), "111111111111")
			apply(t, a, tc.objs...)
			last := tc.objs[len(tc.objs)-1]
			if tc.want == "" {
				mustState(t, a, last, StateAvailable, "")
				return
			}
			mustState(t, a, last, StateCreating, tc.want)
		})
	}
}

// TestHelmHookDeadlock: Airflow's pods wait for the migration job; as a
// post-install hook (the chart default in facts.Charts) it only runs after
// Helm's wait, so a waiting install times out.
func TestHelmHookDeadlock(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	hooked := release("airflow", "airflow", map[string]any{}, true)
	out := apply(t, a, hooked)
	mustState(t, a, hooked, StateCreating, "failed to install release: timed out waiting for the condition")
	if s, _, _ := unstructured.NestedString(out[0].Object, "status", "atProvider", "state"); s != "failed" {
		t.Errorf("release state %q, want failed", s)
	}
	b := newAccount(NewCloud(), "111111111111")
	fixed := release("airflow", "airflow", map[string]any{"migrateDatabaseJob": map[string]any{"useHelmHooks": false}}, true)
	apply(t, b, fixed)
	mustState(t, b, fixed, StateAvailable, "")
	noWait := release("airflow", "airflow", map[string]any{}, false)
	c := newAccount(NewCloud(), "111111111111")
	apply(t, c, noWait)
	mustState(t, c, noWait, StateAvailable, "")
}

// TestHelmTimeoutWithDelays: with realistic delays the hooked release waits
// for its waitTimeout (scaled) before it fails.
func TestHelmTimeoutWithDelays(t *testing.T) {
	a := newAccount(NewCloud(), "111111111111")
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return now }
	a.Delays = Delays{Scale: 0.01} // 10m wait timeout -> 6s; release delay 1m -> 0.6s.
	hooked := release("airflow", "airflow", map[string]any{}, true)
	apply(t, a, hooked)
	mustState(t, a, hooked, StateCreating, "Creating: simulated AWS takes")
	now = now.Add(time.Second)
	apply(t, a, hooked)
	mustState(t, a, hooked, StateCreating, "helm install waiting")
	now = now.Add(6 * time.Second)
	apply(t, a, hooked)
	mustState(t, a, hooked, StateCreating, "failed to install release: timed out waiting for the condition")
}

// failingRegistry marks images whose Jobs fail (SIMULATED).
type failingRegistry struct {
	Images
	fails map[string]string
}

func (f *failingRegistry) JobFails(image string) string { return f.fails[image] }

// TestJobOfFailingImageFails: a Job whose image the registry marks as
// failing ends Failed with Kubernetes' BackoffLimitExceeded, never
// Complete; a Job of another image of the same repository completes.
func TestJobOfFailingImageFails(t *testing.T) {
	repo := "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/gokinjo-dev-api"
	a := newAccount(NewCloud(), "111111111111")
	reg := &failingRegistry{Images: Images{TrustPublic: true}, fails: map[string]string{repo + ":v3": "migration 0006 failed"}}
	reg.Push(repo+":v2", repo+":v3")
	a.Images = reg
	job := func(name, tag string) *unstructured.Unstructured {
		return objectMR(name, map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": name, "namespace": "gokinjo-dev"},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "migrate", "image": repo + ":" + tag}}}}}})
	}
	bad := job("migrate-v3", "v3")
	out := apply(t, a, bad)
	mustState(t, a, bad, StateCreating, "backoff limit: migration 0006 failed")
	conds, _, _ := unstructured.NestedSlice(out[0].Object, "status", "atProvider", "manifest", "status", "conditions")
	if len(conds) != 1 {
		t.Fatalf("failed Job conditions %v, want one", conds)
	}
	c := conds[0].(map[string]any)
	if c["type"] != "Failed" || c["status"] != "True" || c["reason"] != "BackoffLimitExceeded" {
		t.Errorf("failed Job condition %v, want Failed=True BackoffLimitExceeded", c)
	}
	good := job("migrate-v2", "v2")
	out = apply(t, a, good)
	mustState(t, a, good, StateAvailable, "")
	if s, _, _ := unstructured.NestedInt64(out[0].Object, "status", "atProvider", "manifest", "status", "succeeded"); s != 1 {
		t.Errorf("Job of a working image: succeeded %d, want 1", s)
	}
}
