package facts

import "testing"

func TestEC2(t *testing.T) {
	checkSource(t, "ec2", EC2.Source)
	checkSource(t, "ec2 amiTypes", EC2.AMITypesSource)
	seen := map[string]bool{}
	for _, it := range EC2.InstanceTypes {
		if seen[it.Name] {
			t.Errorf("%s listed twice", it.Name)
		}
		seen[it.Name] = true
		if _, ok := EC2.AMITypes[it.Arch]; !ok {
			t.Errorf("%s: architecture %q has no AMI type", it.Name, it.Arch)
		}
	}
	for in, want := range map[string]string{"t3.large": "AL2023_x86_64_STANDARD", "m7g.large": "AL2023_ARM_64_STANDARD"} {
		if got, _ := EC2.AMIType(in); got != want {
			t.Errorf("AMIType(%s) = %q, want %q", in, got, want)
		}
	}
}
