package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/gokinjo/platform/functions/gokinjo/internal/database"
	"github.com/gokinjo/platform/functions/gokinjo/internal/datalake"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
	"github.com/gokinjo/platform/internal/facts"
)

// Layer names of an estimate, as status.cost.layers names them.
const (
	LayerNetwork   = "network"
	LayerCluster   = "cluster"
	LayerDatabase  = "database"
	LayerDataLake  = "dataLake"
	LayerWorkloads = "workloads"
)

// Layers in the order status shows them.
var Layers = []string{LayerNetwork, LayerCluster, LayerDatabase, LayerDataLake, LayerWorkloads}

// Input is what an estimate is made from: the resolved parameters of every
// layer, exactly as the environment layer composes them.
type Input struct {
	Network  v1alpha1.NetworkParameters
	Cluster  v1alpha1.ClusterParameters
	Database v1alpha1.DatabaseParameters
	DataLake v1alpha1.DataLakeParameters
	// Workloads is nil when no workloads layer is composed.
	Workloads *Workloads
}

// Workloads is the part of the workloads layer that costs money in AWS.
type Workloads struct {
	// ALBs is the number of Application Load Balancers the ingresses create.
	ALBs int
	// Volumes are the persistent volumes the charts claim (EBS gp3 through
	// the default StorageClass).
	Volumes []Volume
}

// Volume is one persistent volume claim, in GiB.
type Volume struct {
	Name string
	GiB  float64
}

// An Item is one priced line of an estimate, in USD per month. Min and Max
// differ where the size autoscales (node groups, storage autoscaling).
type Item struct {
	Layer, Name string
	Min, Max    float64
}

// Estimate is the monthly cost of an environment, line by line.
type Estimate struct {
	Items []Item
	// Unpriced names (in Name) what prices.yaml has no price for: it is not
	// counted, so the estimate is too low by that much.
	Unpriced []Item
}

// Total is the sum of every item.
func (e Estimate) Total() (lo, hi float64) {
	for _, i := range e.Items {
		lo += i.Min
		hi += i.Max
	}
	return lo, hi
}

// Layer is the sum of one layer's items.
func (e Estimate) Layer(name string) (lo, hi float64, ok bool) {
	for _, i := range e.Items {
		if i.Layer == name {
			lo += i.Min
			hi += i.Max
			ok = true
		}
	}
	return lo, hi, ok
}

// UnpricedNames names every unpriced item.
func (e Estimate) UnpricedNames() []string {
	var out []string
	for _, i := range e.Unpriced {
		out = append(out, i.Name)
	}
	return out
}

// UnpricedIn counts the unpriced items of one layer.
func (e Estimate) UnpricedIn(layer string) int {
	n := 0
	for _, i := range e.Unpriced {
		if i.Layer == layer {
			n++
		}
	}
	return n
}

// Top returns the n items with the highest maximum, biggest first.
func (e Estimate) Top(n int) []Item {
	out := append([]Item(nil), e.Items...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].Max > out[b].Max })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (e *Estimate) add(layer, name string, lo, hi float64) {
	e.Items = append(e.Items, Item{Layer: layer, Name: name, Min: lo, Max: hi})
}

// Estimate prices every layer of in.
func (p *Prices) Estimate(in Input) (Estimate, error) {
	u, err := p.UsageFor(in.Network.Environment)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{}
	p.network(&e, in.Network, u)
	p.cluster(&e, in.Cluster, u)
	p.database(&e, in.Database, u)
	p.dataLake(&e, in.DataLake, u)
	if in.Workloads != nil {
		p.workloads(&e, *in.Workloads, len(in.Network.AvailabilityZones), u)
	}
	return e, nil
}

// NATGateways is how many NAT gateways the network layer composes.
func NATGateways(n v1alpha1.NetworkParameters) int {
	if n.NATGateways == v1alpha1.NATSingle {
		return 1
	}
	return len(n.AvailabilityZones)
}

func (p *Prices) network(e *Estimate, n v1alpha1.NetworkParameters, u Usage) {
	nat := float64(NATGateways(n))
	h := p.HoursPerMonth
	fixed(e, LayerNetwork, fmt.Sprintf("NAT gateways (%d)", NATGateways(n)), nat*p.VPC.NATGatewayPerHour*h)
	if nat > 0 {
		fixed(e, LayerNetwork, "NAT data processed", u.NATProcessedGBPerMonth*p.VPC.NATGatewayPerGB)
	}
	fixed(e, LayerNetwork, fmt.Sprintf("NAT public IPv4 addresses (%d)", NATGateways(n)), nat*p.VPC.PublicIPv4PerHour*h)
	// Traffic between zones is billed on both sides. With one NAT gateway,
	// the other zones' internet traffic crosses to its zone too.
	gb := u.InterAZGBPerMonth
	if zones := float64(len(n.AvailabilityZones)); n.NATGateways == v1alpha1.NATSingle && zones > 1 {
		gb += u.NATProcessedGBPerMonth * (zones - 1) / zones
	}
	fixed(e, LayerNetwork, fmt.Sprintf("inter-AZ data transfer (%.0f GB)", gb), gb*2*p.DataTransfer.InterAZPerGBEachWay)
}

func (p *Prices) cluster(e *Estimate, c v1alpha1.ClusterParameters, u Usage) {
	h := p.HoursPerMonth
	if extendedSupport(c.Version, Today()) {
		fixed(e, LayerCluster, "EKS control plane (Kubernetes "+c.Version+" in extended support)", p.EKS.ClusterExtendedSupportPerHour*h)
	} else {
		fixed(e, LayerCluster, "EKS control plane", p.EKS.ClusterPerHour*h)
	}
	var nodesLo, nodesHi float64
	for _, g := range c.NodeGroups {
		nodesLo += float64(g.MinSize)
		nodesHi += float64(g.MaxSize)
		price, ok := p.EC2.InstancePerHour[g.InstanceType]
		if !ok {
			e.Unpriced = append(e.Unpriced, Item{Layer: LayerCluster, Name: fmt.Sprintf("EC2 instance type %s (node group %s)", g.InstanceType, g.Name)})
			continue
		}
		e.add(LayerCluster, fmt.Sprintf("node group %s (%s x %d-%d)", g.Name, g.InstanceType, g.MinSize, g.MaxSize),
			float64(g.MinSize)*price*h, float64(g.MaxSize)*price*h)
	}
	// The root volume the node groups' launch templates give each node
	// (EKS's default disk without a template: 20 GiB gp2).
	root := facts.EKS.NodeLaunchTemplate
	if perGB, ok := p.EBS.PerGBMonth(root.RootVolumeType); ok {
		disk := float64(root.RootVolumeGiB) * perGB
		e.add(LayerCluster, "node root volumes ("+root.RootVolumeType+")", nodesLo*disk, nodesHi*disk)
	} else {
		e.Unpriced = append(e.Unpriced, Item{Layer: LayerCluster, Name: "EBS volume type " + root.RootVolumeType + " (node root volumes)"})
	}
	fixed(e, LayerCluster, "KMS key (secrets)", p.KMS.KeyPerMonth)
	// All five control-plane log types are on: a month's ingestion, and the
	// storage of what the group's retention keeps.
	fixed(e, LayerCluster, fmt.Sprintf("control-plane logs (%s)", retention(c.LogRetentionDays)),
		p.logs(u.ControlPlaneLogsGBPerMonth, c.LogRetentionDays))
}

// neverExpire is how many days of a log group without retention the model
// stores: a year's worth (it grows for ever).
const neverExpire = 365

// logs is a month's ingestion of gb and the storage of what days of
// retention keep (0: never expires).
func (p *Prices) logs(gb float64, days int) float64 {
	if days <= 0 {
		days = neverExpire
	}
	return gb*p.CloudWatch.LogsIngestPerGB + gb*float64(days)/30*p.CloudWatch.LogsStoragePerGBMonth
}

func retention(days int) string {
	if days <= 0 {
		return "no retention, a year stored"
	}
	return fmt.Sprintf("%d-day retention", days)
}

func (p *Prices) database(e *Estimate, d v1alpha1.DatabaseParameters, u Usage) {
	h := p.HoursPerMonth
	price, ok := p.RDS.InstancePerHour[d.InstanceClass]
	if !ok {
		e.Unpriced = append(e.Unpriced, Item{Layer: LayerDatabase, Name: "RDS instance class " + d.InstanceClass})
	} else {
		az, name := 1.0, "RDS primary ("+d.InstanceClass+")"
		if d.MultiAZ {
			az, name = 2, "RDS primary ("+d.InstanceClass+", Multi-AZ)"
		}
		fixed(e, LayerDatabase, name, az*price*h)
		if d.ReadReplica {
			fixed(e, LayerDatabase, "RDS read replica ("+d.InstanceClass+")", price*h)
		}
	}
	gb := p.RDS.GP3PerGBMonth
	if d.MultiAZ {
		gb = p.RDS.GP3MultiAZPerGBMonth
	}
	lo, hi := float64(d.AllocatedStorage), float64(max(d.MaxAllocatedStorage, d.AllocatedStorage))
	e.add(LayerDatabase, "RDS gp3 storage", lo*gb, hi*gb)
	if d.ReadReplica {
		e.add(LayerDatabase, "RDS replica gp3 storage", lo*p.RDS.GP3PerGBMonth, hi*p.RDS.GP3PerGBMonth)
	}
	// Performance Insights runs with its free 7-day retention: no line.
	fixed(e, LayerDatabase, "KMS key (storage)", p.KMS.KeyPerMonth)
	// Every instance exports its postgresql and upgrade logs into log
	// groups with the database's retention (an XDatabase written before the
	// field existed gets the layer's default).
	instances, days := 1.0, d.LogRetentionDays
	if d.ReadReplica {
		instances = 2
	}
	if days <= 0 {
		days = database.DefaultLogRetentionDays
	}
	fixed(e, LayerDatabase, fmt.Sprintf("RDS log exports (%s)", retention(days)), instances*p.logs(u.RDSLogsGBPerMonth, days))
	// The master password is generated by the provider into a Kubernetes
	// Secret, not managed by RDS in Secrets Manager: no secret to price
	// (secretsManager.secretPerMonth is there for when that changes).
}

func (p *Prices) dataLake(e *Estimate, l v1alpha1.DataLakeParameters, u Usage) {
	std, it, glacier := S3Split(l, p.Assumptions.S3AgeHorizonDays)
	fixed(e, LayerDataLake, "S3 Standard", u.S3DataGB*std*p.S3.StandardPerGBMonth)
	if it > 0 {
		e.add(LayerDataLake, "S3 Intelligent-Tiering", u.S3DataGB*it*p.S3.IntelligentTieringInfrequentPerGBMonth,
			u.S3DataGB*it*p.S3.IntelligentTieringFrequentPerGBMonth)
	}
	if glacier > 0 {
		fixed(e, LayerDataLake, "S3 Glacier Flexible Retrieval", u.S3DataGB*glacier*p.S3.GlacierFlexiblePerGBMonth)
	}
	if l.Encryption == v1alpha1.EncryptionKMS {
		fixed(e, LayerDataLake, "KMS key (buckets)", p.KMS.KeyPerMonth)
	}
	// Nothing ships app logs into the app log groups yet: they cost
	// nothing until an assumption says someone writes to them.
	if u.AppLogsGBPerMonth > 0 {
		fixed(e, LayerDataLake, "app logs", p.logs(u.AppLogsGBPerMonth, l.LogRetentionDays))
	}
	images := float64(len(datalake.Apps) * l.ImageRetentionCount)
	fixed(e, LayerDataLake, "ECR storage", images*p.Assumptions.ImageSizeGB*p.ECR.StoragePerGBMonth)
}

func (p *Prices) workloads(e *Estimate, w Workloads, zones int, u Usage) {
	h := p.HoursPerMonth
	albs := float64(w.ALBs)
	fixed(e, LayerWorkloads, fmt.Sprintf("ALB (%d)", w.ALBs), albs*(p.ELB.ALBPerHour+u.ALBLCU*p.ELB.ALBPerLCUHour)*h)
	fixed(e, LayerWorkloads, "ALB public IPv4 addresses", albs*float64(zones)*p.VPC.PublicIPv4PerHour*h)
	if len(w.Volumes) > 0 {
		var gib float64
		var names []string
		for _, v := range w.Volumes {
			gib += v.GiB
			names = append(names, fmt.Sprintf("%s %.0f", v.Name, v.GiB))
		}
		fixed(e, LayerWorkloads, fmt.Sprintf("persistent volumes (gp3 GiB: %s)", strings.Join(names, ", ")), gib*p.EBS.GP3PerGBMonth)
	}
	fixed(e, LayerWorkloads, fmt.Sprintf("internet egress (%.0f GB)", u.InternetEgressGBPerMonth), u.InternetEgressGBPerMonth*p.DataTransfer.InternetOutPerGB)
}

// S3Split returns the share of the data lake's data in Standard,
// Intelligent-Tiering and Glacier Flexible Retrieval, for data whose age is
// spread evenly over horizon days and the lifecycle rules of l.
func S3Split(l v1alpha1.DataLakeParameters, horizon float64) (std, it, glacier float64) {
	g := math.Min(float64(l.GlacierAfterDays), horizon)
	t := float64(l.IntelligentTieringAfterDays)
	if t <= 0 || t >= g {
		t = g
	}
	return t / horizon, (g - t) / horizon, (horizon - g) / horizon
}

func fixed(e *Estimate, layer, name string, v float64) { e.add(layer, name, v, v) }
