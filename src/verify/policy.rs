//! Least privilege, checked on every policy document of the output.

use super::*;

/// Least privilege, checked on every policy document in the output (IAM,
/// trust, key, bucket, repository, topic and service control policies), in
/// CloudFormation templates, JSON files and Terraform alike:
/// - no statement allows every action on every resource, except the key
///   administration statement of a KMS key for its own account;
/// - no statement allows an anonymous (`*`) principal, unless a condition
///   on `aws:PrincipalOrgID` limits it to the organization's accounts;
/// - every statement that trusts or grants to an account principal carries a
///   condition, and every trust policy statement does.
pub fn policy_invariants(files: &[RenderedFile]) -> Vec<Defect> {
    policy_invariants_of(&parse_all(files).0)
}

/// `policy_invariants` on files already parsed.
pub(crate) fn policy_invariants_of(files: &[Parsed<'_>]) -> Vec<Defect> {
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
    for_each_policy(&parse_all(files).0, |file, path, policy, trust| {
        out.push(PolicyDocument {
            file: file.to_string(),
            path: path.to_string(),
            trust,
            statements: statements(policy).len(),
        });
    });
    out
}

fn for_each_policy(files: &[Parsed<'_>], mut visit: impl FnMut(&str, &str, &Value, bool)) {
    for parsed in files {
        let path = &parsed.file.path;
        match &parsed.doc {
            Doc::Hcl(body) => {
                for policy in super::terraform::policies(body) {
                    visit(path, &policy.path, &policy.document, policy.trust);
                }
            }
            Doc::Yaml(doc) => {
                // Only documents that hold a policy as a JSON string need
                // a copy to expand it in.
                let expanded;
                let doc = if holds_json_policy(doc) {
                    let mut copy = doc.clone();
                    expand_json_policies(&mut copy);
                    expanded = copy;
                    &expanded
                } else {
                    doc
                };
                let mut found = Vec::new();
                find_policies(doc, "", false, &mut found);
                for (at, policy, trust) in found {
                    visit(path, &at, policy, trust);
                }
            }
            Doc::None => {}
        }
    }
}

/// Whether a string in the document looks like a JSON policy.
fn holds_json_policy(value: &Value) -> bool {
    match value {
        Value::String(text) => text.trim_start().starts_with('{') && text.contains("\"Statement\""),
        Value::Mapping(map) => map.values().any(holds_json_policy),
        Value::Sequence(items) => items.iter().any(holds_json_policy),
        Value::Tagged(tagged) => holds_json_policy(&tagged.value),
        _ => false,
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
    // The account the policy lives in, as each flavour names it.
    let own_root = |p: &String| {
        [
            "${AWS::AccountId}:root",
            "${local.account_id}:root",
            "${data.aws_caller_identity.current.account_id}:root",
        ]
        .iter()
        .any(|own| p.contains(own))
    };
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
