package facts

// EC2Facts: the EC2 instance types node groups may use, with their CPU
// architecture, and the EKS AMI type for each architecture. Owner: cluster layer.
type EC2Facts struct {
	Source        Source         `json:"source"`
	InstanceTypes []InstanceType `json:"instanceTypes"`
	// AMITypes maps an architecture (x86_64, arm64) to the EKS managed node
	// group amiType that boots it.
	AMITypes       map[string]string `json:"amiTypes"`
	AMITypesSource Source            `json:"amiTypesSource"`
}

// InstanceType is one EC2 instance type.
type InstanceType struct {
	Name string `json:"name"`
	Arch string `json:"arch"`
}

// EC2 is loaded from data/ec2.yaml.
var EC2 = mustLoad[EC2Facts]("ec2.yaml")

// InstanceType returns the facts of an instance type.
func (f EC2Facts) InstanceType(name string) (InstanceType, bool) {
	for _, t := range f.InstanceTypes {
		if t.Name == name {
			return t, true
		}
	}
	return InstanceType{}, false
}

// Names lists the instance types, in file order: the XRD allow-list.
func (f EC2Facts) Names() []string {
	out := make([]string, len(f.InstanceTypes))
	for i, t := range f.InstanceTypes {
		out[i] = t.Name
	}
	return out
}

// AMIType is the node group AMI type that boots an instance type.
func (f EC2Facts) AMIType(instanceType string) (string, bool) {
	t, ok := f.InstanceType(instanceType)
	if !ok {
		return "", false
	}
	ami, ok := f.AMITypes[t.Arch]
	return ami, ok
}
