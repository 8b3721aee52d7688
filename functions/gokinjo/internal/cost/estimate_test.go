package cost_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/cost"
	"github.com/gokinjo/platform/functions/gokinjo/internal/environment"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// byHand is an expected estimate: every item of every layer summed
// explicitly from prices.yaml and the preset, so that a change to a preset,
// to a price or to the model shows up here.
type byHand struct {
	network, cluster, database, dataLake, workloads [2]float64
}

func (b byHand) total() [2]float64 {
	return [2]float64{
		b.network[0] + b.cluster[0] + b.database[0] + b.dataLake[0] + b.workloads[0],
		b.network[1] + b.cluster[1] + b.database[1] + b.dataLake[1] + b.workloads[1],
	}
}

func TestEstimateExampleEnvironments(t *testing.T) {
	p, err := cost.Default()
	if err != nil {
		t.Fatal(err)
	}
	h := p.HoursPerMonth
	ec2 := p.EC2.InstancePerHour
	rds := p.RDS.InstancePerHour
	disk := 20 * p.EBS.GP2PerGBMonth // the launch templates' root volume: EKS's default 20 GiB gp2 disk
	// A month of log ingestion and what the retention keeps stored.
	logs := func(gb, days float64) float64 {
		return gb*p.CloudWatch.LogsIngestPerGB + gb*days/30*p.CloudWatch.LogsStoragePerGBMonth
	}
	interAZ := func(gb float64) float64 { return gb * 2 * p.DataTransfer.InterAZPerGBEachWay }
	ecr := 2 * 30 * p.Assumptions.ImageSizeGB * p.ECR.StoragePerGBMonth // 2 repositories x 30 images
	same := func(v float64) [2]float64 { return [2]float64{v, v} }
	year := p.Assumptions.S3AgeHorizonDays
	dev, stg, prd := p.Assumptions.Dev, p.Assumptions.Staging, p.Assumptions.Prod
	// The workloads layer: one ALB (hours, LCUs, a public IPv4 per zone),
	// the charts' volumes (Prometheus, Grafana 10, Airflow triggerer 100 GiB
	// gp3) and internet egress.
	workloads := func(u cost.Usage, prometheusGiB float64) [2]float64 {
		return same((p.ELB.ALBPerHour+u.ALBLCU*p.ELB.ALBPerLCUHour)*h + 3*p.VPC.PublicIPv4PerHour*h +
			(prometheusGiB+10+100)*p.EBS.GP3PerGBMonth + u.InternetEgressGBPerMonth*p.DataTransfer.InternetOutPerGB)
	}

	cases := map[string]struct {
		reason string
		want   byHand
		// Pinned whole-dollar totals: when prices.yaml changes, update
		// these and the table in docs/cost.md together.
		wantUSD [2]int
		budget  int
		verdict string
	}{
		v1alpha1.EnvDev: {
			reason: "dev: 1 NAT; EKS, t3.medium 2-5 and c5.xlarge 0-2; single-AZ db.t3.medium 50-100 GiB; Standard 90 days then Glacier",
			want: byHand{
				network: same(1*p.VPC.NATGatewayPerHour*h + dev.NATProcessedGBPerMonth*p.VPC.NATGatewayPerGB + 1*p.VPC.PublicIPv4PerHour*h +
					interAZ(dev.InterAZGBPerMonth+dev.NATProcessedGBPerMonth*2/3)), // two zones' internet traffic crosses to the one NAT
				cluster: [2]float64{
					p.EKS.ClusterPerHour*h + 2*ec2["t3.medium"]*h + 0*ec2["c5.xlarge"]*h + 2*disk + p.KMS.KeyPerMonth + logs(dev.ControlPlaneLogsGBPerMonth, 7),
					p.EKS.ClusterPerHour*h + 5*ec2["t3.medium"]*h + 2*ec2["c5.xlarge"]*h + 7*disk + p.KMS.KeyPerMonth + logs(dev.ControlPlaneLogsGBPerMonth, 7),
				},
				database: [2]float64{
					rds["db.t3.medium"]*h + 50*p.RDS.GP3PerGBMonth + p.KMS.KeyPerMonth + logs(dev.RDSLogsGBPerMonth, 7),
					rds["db.t3.medium"]*h + 100*p.RDS.GP3PerGBMonth + p.KMS.KeyPerMonth + logs(dev.RDSLogsGBPerMonth, 7),
				},
				dataLake:  same(dev.S3DataGB*90/year*p.S3.StandardPerGBMonth + dev.S3DataGB*(year-90)/year*p.S3.GlacierFlexiblePerGBMonth + ecr),
				workloads: workloads(dev, 20),
			},
			wantUSD: [2]int{347, 798}, budget: 500, verdict: cost.VerdictOverAtMax,
		},
		v1alpha1.EnvStaging: {
			reason: "staging: 1 NAT; t3.large 2-5 and c5.xlarge 0-2; Multi-AZ db.t3.large 100-200 GiB; tiering at 30, Glacier at 90",
			want: byHand{
				network: same(1*p.VPC.NATGatewayPerHour*h + stg.NATProcessedGBPerMonth*p.VPC.NATGatewayPerGB + 1*p.VPC.PublicIPv4PerHour*h +
					interAZ(stg.InterAZGBPerMonth+stg.NATProcessedGBPerMonth*2/3)), // two zones' internet traffic crosses to the one NAT
				cluster: [2]float64{
					p.EKS.ClusterPerHour*h + 2*ec2["t3.large"]*h + 0*ec2["c5.xlarge"]*h + 2*disk + p.KMS.KeyPerMonth + logs(stg.ControlPlaneLogsGBPerMonth, 30),
					p.EKS.ClusterPerHour*h + 5*ec2["t3.large"]*h + 2*ec2["c5.xlarge"]*h + 7*disk + p.KMS.KeyPerMonth + logs(stg.ControlPlaneLogsGBPerMonth, 30),
				},
				database: [2]float64{
					2*rds["db.t3.large"]*h + 100*p.RDS.GP3MultiAZPerGBMonth + p.KMS.KeyPerMonth + logs(stg.RDSLogsGBPerMonth, 30),
					2*rds["db.t3.large"]*h + 200*p.RDS.GP3MultiAZPerGBMonth + p.KMS.KeyPerMonth + logs(stg.RDSLogsGBPerMonth, 30),
				},
				dataLake: [2]float64{
					stg.S3DataGB*30/year*p.S3.StandardPerGBMonth + stg.S3DataGB*60/year*p.S3.IntelligentTieringInfrequentPerGBMonth +
						stg.S3DataGB*(year-90)/year*p.S3.GlacierFlexiblePerGBMonth + ecr,
					stg.S3DataGB*30/year*p.S3.StandardPerGBMonth + stg.S3DataGB*60/year*p.S3.IntelligentTieringFrequentPerGBMonth +
						stg.S3DataGB*(year-90)/year*p.S3.GlacierFlexiblePerGBMonth + ecr,
				},
				workloads: workloads(stg, 20),
			},
			wantUSD: [2]int{708, 1299}, budget: 800, verdict: cost.VerdictOverAtMax,
		},
		v1alpha1.EnvProd: {
			reason: "prod: 3 NATs; t3.large 2-4 and c5.xlarge 2-4; Multi-AZ db.r6g.large + replica, 200-500 GiB; 90-day logs",
			want: byHand{
				network: same(3*p.VPC.NATGatewayPerHour*h + prd.NATProcessedGBPerMonth*p.VPC.NATGatewayPerGB + 3*p.VPC.PublicIPv4PerHour*h +
					interAZ(prd.InterAZGBPerMonth)),
				cluster: [2]float64{
					p.EKS.ClusterPerHour*h + 2*ec2["t3.large"]*h + 2*ec2["c5.xlarge"]*h + 4*disk + p.KMS.KeyPerMonth + logs(prd.ControlPlaneLogsGBPerMonth, 90),
					p.EKS.ClusterPerHour*h + 4*ec2["t3.large"]*h + 4*ec2["c5.xlarge"]*h + 8*disk + p.KMS.KeyPerMonth + logs(prd.ControlPlaneLogsGBPerMonth, 90),
				},
				database: [2]float64{
					2*rds["db.r6g.large"]*h + 1*rds["db.r6g.large"]*h + 200*p.RDS.GP3MultiAZPerGBMonth + 200*p.RDS.GP3PerGBMonth + p.KMS.KeyPerMonth + 2*logs(prd.RDSLogsGBPerMonth, 90), // primary and replica export
					2*rds["db.r6g.large"]*h + 1*rds["db.r6g.large"]*h + 500*p.RDS.GP3MultiAZPerGBMonth + 500*p.RDS.GP3PerGBMonth + p.KMS.KeyPerMonth + 2*logs(prd.RDSLogsGBPerMonth, 90),
				},
				dataLake: [2]float64{
					prd.S3DataGB*30/year*p.S3.StandardPerGBMonth + prd.S3DataGB*60/year*p.S3.IntelligentTieringInfrequentPerGBMonth +
						prd.S3DataGB*(year-90)/year*p.S3.GlacierFlexiblePerGBMonth + ecr,
					prd.S3DataGB*30/year*p.S3.StandardPerGBMonth + prd.S3DataGB*60/year*p.S3.IntelligentTieringFrequentPerGBMonth +
						prd.S3DataGB*(year-90)/year*p.S3.GlacierFlexiblePerGBMonth + ecr,
				},
				workloads: workloads(prd, 100),
			},
			wantUSD: [2]int{1568, 2175}, budget: 2000, verdict: cost.VerdictOverAtMax,
		},
	}
	for env, tc := range cases {
		t.Run(env, func(t *testing.T) {
			r, err := environment.Resolve("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: env}, "")
			if err != nil {
				t.Fatal(err)
			}
			e, err := p.Estimate(r.CostInput())
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Unpriced) != 0 {
				t.Errorf("%s: every preset must be priced, unpriced: %v", tc.reason, e.UnpricedNames())
			}
			for name, want := range map[string][2]float64{cost.LayerNetwork: tc.want.network, cost.LayerCluster: tc.want.cluster, cost.LayerDatabase: tc.want.database, cost.LayerDataLake: tc.want.dataLake, cost.LayerWorkloads: tc.want.workloads} {
				lo, hi, _ := e.Layer(name)
				if !near(lo, want[0]) || !near(hi, want[1]) {
					t.Errorf("%s: layer %s: want %.2f-%.2f, got %.2f-%.2f", tc.reason, name, want[0], want[1], lo, hi)
				}
			}
			lo, hi := e.Total()
			if want := tc.want.total(); !near(lo, want[0]) || !near(hi, want[1]) {
				t.Errorf("%s: total: want %.2f-%.2f, got %.2f-%.2f", tc.reason, want[0], want[1], lo, hi)
			}
			if got := [2]int{cost.USD(lo), cost.USD(hi)}; got != tc.wantUSD {
				t.Errorf("%s: whole dollars: want %v, got %v (prices.yaml or a preset changed: update this and docs/cost.md)", tc.reason, tc.wantUSD, got)
			}
			j := cost.Judge(e, r.DataLake.Budget.MonthlyLimitUSD)
			if j.Budget != tc.budget || j.Verdict != tc.verdict {
				t.Errorf("%s: want budget %d %s, got %d %s", tc.reason, tc.budget, tc.verdict, j.Budget, j.Verdict)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func TestUnpriced(t *testing.T) {
	p, err := cost.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := environment.Resolve("gokinjo-abcde", v1alpha1.EnvironmentParameters{
		Environment: v1alpha1.EnvDev,
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	// The database and cluster layers refuse classes and types outside the
	// facts, so an unpriced one only reaches the cost model from a stale
	// prices file: the model must still name it, never price it at 0.
	r.Database.InstanceClass = "db.x9.huge"
	r.Cluster.NodeGroups[0].InstanceType = "x9.huge"
	e, err := p.Estimate(r.CostInput())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"EC2 instance type x9.huge (node group general)", "RDS instance class db.x9.huge"}
	if diff := cmp.Diff(want, e.UnpricedNames()); diff != "" {
		t.Errorf("an unknown type is named as unpriced, never counted as 0: -want, +got:\n%s", diff)
	}
	for _, i := range e.Items {
		if i.Name == "node group general (x9.huge x 2-5)" {
			t.Errorf("an unpriced node group must not appear as a priced item: %+v", i)
		}
	}
}

func TestJudge(t *testing.T) {
	est := cost.Estimate{Items: []cost.Item{
		{Layer: "cluster", Name: "nodes", Min: 100, Max: 400},
		{Layer: "database", Name: "rds", Min: 200, Max: 200},
		{Layer: "network", Name: "nat", Min: 50, Max: 50},
		{Layer: "dataLake", Name: "s3", Min: 1, Max: 1},
	}}
	cases := map[string]struct {
		reason  string
		budget  int
		verdict string
		within  bool
	}{
		"Within":    {reason: "the maximum (651) fits", budget: 700, verdict: cost.VerdictWithin, within: true},
		"Exactly":   {reason: "a maximum equal to the budget fits", budget: 651, verdict: cost.VerdictWithin, within: true},
		"OverAtMax": {reason: "the minimum (351) fits, the maximum does not", budget: 500, verdict: cost.VerdictOverAtMax},
		"Over":      {reason: "even the minimum exceeds the budget", budget: 300, verdict: cost.VerdictOver},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			j := cost.Judge(est, tc.budget)
			if j.Verdict != tc.verdict || j.Within != tc.within {
				t.Errorf("%s: want %s within=%t, got %s within=%t", tc.reason, tc.verdict, tc.within, j.Verdict, j.Within)
			}
			want := []string{"cluster nodes 100-400", "database rds 200", "network nat 50"}
			if diff := cmp.Diff(want, j.Top); diff != "" {
				t.Errorf("%s: top contributors, biggest maximum first: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestS3Split(t *testing.T) {
	cases := map[string]struct {
		reason           string
		tiering, glacier int
		want             [3]float64
	}{
		"NoTiering":   {reason: "Standard until Glacier", glacier: 90, want: [3]float64{90.0 / 365, 0, 275.0 / 365}},
		"Tiering":     {reason: "Standard, tiering, Glacier", tiering: 30, glacier: 90, want: [3]float64{30.0 / 365, 60.0 / 365, 275.0 / 365}},
		"PastHorizon": {reason: "Glacier after the horizon: nothing there yet", tiering: 30, glacier: 400, want: [3]float64{30.0 / 365, 335.0 / 365, 0}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, i, g := cost.S3Split(v1alpha1.DataLakeParameters{IntelligentTieringAfterDays: tc.tiering, GlacierAfterDays: tc.glacier}, 365)
			if got := [3]float64{s, i, g}; !near(got[0], tc.want[0]) || !near(got[1], tc.want[1]) || !near(got[2], tc.want[2]) {
				t.Errorf("%s: want %v, got %v", tc.reason, tc.want, got)
			}
		})
	}
}

func TestPricesFile(t *testing.T) {
	p, err := cost.Default()
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "ap-northeast-1" || p.Date == "" || p.HoursPerMonth != 730 {
		t.Errorf("prices.yaml must name its region and date: %s %q %v", p.Region, p.Date, p.HoursPerMonth)
	}
	// Every type a preset uses is priced.
	for _, it := range []string{"t3.medium", "t3.large", "c5.xlarge"} {
		if p.EC2.InstancePerHour[it] <= 0 {
			t.Errorf("ec2 %s has no price", it)
		}
	}
	for _, c := range []string{"db.t3.medium", "db.t3.large", "db.r6g.large"} {
		if p.RDS.InstancePerHour[c] <= 0 {
			t.Errorf("rds %s has no price", c)
		}
	}
	if _, err := cost.Parse([]byte("region: x\ncurrency: USD\ndate: d\nhoursPerMonth: 730\nbogus: 1\n")); err == nil {
		t.Error("an unknown field in prices.yaml must be refused")
	}
}

// TestLogLines: a log group without retention is stored for ever (a year is
// counted), and app log groups nothing writes to cost nothing.
func TestLogLines(t *testing.T) {
	p, err := cost.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := environment.Resolve("gokinjo-abcde", v1alpha1.EnvironmentParameters{Environment: v1alpha1.EnvDev}, "")
	if err != nil {
		t.Fatal(err)
	}
	in := r.CostInput()
	in.Cluster.LogRetentionDays = 0
	e, err := p.Estimate(in)
	if err != nil {
		t.Fatal(err)
	}
	gb := p.Assumptions.Dev.ControlPlaneLogsGBPerMonth
	want := gb*p.CloudWatch.LogsIngestPerGB + gb*365/30*p.CloudWatch.LogsStoragePerGBMonth
	found := false
	for _, i := range e.Items {
		if i.Name == "control-plane logs (no retention, a year stored)" {
			found = near(i.Min, want)
		}
		if i.Name == "app logs" {
			t.Errorf("nothing writes to the app log groups yet: no app logs line, got %+v", i)
		}
	}
	if !found {
		t.Errorf("control-plane logs without retention: want one line of %.2f USD, items %+v", want, e.Items)
	}
}
