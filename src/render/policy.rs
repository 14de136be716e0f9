//! Writes a typed policy (`infra::policy`) in each flavour's syntax: a
//! CloudFormation `Statement:` list (YAML, with `!Ref`, `!GetAtt` and
//! `!Sub`) and the `statement` blocks of a Terraform
//! `aws_iam_policy_document`. Every literal is quoted for the place it lands:
//! YAML double quotes (and `${!` inside `!Sub`), HCL strings (and `$${`).

use crate::infra::policy::{Condition, Effect, Expr, Part, Policy, Principal, Statement};
use serde::Serialize;
use serde_json::Value;

/// One policy, written for both flavours; the template places the text at
/// its indentation with the `indent` helper.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedPolicy {
    /// The items of a CloudFormation `Statement:` list, at indentation 0.
    pub cfn: String,
    /// The `statement` blocks of an `aws_iam_policy_document`, at indentation 0.
    pub tf: String,
    /// The whole document as JSON inside a CloudFormation `!Sub` (for the
    /// properties that take a policy as a string), at indentation 0.
    pub cfn_json: String,
}

impl RenderedPolicy {
    pub fn new(policy: &Policy) -> RenderedPolicy {
        RenderedPolicy {
            cfn: cfn(policy),
            tf: if policy.cloudformation_only {
                String::new()
            } else {
                tf(policy)
            },
            cfn_json: cfn_json(policy),
        }
    }
}

/// A YAML scalar: plain where YAML reads it back as the same string, in
/// double quotes otherwise. Every action of a service (`"kms:*"`) is quoted
/// too, as the rest of the templates write it, so it stands out.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.ends_with(":*")
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".:_/-*".contains(c))
        && !s.ends_with(':')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(&Value::String(s.into())).unwrap_or_default()
    }
}

/// How CloudFormation spells a reference inside `${...}`.
fn cfn_ref(part: &Part) -> Option<&str> {
    match part {
        Part::Text(_) => None,
        Part::Partition => Some("AWS::Partition"),
        Part::Region => Some("AWS::Region"),
        Part::ThisAccount => Some("AWS::AccountId"),
        Part::Named { cfn, .. } | Part::Indexed { cfn, .. } => Some(cfn),
    }
}

/// A value in CloudFormation: a scalar, `!Ref X`, `!GetAtt X.Attr`, or `!Sub "..."`.
fn cfn_value(expr: &Expr) -> String {
    match expr.0.as_slice() {
        [Part::Text(t)] => yaml_scalar(t),
        [one] => {
            let name = cfn_ref(one).unwrap_or_default();
            if name.contains('.') && !name.starts_with("AWS::") {
                format!("!GetAtt {name}")
            } else {
                format!("!Ref {name}")
            }
        }
        parts => {
            let mut body = String::new();
            for part in parts {
                match part {
                    Part::Text(t) => {
                        let quoted =
                            serde_json::to_string(&Value::String(t.clone())).unwrap_or_default();
                        body.push_str(&quoted[1..quoted.len() - 1].replace("${", "${!"));
                    }
                    other => {
                        body.push_str("${");
                        body.push_str(cfn_ref(other).unwrap_or_default());
                        body.push('}');
                    }
                }
            }
            format!("!Sub \"{body}\"")
        }
    }
}

/// `key: value` for one value, `key:` and a list for several.
fn cfn_field(out: &mut String, indent: usize, key: &str, values: &[String]) {
    let pad = " ".repeat(indent);
    match values {
        [one] => out.push_str(&format!("{pad}{key}: {one}\n")),
        many => {
            out.push_str(&format!("{pad}{key}:\n"));
            for v in many {
                out.push_str(&format!("{pad}  - {v}\n"));
            }
        }
    }
}

fn cfn_statement(out: &mut String, s: &Statement) {
    if let Some(note) = &s.note {
        for line in note.lines() {
            out.push_str(&format!("# {line}\n"));
        }
    }
    out.push_str(&format!("- Sid: {}\n", yaml_scalar(&s.sid)));
    let effect = match s.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    out.push_str(&format!("  Effect: {effect}\n"));
    match &s.principal {
        None => {}
        Some(Principal::Anyone) => out.push_str("  Principal: \"*\"\n"),
        Some(Principal::Aws(ids)) => {
            out.push_str("  Principal:\n");
            let values: Vec<String> = ids.iter().map(cfn_value).collect();
            cfn_field(out, 4, "AWS", &values);
        }
        Some(Principal::Service(names)) => {
            out.push_str("  Principal:\n");
            let values: Vec<String> = names.iter().map(cfn_value).collect();
            cfn_field(out, 4, "Service", &values);
        }
    }
    let actions: Vec<String> = s.actions.iter().map(|a| yaml_scalar(a)).collect();
    cfn_field(out, 2, "Action", &actions);
    if !s.resources.is_empty() {
        let resources: Vec<String> = s.resources.iter().map(cfn_value).collect();
        cfn_field(out, 2, "Resource", &resources);
    }
    if !s.conditions.is_empty() {
        out.push_str("  Condition:\n");
        // Conditions with the same test share its key, in first-seen order.
        let mut tests: Vec<&str> = Vec::new();
        for c in &s.conditions {
            if !tests.contains(&c.test.as_str()) {
                tests.push(&c.test);
            }
        }
        for test in tests {
            out.push_str(&format!("    {test}:\n"));
            for c in s.conditions.iter().filter(|c| c.test == test) {
                let values: Vec<String> = c.values.iter().map(cfn_value).collect();
                cfn_field(out, 6, &yaml_scalar(&c.variable), &values);
            }
        }
    }
}

/// The statements as the items of a CloudFormation `Statement:` list.
pub fn cfn(policy: &Policy) -> String {
    let mut out = String::new();
    for s in &policy.statements {
        cfn_statement(&mut out, s);
    }
    out.trim_end().to_string()
}

/// A JSON string inside `!Sub`: text JSON-escaped with `${` as `${!`,
/// references as `${Name}`.
fn sub_json_string(expr: &Expr) -> String {
    let mut body = String::from("\"");
    for part in &expr.0 {
        match part {
            Part::Text(t) => {
                let quoted = serde_json::to_string(&Value::String(t.clone())).unwrap_or_default();
                body.push_str(&quoted[1..quoted.len() - 1].replace("${", "${!"));
            }
            other => {
                body.push_str("${");
                body.push_str(cfn_ref(other).unwrap_or_default());
                body.push('}');
            }
        }
    }
    body.push('"');
    body
}

/// One JSON value or a list of them, on one line.
fn json_values(values: Vec<String>) -> String {
    match values.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// The whole policy document as JSON for a `!Sub |` block.
pub fn cfn_json(policy: &Policy) -> String {
    let text = |s: &str| serde_json::to_string(&Value::String(s.into())).unwrap_or_default();
    let statements: Vec<String> = policy
        .statements
        .iter()
        .map(|s| {
            let mut fields = vec![
                format!("\"Sid\": {}", text(&s.sid)),
                format!(
                    "\"Effect\": \"{}\"",
                    if s.effect == Effect::Deny {
                        "Deny"
                    } else {
                        "Allow"
                    }
                ),
            ];
            match &s.principal {
                None => {}
                Some(Principal::Anyone) => fields.push("\"Principal\": \"*\"".into()),
                Some(Principal::Aws(ids)) => fields.push(format!(
                    "\"Principal\": {{\"AWS\": {}}}",
                    json_values(ids.iter().map(sub_json_string).collect())
                )),
                Some(Principal::Service(names)) => fields.push(format!(
                    "\"Principal\": {{\"Service\": {}}}",
                    json_values(names.iter().map(sub_json_string).collect())
                )),
            }
            fields.push(format!(
                "\"Action\": {}",
                json_values(s.actions.iter().map(|a| text(a)).collect())
            ));
            if !s.resources.is_empty() {
                fields.push(format!(
                    "\"Resource\": {}",
                    json_values(s.resources.iter().map(sub_json_string).collect())
                ));
            }
            if !s.conditions.is_empty() {
                let mut tests: Vec<&str> = Vec::new();
                for c in &s.conditions {
                    if !tests.contains(&c.test.as_str()) {
                        tests.push(&c.test);
                    }
                }
                let tests: Vec<String> = tests
                    .iter()
                    .map(|test| {
                        let keys: Vec<String> = s
                            .conditions
                            .iter()
                            .filter(|c| c.test == *test)
                            .map(|c| {
                                format!(
                                    "{}: {}",
                                    text(&c.variable),
                                    json_values(c.values.iter().map(sub_json_string).collect())
                                )
                            })
                            .collect();
                        format!("{}: {{{}}}", text(test), keys.join(", "))
                    })
                    .collect();
                fields.push(format!("\"Condition\": {{{}}}", tests.join(", ")));
            }
            let body: Vec<String> = fields.iter().map(|f| format!("      {f}")).collect();
            format!("    {{\n{}\n    }}", body.join(",\n"))
        })
        .collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}",
        statements.join(",\n")
    )
}

/// An HCL string literal.
fn hcl_string(s: &str) -> String {
    super::helpers::hcl(&Value::String(s.into()))
}

/// How Terraform spells a reference.
fn tf_ref(part: &Part) -> Option<String> {
    match part {
        Part::Text(_) => None,
        Part::Partition => Some("local.partition".into()),
        Part::Region => Some("local.region".into()),
        Part::ThisAccount => Some("local.account_id".into()),
        Part::Named { tf, .. } => Some(tf.clone()),
        Part::Indexed { tf_map, key, .. } => Some(format!("{tf_map}[{}]", hcl_string(key))),
    }
}

/// A value in Terraform: a string, a bare reference, or a template string.
fn tf_value(expr: &Expr) -> String {
    match expr.0.as_slice() {
        [Part::Text(t)] => hcl_string(t),
        [one] => tf_ref(one).unwrap_or_default(),
        parts => {
            let mut body = String::from("\"");
            for part in parts {
                match part {
                    Part::Text(t) => {
                        let quoted = hcl_string(t);
                        body.push_str(&quoted[1..quoted.len() - 1]);
                    }
                    other => {
                        body.push_str("${");
                        body.push_str(&tf_ref(other).unwrap_or_default());
                        body.push('}');
                    }
                }
            }
            body.push('"');
            body
        }
    }
}

/// `key = [a, b]` at `indent`; one item a line when that would run long.
fn tf_list(indent: usize, key: &str, values: Vec<String>) -> String {
    let pad = " ".repeat(indent);
    let one_line = format!("{pad}{key} = [{}]\n", values.join(", "));
    if values.len() < 2 || one_line.len() <= 120 {
        return one_line;
    }
    let mut out = format!("{pad}{key} = [\n");
    for v in values {
        out.push_str(&format!("{pad}  {v},\n"));
    }
    out.push_str(&format!("{pad}]\n"));
    out
}

fn tf_condition(out: &mut String, c: &Condition) {
    out.push_str("\n  condition {\n");
    out.push_str(&format!("    test = {}\n", hcl_string(&c.test)));
    out.push_str(&format!("    variable = {}\n", hcl_string(&c.variable)));
    out.push_str(&tf_list(
        4,
        "values",
        c.values.iter().map(tf_value).collect(),
    ));
    out.push_str("  }\n");
}

fn tf_statement(out: &mut String, s: &Statement) {
    if let Some(note) = &s.note {
        for line in note.lines() {
            out.push_str(&format!("# {line}\n"));
        }
    }
    out.push_str("statement {\n");
    out.push_str(&format!("  sid = {}\n", hcl_string(&s.sid)));
    if s.effect == Effect::Deny {
        out.push_str("  effect = \"Deny\"\n");
    }
    out.push_str(&tf_list(
        2,
        "actions",
        s.actions.iter().map(|a| hcl_string(a)).collect(),
    ));
    if !s.resources.is_empty() {
        out.push_str(&tf_list(
            2,
            "resources",
            s.resources.iter().map(tf_value).collect(),
        ));
    }
    let principal = |out: &mut String, kind: &str, ids: Vec<String>| {
        out.push_str("\n  principals {\n");
        out.push_str(&format!("    type = {}\n", hcl_string(kind)));
        out.push_str(&tf_list(4, "identifiers", ids));
        out.push_str("  }\n");
    };
    match &s.principal {
        None => {}
        Some(Principal::Anyone) => principal(out, "*", vec![hcl_string("*")]),
        Some(Principal::Aws(ids)) => principal(out, "AWS", ids.iter().map(tf_value).collect()),
        Some(Principal::Service(names)) => {
            principal(out, "Service", names.iter().map(tf_value).collect())
        }
    }
    for c in &s.conditions {
        tf_condition(out, c);
    }
    out.push_str("}\n");
}

/// The statements as the `statement` blocks of an `aws_iam_policy_document`,
/// a blank line between them.
pub fn tf(policy: &Policy) -> String {
    let blocks: Vec<String> = policy
        .statements
        .iter()
        .map(|s| {
            let mut out = String::new();
            tf_statement(&mut out, s);
            out
        })
        .collect();
    blocks.join("\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> Statement {
        Statement::allow("Hostile")
            .service("logs.amazonaws.com")
            .actions(&["s3:PutObject"])
            .resources(vec![
                Expr::named("Bucket.Arn", "aws_s3_bucket.b.arn").then("/${x}\"\\ %{y}: #z/*"),
            ])
            .when(
                "StringEquals",
                "aws:SourceAccount",
                vec![Expr::this_account()],
            )
    }

    #[test]
    fn text_never_becomes_syntax_in_either_flavour() {
        let policy = Policy::new(vec![hostile()]);
        let cfn = cfn(&policy);
        assert!(
            cfn.contains(r#"Resource: !Sub "${Bucket.Arn}/${!x}\"\\ %{y}: #z/*""#),
            "{cfn}"
        );
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&format!("Statement:\n{}\n", indent(&cfn, 2))).expect("yaml");
        let resource = &doc["Statement"][0]["Resource"];
        let serde_yaml::Value::Tagged(t) = resource else {
            panic!("{resource:?}")
        };
        assert_eq!(t.value.as_str(), Some("${Bucket.Arn}/${!x}\"\\ %{y}: #z/*"));
        let tf = tf(&policy);
        assert!(
            tf.contains(r#"resources = ["${aws_s3_bucket.b.arn}/$${x}\"\\ %%{y}: #z/*"]"#),
            "{tf}"
        );
        let body: hcl::Body =
            hcl::from_str(&format!("data \"x\" \"y\" {{\n{tf}\n}}\n")).expect("hcl");
        assert_eq!(body.blocks().count(), 1);
    }

    #[test]
    fn single_references_are_bare_and_lists_follow_the_count() {
        let s = Statement::allow("S")
            .aws(vec![Expr::account_root(Expr::this_account())])
            .actions(&["kms:*"])
            .resources(vec![Expr::text("*")])
            .when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec![Expr::named("OrganizationId", "local.organization_id")],
            )
            .when(
                "StringEquals",
                "aws:SourceAccount",
                vec![Expr::text("1"), Expr::text("2")],
            );
        let policy = Policy::new(vec![s]);
        assert_eq!(
            cfn(&policy),
            "- Sid: S\n  Effect: Allow\n  Principal:\n    AWS: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\"\n  Action: \"kms:*\"\n  Resource: \"*\"\n  Condition:\n    StringEquals:\n      aws:PrincipalOrgID: !Ref OrganizationId\n      aws:SourceAccount:\n        - \"1\"\n        - \"2\""
        );
        assert_eq!(
            tf(&policy),
            "statement {\n  sid = \"S\"\n  actions = [\"kms:*\"]\n  resources = [\"*\"]\n\n  principals {\n    type = \"AWS\"\n    identifiers = [\"arn:${local.partition}:iam::${local.account_id}:root\"]\n  }\n\n  condition {\n    test = \"StringEquals\"\n    variable = \"aws:PrincipalOrgID\"\n    values = [local.organization_id]\n  }\n\n  condition {\n    test = \"StringEquals\"\n    variable = \"aws:SourceAccount\"\n    values = [\"1\", \"2\"]\n  }\n}"
        );
    }

    fn indent(text: &str, n: usize) -> String {
        text.lines()
            .map(|l| format!("{}{l}", " ".repeat(n)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod both_flavours {
    use super::*;
    use crate::config::{Answers, PRESETS};
    use crate::infra::policy::Policies;

    /// Each flavour's text reads back as the same statements: the same
    /// sids, effects, actions and number of resources and conditions.
    #[test]
    fn every_typed_policy_reads_back_the_same_in_both_flavours() {
        for preset in PRESETS {
            let answers: Answers = serde_yaml::from_str(preset.yaml).expect("preset");
            let (zone, _) = crate::model::build(&answers).expect("valid");
            for (name, policy) in Policies::derive(&zone).all() {
                if policy.statements.is_empty() {
                    // Another compute's role: no template places it.
                    continue;
                }
                let cfn_doc: serde_yaml::Value =
                    serde_yaml::from_str(&format!("Statement:\n{}\n", cfn(policy)))
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                if policy.cloudformation_only {
                    continue;
                }
                let tf_body: hcl::Body = hcl::from_str(&format!(
                    "data \"aws_iam_policy_document\" \"p\" {{\n{}\n}}\n",
                    tf(policy)
                ))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
                let cfn_items = cfn_doc["Statement"].as_sequence().expect("a list");
                let json: serde_json::Value = serde_json::from_str(&cfn_json(policy))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let json_sids: Vec<&str> = json["Statement"]
                    .as_array()
                    .expect("a list")
                    .iter()
                    .filter_map(|s| s["Sid"].as_str())
                    .collect();
                let sids: Vec<&str> = policy.statements.iter().map(|s| s.sid.as_str()).collect();
                assert_eq!(json_sids, sids, "{name}");
                let tf_blocks: Vec<&hcl::Block> = tf_body
                    .blocks()
                    .flat_map(|b| b.body().blocks())
                    .filter(|b| b.identifier() == "statement")
                    .collect();
                assert_eq!(cfn_items.len(), policy.statements.len(), "{name}");
                assert_eq!(tf_blocks.len(), policy.statements.len(), "{name}");
                for ((typed, c), t) in policy.statements.iter().zip(cfn_items).zip(&tf_blocks) {
                    assert_eq!(c["Sid"].as_str(), Some(typed.sid.as_str()), "{name}");
                    let tf_attr = |key: &str| {
                        t.body()
                            .attributes()
                            .find(|a| a.key() == key)
                            .map(|a| a.expr().to_string())
                    };
                    assert_eq!(tf_attr("sid"), Some(format!("\"{}\"", typed.sid)));
                    let cfn_actions: Vec<String> = match &c["Action"] {
                        serde_yaml::Value::Sequence(items) => items
                            .iter()
                            .map(|i| i.as_str().unwrap_or_default().to_string())
                            .collect(),
                        one => vec![one.as_str().unwrap_or_default().to_string()],
                    };
                    assert_eq!(cfn_actions, typed.actions, "{name} {}", typed.sid);
                    let conditions = t
                        .body()
                        .blocks()
                        .filter(|b| b.identifier() == "condition")
                        .count();
                    assert_eq!(conditions, typed.conditions.len(), "{name}");
                }
            }
        }
    }
}
