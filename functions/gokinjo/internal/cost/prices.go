// Package cost estimates the monthly AWS cost of an environment from its
// resolved parameters, before anything is created, and judges it against the
// environment's budget. Every price is in prices.yaml, beside this file.
package cost

import (
	_ "embed"
	"fmt"
	"sync"

	"sigs.k8s.io/yaml"
)

//go:embed prices.yaml
var pricesYAML []byte

// Prices is prices.yaml: on-demand list prices of one region and the usage
// assumptions they are multiplied by.
type Prices struct {
	Region        string  `json:"region"`
	Currency      string  `json:"currency"`
	Date          string  `json:"date"`
	HoursPerMonth float64 `json:"hoursPerMonth"`
	EKS           struct {
		ClusterPerHour                float64 `json:"clusterPerHour"`
		ClusterExtendedSupportPerHour float64 `json:"clusterExtendedSupportPerHour"`
	} `json:"eks"`
	EC2 struct {
		InstancePerHour map[string]float64 `json:"instancePerHour"`
	} `json:"ec2"`
	EBS EBSPrices `json:"ebs"`
	VPC struct {
		NATGatewayPerHour float64 `json:"natGatewayPerHour"`
		NATGatewayPerGB   float64 `json:"natGatewayPerGB"`
		PublicIPv4PerHour float64 `json:"publicIPv4PerHour"`
	} `json:"vpc"`
	RDS struct {
		InstancePerHour                 map[string]float64 `json:"instancePerHour"`
		GP3PerGBMonth                   float64            `json:"gp3PerGBMonth"`
		GP3MultiAZPerGBMonth            float64            `json:"gp3MultiAZPerGBMonth"`
		PerformanceInsightsFreeDays     int                `json:"performanceInsightsFreeDays"`
		PerformanceInsightsPerVCPUMonth float64            `json:"performanceInsightsPerVCPUMonth"`
	} `json:"rds"`
	ELB struct {
		ALBPerHour    float64 `json:"albPerHour"`
		ALBPerLCUHour float64 `json:"albPerLCUHour"`
	} `json:"elb"`
	S3 struct {
		StandardPerGBMonth                     float64 `json:"standardPerGBMonth"`
		IntelligentTieringFrequentPerGBMonth   float64 `json:"intelligentTieringFrequentPerGBMonth"`
		IntelligentTieringInfrequentPerGBMonth float64 `json:"intelligentTieringInfrequentPerGBMonth"`
		GlacierFlexiblePerGBMonth              float64 `json:"glacierFlexiblePerGBMonth"`
	} `json:"s3"`
	CloudWatch struct {
		LogsIngestPerGB       float64 `json:"logsIngestPerGB"`
		LogsStoragePerGBMonth float64 `json:"logsStoragePerGBMonth"`
	} `json:"cloudwatch"`
	KMS struct {
		KeyPerMonth float64 `json:"keyPerMonth"`
	} `json:"kms"`
	ECR struct {
		StoragePerGBMonth float64 `json:"storagePerGBMonth"`
	} `json:"ecr"`
	DataTransfer struct {
		InterAZPerGBEachWay float64 `json:"interAZPerGBEachWay"`
		InternetOutPerGB    float64 `json:"internetOutPerGB"`
	} `json:"dataTransfer"`
	SecretsManager struct {
		SecretPerMonth float64 `json:"secretPerMonth"`
	} `json:"secretsManager"`
	Assumptions Assumptions `json:"assumptions"`
	// Sources say where each price comes from, by its path ("ebs.gp3PerGBMonth").
	Sources map[string]Source `json:"sources"`
}

// Source is where a price was read and whether stored material confirmed it.
type Source struct {
	URL      string `json:"url"`
	Checked  string `json:"checked"`
	Verified bool   `json:"verified"`
	Note     string `json:"note"`
}

// Assumptions are the usage figures the package cannot know.
type Assumptions struct {
	Dev              Usage   `json:"dev"`
	Staging          Usage   `json:"staging"`
	Prod             Usage   `json:"prod"`
	ImageSizeGB      float64 `json:"imageSizeGB"`
	S3AgeHorizonDays float64 `json:"s3AgeHorizonDays"`
}

// Usage is one environment's assumed traffic and data volumes.
type Usage struct {
	NATProcessedGBPerMonth     float64 `json:"natProcessedGBPerMonth"`
	S3DataGB                   float64 `json:"s3DataGB"`
	AppLogsGBPerMonth          float64 `json:"appLogsGBPerMonth"`
	ControlPlaneLogsGBPerMonth float64 `json:"controlPlaneLogsGBPerMonth"`
	RDSLogsGBPerMonth          float64 `json:"rdsLogsGBPerMonth"`
	InterAZGBPerMonth          float64 `json:"interAZGBPerMonth"`
	InternetEgressGBPerMonth   float64 `json:"internetEgressGBPerMonth"`
	ALBLCU                     float64 `json:"albLCU"`
}

// UsageFor returns the assumptions of an environment name.
func (p *Prices) UsageFor(env string) (Usage, error) {
	switch env {
	case "dev":
		return p.Assumptions.Dev, nil
	case "staging":
		return p.Assumptions.Staging, nil
	case "prod":
		return p.Assumptions.Prod, nil
	}
	return Usage{}, fmt.Errorf("cost: no usage assumptions for environment %q in prices.yaml", env)
}

// Parse reads a prices file, refusing fields it does not know.
func Parse(b []byte) (*Prices, error) {
	p := &Prices{}
	if err := yaml.UnmarshalStrict(b, p); err != nil {
		return nil, fmt.Errorf("cost: prices.yaml: %w", err)
	}
	if p.HoursPerMonth <= 0 || p.Date == "" || p.Currency == "" {
		return nil, fmt.Errorf("cost: prices.yaml needs hoursPerMonth, date and currency")
	}
	return p, nil
}

var (
	loadOnce sync.Once
	loaded   *Prices
	loadErr  error
)

// Default returns the embedded prices.yaml.
func Default() (*Prices, error) {
	loadOnce.Do(func() { loaded, loadErr = Parse(pricesYAML) })
	return loaded, loadErr
}

// EBSPrices are the EBS volume prices.
type EBSPrices struct {
	GP2PerGBMonth float64 `json:"gp2PerGBMonth"`
	GP3PerGBMonth float64 `json:"gp3PerGBMonth"`
}

// PerGBMonth is the price of a volume type; 0, false for a type not priced.
func (e EBSPrices) PerGBMonth(volumeType string) (float64, bool) {
	switch volumeType {
	case "gp2":
		return e.GP2PerGBMonth, true
	case "gp3":
		return e.GP3PerGBMonth, true
	}
	return 0, false
}
