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
    /// A one-statement policy as the `StatementId` and `Statement`
    /// properties of an `AWS::Events::EventBusPolicy`, at indentation 0;
    /// empty for any other policy.
    pub cfn_bus: String,
}

impl RenderedPolicy {
    /// The policy in the flavours it is written in: those of the landing
    /// zone (`iac`) that the policy belongs to. A flavour it is not written
    /// in is an empty string.
    pub fn new(policy: &Policy, iac: crate::model::Iac) -> RenderedPolicy {
        let cloudformation = iac.cloudformation() && !policy.terraform_only;
        let terraform = iac.terraform() && !policy.cloudformation_only;
        let when = |yes: bool, write: fn(&Policy) -> String| {
            if yes { write(policy) } else { String::new() }
        };
        RenderedPolicy {
            cfn: when(cloudformation, cfn),
            tf: when(terraform, tf),
            cfn_json: when(cloudformation, cfn_json),
            cfn_bus: when(cloudformation, cfn_bus),
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
        // Not expressible inside `!Sub`; `cfn_value` writes it whole.
        Part::CfnIf { then, .. } => Some(then),
    }
}

/// `!Ref X` for a parameter or resource, `!GetAtt X.Attr` for an attribute.
fn cfn_reference(name: &str) -> String {
    if name.contains('.') && !name.starts_with("AWS::") {
        format!("!GetAtt {name}")
    } else {
        format!("!Ref {name}")
    }
}

/// A value in CloudFormation: a scalar, `!Ref X`, `!GetAtt X.Attr`, or `!Sub "..."`.
fn cfn_value(expr: &Expr) -> String {
    match expr.0.as_slice() {
        [Part::Text(t)] => yaml_scalar(t),
        [
            Part::CfnIf {
                condition,
                then,
                otherwise,
                ..
            },
        ] => format!(
            "!If [{condition}, {}, {}]",
            cfn_reference(then),
            cfn_reference(otherwise)
        ),
        [one] => cfn_reference(cfn_ref(one).unwrap_or_default()),
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

/// `StatementId: <sid>` and the one statement as a `Statement:` mapping.
pub fn cfn_bus(policy: &Policy) -> String {
    let [statement] = policy.statements.as_slice() else {
        return String::new();
    };
    let mut item = String::new();
    cfn_statement(&mut item, statement);
    let mut out = format!("StatementId: {}\nStatement:\n", yaml_scalar(&statement.sid));
    // The list item's fields, less its Sid, as a mapping.
    for line in item.lines().filter(|l| !l.starts_with("- Sid: ")) {
        out.push_str(&format!("{line}\n"));
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

/// How long a policy is as AWS counts it, estimated before any value is
/// known: the JSON document without whitespace outside strings, with each
/// reference at the longest value it can take (a partition `aws-us-gov`,
/// a 14-character region, a 12-digit account, a 34-character organization
/// ID, an ARN at 128 characters, any other name at 63). IAM counts
/// characters without whitespace; KMS, S3, SNS and CloudWatch Logs count
/// bytes of the document as sent, which a compact document also meets.
pub fn estimated_size(policy: &Policy) -> usize {
    let json = cfn_json(policy);
    let mut size = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = json.as_str();
    while let Some(c) = rest.chars().next() {
        if in_string && c == '$' && rest.starts_with("${!") {
            // `${!` stands for a literal `${`.
            size += 2;
            rest = &rest[3..];
            continue;
        }
        if in_string
            && c == '$'
            && rest.starts_with("${")
            && let Some(end) = rest.find('}')
        {
            size += reference_length(&rest[2..end]);
            rest = &rest[end + 1..];
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            size += c.len_utf8();
        } else if c == '"' {
            in_string = true;
            size += 1;
        } else if !c.is_whitespace() {
            size += c.len_utf8();
        }
        rest = &rest[c.len_utf8()..];
    }
    size
}

/// The longest value a reference in a policy can take.
fn reference_length(name: &str) -> usize {
    match name {
        "AWS::Partition" => "aws-us-gov".len(),
        "AWS::Region" => "ap-southeast-5".len(),
        "AWS::AccountId" => 12,
        "AWS::URLSuffix" => "amazonaws.com.cn".len(),
        _ if name.ends_with("AccountId") => 12,
        _ if name.ends_with("OrganizationId") => 34,
        _ if name.ends_with("Arn") => 128,
        _ => 63,
    }
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
        Part::CfnIf { tf, .. } => Some(tf.clone()),
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
mod tests;
