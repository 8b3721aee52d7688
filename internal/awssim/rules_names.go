package awssim

import (
	"regexp"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Name rules: each kind of AWS name has a length and character rule
// (facts.Limits.Names) and a scope in which it must be unique. A second
// managed resource with an existing name would, with the real provider,
// silently adopt the first one's AWS resource (the external name wins), so
// the simulator refuses it loudly instead.
//
// The limit keys this file reads from internal/facts/data/limits.yaml.
const (
	LimitS3Bucket      = "s3Bucket"
	LimitRDSIdentifier = "rdsIdentifier"
	LimitIAMRole       = "iamRole"
	LimitKMSAlias      = "kmsAlias"
	LimitLogGroup      = "logGroup"
	LimitECRRepository = "ecrRepository"
	// Policy documents (facts.Limits.PolicyDocuments).
	LimitTrustPolicy   = "trust"
	LimitInlinePolicy  = "inline"
	LimitManagedPolicy = "managed"
)

type nameRule struct {
	kind  schema.GroupKind
	limit string
	op    string
	// code is AWS's error for a bad name; taken the existing-name error.
	code, taken string
	// field: the name is forProvider.<field>, else the external name.
	field string
	// scope of uniqueness: "global" (S3), "account" (IAM), "region".
	scope string
}

var nameRules = []nameRule{
	{kind: gk("s3", "Bucket"), limit: LimitS3Bucket, op: "CreateBucket", code: "InvalidBucketName", taken: "BucketAlreadyOwnedByYou", scope: "global"},
	{kind: gk("rds", "Instance"), limit: LimitRDSIdentifier, op: "CreateDBInstance", code: "InvalidParameterValue", taken: "DBInstanceAlreadyExists", field: "identifier", scope: "region"},
	{kind: gk("iam", "Role"), limit: LimitIAMRole, op: "CreateRole", code: "ValidationError", taken: "EntityAlreadyExists", scope: "account"},
	{kind: gk("kms", "Alias"), limit: LimitKMSAlias, op: "CreateAlias", code: "ValidationException", taken: "AlreadyExistsException", scope: "region"},
	{kind: gk("cloudwatchlogs", "Group"), limit: LimitLogGroup, op: "CreateLogGroup", code: "InvalidParameterException", taken: "ResourceAlreadyExistsException", scope: "region"},
	{kind: gk("ecr", "Repository"), limit: LimitECRRepository, op: "CreateRepository", code: "InvalidParameterException", taken: "RepositoryAlreadyExistsException", scope: "region"},
	{kind: gk("eks", "Cluster"), op: "CreateCluster", taken: "ResourceInUseException", scope: "region"},
	{kind: gk("iam", "Policy"), op: "CreatePolicy", taken: "EntityAlreadyExists", scope: "account"},
}

func init() { // Rule registration.
	for _, nr := range nameRules {
		onCreate(nr.kind, nr.check)
	}
	onCreate(gk("iam", "Role"), policySize("assumeRolePolicy", LimitTrustPolicy, "CreateRole", "Cannot exceed quota for ACLSizePerRole: %d"))
	onCreate(gk("iam", "RolePolicy"), policySize("policy", LimitInlinePolicy, "PutRolePolicy", "Maximum policy size of %d bytes exceeded for role"))
	onCreate(gk("iam", "Policy"), policySize("policy", LimitManagedPolicy, "CreatePolicy", "Cannot exceed quota for PolicySize: %d"))
}

func (nr nameRule) name(r *Resource) string {
	if nr.field != "" {
		if v := fp(r.Observed, nr.field); v != "" {
			return v
		}
	}
	return r.ExternalName()
}

func (nr nameRule) check(a *Account, r *Resource) *AWSError {
	name := nr.name(r)
	if l, ok := a.Facts.Limits.Names[nr.limit]; ok && nr.limit != "" {
		bad := len(name) < l.Min || (l.Max > 0 && len(name) > l.Max)
		if !bad && l.Pattern != "" {
			re, err := regexp.Compile(l.Pattern)
			bad = err != nil || !re.MatchString(name)
		}
		if bad {
			return awsErr("names-"+nr.limit, nr.op, nr.code, "%q is not a valid name: %d-%d characters, %s", name, l.Min, l.Max, l.Rule)
		}
	}
	// Uniqueness in the name's scope.
	for _, o := range a.res {
		if o == r || o.Kind != nr.kind || !o.inAWS() || nr.name(o) != name {
			continue
		}
		if nr.scope == "region" && region(o.Observed) != region(r.Observed) {
			continue
		}
		return awsErr("names-unique", nr.op, nr.taken, "%s %q already exists in account %s (created by %s); the provider would adopt it", nr.kind.Kind, name, a.ID, o.Name)
	}
	if nr.scope == "global" && a.Cloud != nil {
		a.Cloud.mu.Lock()
		defer a.Cloud.mu.Unlock()
		if o, ok := a.Cloud.buckets[name]; ok && o != r && o.inAWS() {
			if a.Cloud.owner[name] != a.ID {
				// The provider's Read (HeadBucket) of another account's
				// bucket is answered 403, so it never gets to CreateBucket
				// (terraform-provider-aws internal/service/s3/bucket.go
				// findBucket: only 404 and NoSuchBucket mean "not there").
				e := awsErr("names-unique", "HeadBucket", "Forbidden", "https response error StatusCode: 403: bucket %q exists and belongs to another account (S3 bucket names are shared by all accounts)", name)
				e.AtObserve = true
				return e
			}
			return awsErr("names-unique", nr.op, nr.taken, "The requested bucket name %q is not available: it is owned by this account (%s). The bucket namespace is shared by all users of the system.", name, o.Name)
		}
		a.Cloud.buckets[name] = r
		a.Cloud.owner[name] = a.ID
	}
	return nil
}

func policySize(field, limit, op, msg string) createRule {
	return func(a *Account, r *Resource) *AWSError {
		max, ok := a.Facts.Limits.PolicyDocuments[limit]
		doc := fp(r.Observed, field)
		if !ok || max <= 0 || len(doc) <= max {
			return nil
		}
		return awsErr("policy-size-"+limit, op, "LimitExceeded", msg+" (the %s policy document of %s has %d characters)", max, limit, r.Name, len(doc))
	}
}
