package policy

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func kind(group, k string) func(u *unstructured.Unstructured) bool {
	return func(u *unstructured.Unstructured) bool {
		return u.GroupVersionKind().Group == group && u.GetKind() == k
	}
}

func forProvider(u *unstructured.Unstructured, path ...string) (any, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(u.Object, append([]string{"spec", "forProvider"}, path...)...)
	return v, ok
}

func init() { // Rule registry.
	register(Rule{
		Name:    "rds-private-encrypted",
		About:   "RDS instances are never publicly accessible and always encrypted at rest with a KMS key.",
		Applies: kind("rds.aws.upbound.io", "Instance"),
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			var out []string
			if v, ok := forProvider(u, "publiclyAccessible"); !ok || v != false {
				out = append(out, "publiclyAccessible must be set to false")
			}
			if v, ok := forProvider(u, "storageEncrypted"); !ok || v != true {
				out = append(out, "storageEncrypted must be true")
			}
			_, arn := forProvider(u, "kmsKeyId")
			_, sel := forProvider(u, "kmsKeyIdSelector")
			if !arn && !sel {
				out = append(out, "encryption must use the composed KMS key (kmsKeyId or kmsKeyIdSelector)")
			}
			return out
		},
	})

	register(Rule{
		Name:    "s3-encrypted-private-tls",
		About:   "S3 buckets have default encryption, a full public access block and a policy denying non-TLS access.",
		Applies: kind("s3.aws.upbound.io", "Bucket"),
		Check: func(u *unstructured.Unstructured, idx *Index) []string {
			var out []string
			if sse := idx.Selecting(u, "BucketServerSideEncryptionConfiguration", "bucketSelector"); len(sse) != 1 {
				out = append(out, fmt.Sprintf("want one BucketServerSideEncryptionConfiguration, found %d", len(sse)))
			} else if alg, _, _ := unstructured.NestedSlice(sse[0].Object, "spec", "forProvider", "rule"); len(alg) == 0 {
				out = append(out, "the encryption configuration has no rule")
			}
			pab := idx.Selecting(u, "BucketPublicAccessBlock", "bucketSelector")
			if len(pab) != 1 {
				out = append(out, fmt.Sprintf("want one BucketPublicAccessBlock, found %d", len(pab)))
			} else {
				for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if v, _ := forProvider(pab[0], f); v != true {
						out = append(out, "public access block: "+f+" must be true")
					}
				}
			}
			tls := false
			for _, p := range idx.Selecting(u, "BucketPolicy", "bucketSelector") {
				doc, err := parsePolicy(p, "policy")
				if err != nil {
					out = append(out, err.Error())
					continue
				}
				for _, s := range doc.Statement {
					if s.Effect == "Deny" && fmt.Sprint(s.Condition["Bool"]["aws:SecureTransport"]) == "false" {
						tls = true
					}
				}
			}
			if !tls {
				out = append(out, "no bucket policy denies requests without TLS (aws:SecureTransport false)")
			}
			if v, ok := forProvider(u, "forceDestroy"); ok && v == true && u.GetLabels()["platform.gokinjo.io/environment"] == "prod" {
				out = append(out, "prod buckets must never set forceDestroy")
			}
			return out
		},
	})

	register(Rule{
		Name:    "eks-secrets-kms",
		About:   "EKS clusters encrypt Kubernetes secrets with a KMS key.",
		Applies: kind("eks.aws.upbound.io", "Cluster"),
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			cfgs, _, _ := unstructured.NestedSlice(u.Object, "spec", "forProvider", "encryptionConfig")
			for _, c := range cfgs {
				m, _ := c.(map[string]any)
				res, _ := m["resources"].([]any)
				prov, _ := m["provider"].([]any)
				if slices.Contains(res, any("secrets")) && len(prov) > 0 {
					p, _ := prov[0].(map[string]any)
					if p["keyArn"] != nil || p["keyArnSelector"] != nil || p["keyArnRef"] != nil {
						return nil
					}
				}
			}
			return []string{"encryptionConfig must encrypt resources [secrets] with a KMS key"}
		},
	})

	register(Rule{
		Name:  "sg-no-open-ingress",
		About: "No security group ingress from 0.0.0.0/0 or ::/0, except an ALB on 80/443.",
		Applies: func(u *unstructured.Unstructured) bool {
			return u.GroupVersionKind().Group == "ec2.aws.upbound.io" &&
				(u.GetKind() == "SecurityGroupIngressRule" || u.GetKind() == "SecurityGroup" || u.GetKind() == "SecurityGroupRule")
		},
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			var rules []map[string]any
			if u.GetKind() == "SecurityGroup" {
				ing, _, _ := unstructured.NestedSlice(u.Object, "spec", "forProvider", "ingress")
				for _, r := range ing {
					if m, ok := r.(map[string]any); ok {
						rules = append(rules, m)
					}
				}
			} else {
				v, _ := forProvider(u)
				fp, _ := v.(map[string]any)
				if u.GetKind() == "SecurityGroupRule" && fp["type"] != "ingress" {
					return nil
				}
				rules = append(rules, fp)
			}
			var out []string
			for _, r := range rules {
				if !openToWorld(r) {
					continue
				}
				if albPort(r) {
					continue
				}
				out = append(out, fmt.Sprintf("ingress from anywhere on ports %v-%v", r["fromPort"], r["toPort"]))
			}
			return out
		},
	})

	register(Rule{
		Name:  "iam-no-wildcard-admin",
		About: "IAM policies never allow * (or service:*) actions on * resources.",
		Applies: func(u *unstructured.Unstructured) bool {
			return u.GroupVersionKind().Group == "iam.aws.upbound.io" && (u.GetKind() == "Policy" || u.GetKind() == "RolePolicy")
		},
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			doc, err := parsePolicy(u, "policy")
			if err != nil {
				return []string{err.Error()}
			}
			var out []string
			for i, s := range doc.Statement {
				if s.Effect != "Allow" || !slices.Contains(s.Resource, "*") {
					continue
				}
				for _, a := range s.Action {
					if a == "*" || strings.HasSuffix(a, ":*") {
						out = append(out, fmt.Sprintf("statement %d allows %s on *", i, a))
					}
				}
			}
			return out
		},
	})

	register(Rule{
		Name:  "irsa-trust-one-service-account",
		About: "IRSA roles trust exactly one service account of one namespace, for the sts.amazonaws.com audience.",
		Applies: func(u *unstructured.Unstructured) bool {
			if !kind("iam.aws.upbound.io", "Role")(u) {
				return false
			}
			p, _ := forProvider(u, "assumeRolePolicy")
			s, _ := p.(string)
			return strings.Contains(s, "AssumeRoleWithWebIdentity")
		},
		Check: func(u *unstructured.Unstructured, _ *Index) []string {
			doc, err := parsePolicy(u, "assumeRolePolicy")
			if err != nil {
				return []string{err.Error()}
			}
			var out []string
			for i, s := range doc.Statement {
				if s.Condition["StringLike"] != nil {
					out = append(out, fmt.Sprintf("statement %d uses StringLike: wildcards widen the trust", i))
				}
				eq := s.Condition["StringEquals"]
				var subs, auds []string
				for k, v := range eq {
					switch {
					case strings.HasSuffix(k, ":sub"):
						subs = append(subs, values(v)...)
					case strings.HasSuffix(k, ":aud"):
						auds = append(auds, values(v)...)
					}
				}
				if len(subs) != 1 || !validSubject(subs[0]) {
					out = append(out, fmt.Sprintf("statement %d must trust exactly one system:serviceaccount:<namespace>:<name>, trusts %v", i, subs))
				}
				if len(auds) != 1 || auds[0] != "sts.amazonaws.com" {
					out = append(out, fmt.Sprintf("statement %d must restrict the audience to sts.amazonaws.com, has %v", i, auds))
				}
			}
			return out
		},
	})
}

func openToWorld(r map[string]any) bool {
	for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
		if v, _ := r[k].(string); v == "0.0.0.0/0" || v == "::/0" {
			return true
		}
	}
	for _, k := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
		if l, ok := r[k].([]any); ok && (slices.Contains(l, any("0.0.0.0/0")) || slices.Contains(l, any("::/0"))) {
			return true
		}
	}
	return false
}

// albPort is the one allowed exception: a load balancer's HTTP(S) listener.
func albPort(r map[string]any) bool {
	from, to := fmt.Sprint(r["fromPort"]), fmt.Sprint(r["toPort"])
	desc, _ := r["description"].(string)
	return from == to && (from == "80" || from == "443") && strings.Contains(strings.ToLower(desc), "alb")
}

func validSubject(s string) bool {
	parts := strings.Split(s, ":")
	return len(parts) == 4 && parts[0] == "system" && parts[1] == "serviceaccount" &&
		parts[2] != "" && parts[3] != "" && !strings.ContainsAny(parts[2]+parts[3], "*?")
}
