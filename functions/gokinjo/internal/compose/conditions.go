package compose

import xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"

func conditionType(t string) xpv1.ConditionType { return xpv1.ConditionType(t) }
