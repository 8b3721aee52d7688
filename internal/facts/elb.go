package facts

import "time"

// ELBFacts: what the Application Load Balancer in front of the apps does
// that the apps' servers must fit. Owner: services.
type ELBFacts struct {
	// ALBIdleTimeoutSeconds is the ALB's connection idle timeout when
	// nothing sets it (the Ingress sets no load balancer attributes). AWS
	// recommends a longer keep-alive on the targets, so the ALB, not the
	// target, closes an idle connection (else an occasional 502).
	ALBIdleTimeoutSeconds int    `json:"albIdleTimeoutSeconds"`
	Source                Source `json:"source"`
}

// ALBIdleTimeout is ALBIdleTimeoutSeconds as a duration.
func (e ELBFacts) ALBIdleTimeout() time.Duration {
	return time.Duration(e.ALBIdleTimeoutSeconds) * time.Second
}

// ELB is loaded from data/elb.yaml.
var ELB = mustLoad[ELBFacts]("elb.yaml")
