//! Every rendered file is parsed back in its own format before anything is
//! written. A failure here is a bug in lzgen (or in an ejected blueprint),
//! never in the user's answers, and nothing is written.

use crate::infra::{Stack, Units};
use crate::model::LandingZone;
use crate::problem::Problem;
use crate::render::RenderedFile;
use serde_yaml::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Checks every file; returns every defect found.
pub fn verify(lz: &LandingZone, units: &Units, files: &[RenderedFile]) -> Vec<Defect> {
    let mut defects = Vec::new();
    for file in files {
        let defect = |message: String| Defect {
            path: file.path.clone(),
            message,
        };
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            defects.push(defect("not UTF-8".into()));
            continue;
        };
        if !text.ends_with('\n') {
            defects.push(defect("does not end with a newline".into()));
        }
        let ext = file.path.rsplit('.').next().unwrap_or_default();
        match ext {
            "yaml" | "yml" => {
                // serde_yaml keeps CloudFormation's short tags (!Sub, !Ref,
                // !GetAtt...) as tagged values, so they parse as they are.
                if let Err(e) = serde_yaml::from_str::<Value>(text) {
                    defects.push(defect(format!("YAML does not parse: {e}")));
                }
            }
            "json" => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                    defects.push(defect(format!("JSON does not parse: {e}")));
                }
            }
            "tf" => {
                if let Err(e) = hcl::parse(text) {
                    defects.push(defect(format!("HCL does not parse: {e}")));
                }
            }
            "sh" => {
                if let Err(e) = crate::render::shell_check::check(text) {
                    defects.push(defect(format!("shell does not parse: {e}")));
                }
            }
            _ => {}
        }
    }
    if lz.organization.iac.cloudformation() {
        defects.extend(parameters_match_templates(&units.stacks, files));
        defects.extend(prod_roles_outside_the_guardrail(lz, &units.stacks, files));
        defects.extend(
            deploy_order_problems(lz, &units.stacks)
                .into_iter()
                .map(|message| Defect {
                    path: "scripts/deploy.sh".into(),
                    message,
                }),
        );
    }
    defects.extend(policy_invariants(files));
    defects
}

/// Least privilege, checked on every policy document in the output (IAM,
/// trust, key, bucket, repository, topic and service control policies):
/// - no statement allows every action on every resource, except the key
///   administration statement of a KMS key for its own account;
/// - no statement allows an anonymous (`*`) principal, unless a condition
///   on `aws:PrincipalOrgID` limits it to the organization's accounts;
/// - every statement that trusts or grants to an account principal carries a
///   condition, and every trust policy statement does.
pub fn policy_invariants(files: &[RenderedFile]) -> Vec<Defect> {
    let mut defects = Vec::new();
    for_each_policy(files, |file, path, policy, trust| {
        for (i, statement) in statements(policy).iter().enumerate() {
            if let Some(problem) = statement_problem(statement, trust) {
                defects.push(Defect {
                    path: file.to_string(),
                    message: if path.is_empty() {
                        format!("Statement[{i}]: {problem}")
                    } else {
                        format!("{path}.Statement[{i}]: {problem}")
                    },
                });
            }
        }
    });
    defects
}

/// A policy document found in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub file: String,
    /// Where in the file: `Resources.DeploymentRole.Properties.AssumeRolePolicyDocument`.
    pub path: String,
    pub trust: bool,
    pub statements: usize,
}

/// Every policy document in the output, for tests and reports.
pub fn policy_documents(files: &[RenderedFile]) -> Vec<PolicyDocument> {
    let mut out = Vec::new();
    for_each_policy(files, |file, path, policy, trust| {
        out.push(PolicyDocument {
            file: file.to_string(),
            path: path.to_string(),
            trust,
            statements: statements(policy).len(),
        });
    });
    out
}

fn for_each_policy(files: &[RenderedFile], mut visit: impl FnMut(&str, &str, &Value, bool)) {
    for file in files {
        let doc: Option<Value> = if file.path.ends_with(".yaml") || file.path.ends_with(".yml") {
            serde_yaml::from_slice(&file.bytes).ok()
        } else if file.path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&file.bytes)
                .ok()
                .and_then(|j| serde_yaml::to_value(j).ok())
        } else {
            None
        };
        let Some(mut doc) = doc else { continue };
        expand_json_policies(&mut doc);
        let mut found = Vec::new();
        find_policies(&doc, "", false, &mut found);
        for (path, policy, trust) in found {
            visit(&file.path, &path, policy, trust);
        }
    }
}

/// Some properties take a policy as a JSON string (a CloudWatch Logs
/// destination's `DestinationPolicy`): parse those in place, so they are
/// checked like the others. `${...}` substitutions sit inside JSON strings.
fn expand_json_policies(value: &mut Value) {
    match value {
        Value::String(text)
            if text.trim_start().starts_with('{') && text.contains("\"Statement\"") =>
        {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(text)
                && let Ok(parsed) = serde_yaml::to_value(json)
            {
                *value = parsed;
            }
        }
        Value::Mapping(map) => map.values_mut().for_each(expand_json_policies),
        Value::Sequence(items) => items.iter_mut().for_each(expand_json_policies),
        Value::Tagged(tagged) => expand_json_policies(&mut tagged.value),
        _ => {}
    }
}

/// Every mapping with `Version` and `Statement` is a policy document; one
/// under `AssumeRolePolicyDocument` is a trust policy.
fn find_policies<'a>(
    value: &'a Value,
    path: &str,
    trust: bool,
    out: &mut Vec<(String, &'a Value, bool)>,
) {
    match value {
        Value::Mapping(map) => {
            if map.contains_key("Version") && map.contains_key("Statement") {
                out.push((path.to_string(), value, trust));
                return;
            }
            for (key, child) in map {
                let key = key.as_str().unwrap_or_default();
                let child_path = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                find_policies(
                    child,
                    &child_path,
                    trust || key == "AssumeRolePolicyDocument",
                    out,
                );
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                find_policies(item, &format!("{path}[{i}]"), trust, out);
            }
        }
        Value::Tagged(tagged) => find_policies(&tagged.value, path, trust, out),
        _ => {}
    }
}

fn statements(policy: &Value) -> Vec<&Value> {
    match policy.get("Statement") {
        Some(Value::Sequence(items)) => items.iter().collect(),
        Some(single) => vec![single],
        None => Vec::new(),
    }
}

/// The plain strings of a value: a string, a list of them, or the text of
/// an intrinsic function such as `!Sub "..."`.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(items)) => items.iter().flat_map(|i| strings(Some(i))).collect(),
        Some(Value::Tagged(tagged)) => match tagged.tag.to_string().as_str() {
            "!Ref" => tagged
                .value
                .as_str()
                .map(|s| vec![format!("${{{s}}}")])
                .unwrap_or_default(),
            _ => strings(Some(&tagged.value)),
        },
        _ => Vec::new(),
    }
}

fn statement_problem(statement: &Value, trust: bool) -> Option<String> {
    if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
        return None;
    }
    let actions = strings(statement.get("Action"));
    let resources = strings(statement.get("Resource"));
    let principal = statement.get("Principal");
    let aws_principals = strings(principal.and_then(|p| p.get("AWS")));
    let own_root = |p: &String| p.contains("${AWS::AccountId}:root");
    let every_action =
        actions.iter().any(|a| a == "*" || a == "*:*") || statement.get("NotAction").is_some();
    let every_resource =
        resources.iter().any(|r| r == "*") || statement.get("NotResource").is_some();
    let key_administration = !aws_principals.is_empty()
        && aws_principals.iter().all(own_root)
        && actions.iter().all(|a| a == "kms:*");
    if every_action && every_resource && !key_administration {
        return Some("allows every action on every resource".into());
    }
    let anonymous = matches!(principal, Some(Value::String(s)) if s == "*")
        || aws_principals.iter().any(|p| p == "*");
    let organization_only = statement
        .get("Condition")
        .and_then(|c| c.get("StringEquals"))
        .is_some_and(|c| c.get("aws:PrincipalOrgID").is_some());
    if anonymous && !organization_only {
        return Some("allows an anonymous principal (`*`)".into());
    }
    let has_condition = statement
        .get("Condition")
        .is_some_and(|c| c.as_mapping().is_some_and(|m| !m.is_empty()));
    let other_accounts = aws_principals.iter().any(|p| !own_root(p));
    if (trust || other_accounts) && !has_condition {
        return Some(if trust {
            "trusts a principal without a condition".into()
        } else {
            "grants to another account without a condition".into()
        });
    }
    None
}

/// The largest template `create-stack --template-body` accepts, as
/// scripts/deploy.sh passes them:
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>
const TEMPLATE_BODY_LIMIT: usize = 51_200;

/// Templates this version of lzgen cannot deploy, because they grew past the
/// inline limit with the number of accounts, regions or OUs. Valid answers,
/// but beyond what this version handles: a clear refusal naming the sizes
/// (exit 2), never "a bug in lzgen".
pub fn template_size_problems(
    lz: &LandingZone,
    units: &Units,
    files: &[RenderedFile],
) -> Vec<Problem> {
    if !lz.organization.iac.cloudformation() {
        return Vec::new();
    }
    let templates: std::collections::HashSet<&str> =
        units.stacks.iter().map(|s| s.template.as_str()).collect();
    let workloads = lz.accounts.iter().filter(|a| a.workload).count();
    let regions = 1 + lz.organization.other_regions.len();
    files
        .iter()
        .filter(|f| templates.contains(f.path.as_str()) && f.bytes.len() > TEMPLATE_BODY_LIMIT)
        .map(|f| {
            Problem::new(
                "accounts",
                format!(
                    "expected a landing zone whose CloudFormation templates fit in {TEMPLATE_BODY_LIMIT} bytes \
                     (the most CloudFormation takes inline, as scripts/deploy.sh passes them), found {} at {} bytes \
                     with {} account(s), {workloads} of them workloads, {regions} region(s) and {} OU(s)",
                    f.path,
                    f.bytes.len(),
                    lz.accounts.len(),
                    lz.ous.len()
                ),
            )
            .with_hint(format!(
                "lzgen {} does not yet upload large templates to S3; deploy fewer workload accounts or regions, \
                 or write Terraform instead (--set organization.iac=terraform)",
                env!("CARGO_PKG_VERSION")
            ))
        })
        .collect()
}

/// Under `deny-manual-prod-changes`, only the landing zone's own roles may
/// change a Prod account. Every role a template creates in a workload account
/// (or in every account, as the baseline does) must be one the guardrail
/// exempts, by its name or its path; a role it forgets would be denied its
/// every write in Prod. The exemption list is `LandingZone::prod_change_roles`.
pub fn prod_roles_outside_the_guardrail(
    lz: &LandingZone,
    stacks: &[Stack],
    files: &[RenderedFile],
) -> Vec<Defect> {
    use crate::infra::StackKind;
    if !lz
        .guardrails
        .iter()
        .any(|g| g.kind == "deny-manual-prod-changes")
    {
        return Vec::new();
    }
    let in_prod = |path: &str| {
        stacks.iter().any(|s| {
            s.template == path
                && matches!(
                    s.kind,
                    StackKind::WorkloadRoles | StackKind::WorkloadTarget | StackKind::Baseline
                )
        })
    };
    let exempt = |arn_tail: &str| {
        lz.prod_change_roles
            .iter()
            .any(|pattern| glob_matches(pattern, arn_tail))
    };
    let mut defects = Vec::new();
    for file in files.iter().filter(|f| in_prod(&f.path)) {
        let Ok(doc) = serde_yaml::from_slice::<Value>(&file.bytes) else {
            continue;
        };
        let Some(resources) = doc.get("Resources").and_then(Value::as_mapping) else {
            continue;
        };
        for (logical, resource) in resources {
            if resource.get("Type").and_then(Value::as_str) != Some("AWS::IAM::Role") {
                continue;
            }
            let properties = &resource["Properties"];
            let path = properties
                .get("Path")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .trim_start_matches('/');
            // A generated name is unknown: only a path can exempt it.
            let name = properties
                .get("RoleName")
                .and_then(Value::as_str)
                .unwrap_or("<generated>");
            let tail = format!("{path}{name}");
            if !exempt(&tail) {
                defects.push(Defect {
                    path: file.path.clone(),
                    message: format!(
                        "role {} (role/{tail}) is created in Prod accounts, but deny-manual-prod-changes does not exempt it",
                        logical.as_str().unwrap_or("?")
                    ),
                });
            }
        }
    }
    defects
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters (as in IAM's ArnLike).
fn glob_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(after) = text.strip_prefix(head) else {
                return false;
            };
            (0..=after.len())
                .filter(|i| after.is_char_boundary(*i))
                .any(|i| glob_matches(rest, &after[i..]))
        }
    }
}

/// Every use a stack declares comes after the stack (or the organization step)
/// that creates it, in the order `scripts/deploy.sh` deploys them. What exists
/// before the first stack: the accounts `lzgen.yaml` adopts by ID.
pub fn deploy_order_problems(lz: &LandingZone, stacks: &[Stack]) -> Vec<String> {
    use crate::infra::order::{Thing, misordered};
    let available = lz
        .accounts
        .iter()
        .filter(|a| a.id.is_some())
        .map(|a| Thing::Account(a.name.clone()))
        .collect();
    misordered(stacks, &available)
}

/// Every service control policy must fit the organization's quota
/// (`guardrails.quotas.policy_characters`), counted in characters with white
/// space included. The quota is the user's to set, so this is their problem
/// to fix (exit 2), not a defect of lzgen.
pub fn scp_quota_problems(lz: &LandingZone, files: &[RenderedFile]) -> Vec<Problem> {
    let quota = lz.guardrail_quotas.policy_characters;
    lz.guardrails
        .iter()
        .filter_map(|scp| {
            let file = files.iter().find(|f| f.path == scp.file)?;
            let characters = String::from_utf8_lossy(&file.bytes).chars().count();
            (characters > quota).then(|| {
                Problem::new(
                    "guardrails.scps",
                    format!(
                        "expected service control policies of at most {quota} characters (guardrails.quotas.policy_characters), found `{}` at {characters}",
                        scp.kind
                    ),
                )
                .with_hint("drop that guardrail, list fewer regions, or raise the quota if AWS raised your organization's")
            })
        })
        .collect()
}

/// A stack's parameters file must give exactly the parameters its template
/// declares (a missing one fails the deploy, an extra one is refused).
fn parameters_match_templates(stacks: &[Stack], files: &[RenderedFile]) -> Vec<Defect> {
    let find = |path: &str| files.iter().find(|f| f.path == path);
    let mut defects = Vec::new();
    for stack in stacks {
        let (Some(template), Some(params)) = (find(&stack.template), find(&stack.parameters_file))
        else {
            defects.push(Defect {
                path: stack.template.clone(),
                message: format!(
                    "stack {} lacks its template or its parameters file",
                    stack.name
                ),
            });
            continue;
        };
        let declared: BTreeSet<String> = serde_yaml::from_slice::<Value>(&template.bytes)
            .ok()
            .and_then(|doc| doc.get("Parameters").and_then(Value::as_mapping).cloned())
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let given: BTreeSet<String> =
            serde_json::from_slice::<Vec<serde_json::Value>>(&params.bytes)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| {
                    p.get("ParameterKey")
                        .and_then(|k| k.as_str())
                        .map(String::from)
                })
                .collect();
        if declared != given {
            defects.push(Defect {
                path: stack.parameters_file.clone(),
                message: format!(
                    "parameters {:?} do not match the template's {:?}",
                    given, declared
                ),
            });
        }
    }
    defects
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> RenderedFile {
        RenderedFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            executable: false,
        }
    }

    fn problems(text: &str) -> Vec<String> {
        policy_invariants(&[file("t.yaml", text)])
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn every_action_on_every_resource_is_refused() {
        let text = "Resources:\n  R:\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: '*'\n            Resource: '*'\n";
        assert_eq!(
            problems(text),
            [
                "Resources.R.Properties.PolicyDocument.Statement[0]: allows every action on every resource"
            ]
        );
        let deny = text.replace("Effect: Allow", "Effect: Deny");
        assert!(problems(&deny).is_empty());
    }

    #[test]
    fn key_administration_by_the_own_account_is_the_one_exception() {
        let own = "KeyPolicy:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'\n      Action: 'kms:*'\n      Resource: '*'\n";
        assert!(problems(own).is_empty());
        let other = own.replace("${AWS::AccountId}", "${ToolingAccountId}");
        let p = problems(&other);
        assert_eq!(
            p,
            ["KeyPolicy.Statement[0]: grants to another account without a condition"]
        );
    }

    #[test]
    fn trust_without_a_condition_is_refused() {
        let text = "AssumeRolePolicyDocument:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: ecs-tasks.amazonaws.com\n      Action: sts:AssumeRole\n";
        assert_eq!(
            problems(text),
            ["AssumeRolePolicyDocument.Statement[0]: trusts a principal without a condition"]
        );
    }

    #[test]
    fn every_scp_of_every_preset_fits_even_the_older_quota() {
        for preset in crate::config::PRESETS {
            let answers: crate::config::Answers =
                serde_yaml::from_str(preset.yaml).expect("preset");
            let (mut zone, _) = crate::model::build(&answers).expect("valid");
            let units = crate::infra::Units::derive(&zone);
            let files = crate::render::Blueprints::embedded()
                .render(&zone, &units)
                .expect("renders");
            assert!(
                scp_quota_problems(&zone, &files).is_empty(),
                "{}",
                preset.name
            );
            // Organizations that still have the 5,120-character quota.
            zone.guardrail_quotas.policy_characters = 5_120;
            assert!(
                scp_quota_problems(&zone, &files).is_empty(),
                "{}",
                preset.name
            );
            let mut oversized = files.clone();
            let scp = oversized
                .iter_mut()
                .find(|f| f.path == "policies/scp/deny-root-user.json")
                .expect("an SCP");
            scp.bytes.extend(std::iter::repeat_n(b' ', 5_120));
            let problems: Vec<String> = scp_quota_problems(&zone, &oversized)
                .iter()
                .map(|p| p.message.clone())
                .collect();
            assert_eq!(problems.len(), 1, "{}", preset.name);
            assert!(
                problems[0].starts_with("expected service control policies of at most 5120 characters (guardrails.quotas.policy_characters), found `deny-root-user` at "),
                "{}", problems[0]
            );
        }
    }

    #[test]
    fn json_string_policies_are_checked_and_organization_conditions_admit_any_principal() {
        let policy = |condition: &str| {
            format!(
                "Resources:\n  D:\n    Properties:\n      DestinationPolicy: !Sub |\n        {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"*\"}}, \"Action\": \"logs:PutSubscriptionFilter\", \"Resource\": \"arn:${{AWS::Partition}}:logs:x\"{condition}}}]}}\n"
            )
        };
        assert_eq!(
            problems(&policy("")),
            [
                "Resources.D.Properties.DestinationPolicy.Statement[0]: allows an anonymous principal (`*`)"
            ]
        );
        let org =
            ", \"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"${OrganizationId}\"}}";
        assert!(problems(&policy(org)).is_empty());
        let found = policy_documents(&[file("t.yaml", &policy(org))]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "Resources.D.Properties.DestinationPolicy");
    }

    #[test]
    fn anonymous_principals_are_refused() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}";
        let found: Vec<String> = policy_invariants(&[file("p.json", text)])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            ["p.json: Statement[0]: allows an anonymous principal (`*`)"]
        );
    }
}
