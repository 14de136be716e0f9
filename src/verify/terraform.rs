//! The Terraform flavour's policies, read back into the shape of an IAM
//! policy document, so the least-privilege invariants hold for both
//! flavours. Terraform states a policy two ways in the output:
//! `data "aws_iam_policy_document"` blocks (the usual way; a document is a
//! trust policy when some `assume_role_policy` names it) and
//! `jsonencode({ Version = ..., Statement = [...] })` on a `policy`
//! attribute. References (`${local.tooling}`) stay as their text, which is
//! what the invariants need: they look at literal `*`s, principals and the
//! presence of conditions.

use hcl::{Block, Body, Expression, ObjectKey, TemplateExpr};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

/// One policy document of a `.tf` file: where it is, the document, and
/// whether it is a trust policy.
pub(super) struct TerraformPolicy {
    pub path: String,
    pub document: Value,
    pub trust: bool,
}

/// Every policy document in one parsed `.tf` file.
pub(super) fn policies(body: &Body) -> Vec<TerraformPolicy> {
    let mut trusted = BTreeSet::new();
    assume_role_documents(body, &mut trusted);
    let mut out = Vec::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        if block.identifier() == "data" && labels.first() == Some(&"aws_iam_policy_document") {
            let name = labels.get(1).copied().unwrap_or_default();
            out.push(TerraformPolicy {
                path: format!("data.aws_iam_policy_document.{name}"),
                document: document(block.body()),
                trust: trusted.contains(name),
            });
        } else {
            let place = std::iter::once(block.identifier())
                .chain(labels.iter().copied())
                .collect::<Vec<_>>()
                .join(".");
            encoded_policies(block.body(), &place, &mut out);
        }
    }
    out
}

/// The documents some `assume_role_policy = data.aws_iam_policy_document.NAME.json` names.
fn assume_role_documents(body: &Body, out: &mut BTreeSet<String>) {
    for attribute in body.attributes() {
        if attribute.key() == "assume_role_policy" {
            let text = attribute.expr().to_string();
            if let Some(rest) = text.split("data.aws_iam_policy_document.").nth(1) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                out.insert(name);
            }
        }
    }
    for block in body.blocks() {
        assume_role_documents(block.body(), out);
    }
}

/// `policy = jsonencode({...})` anywhere in a block: a policy written inline.
fn encoded_policies(body: &Body, place: &str, out: &mut Vec<TerraformPolicy>) {
    for attribute in body.attributes() {
        if let Expression::FuncCall(call) = attribute.expr()
            && call.name.to_string() == "jsonencode"
            && let Some(arg) = call.args.first()
        {
            let value = value(arg);
            if value.get("Statement").is_some() {
                out.push(TerraformPolicy {
                    path: format!("{place}.{}", attribute.key()),
                    trust: attribute.key() == "assume_role_policy",
                    document: value,
                });
            }
        }
    }
    for block in body.blocks() {
        encoded_policies(
            block.body(),
            &format!("{place}.{}", block.identifier()),
            out,
        );
    }
}

/// An `aws_iam_policy_document`'s statements as an IAM policy document.
fn document(body: &Body) -> Value {
    let statements: Vec<Value> = body
        .blocks()
        .filter(|b| b.identifier() == "statement")
        .map(statement)
        .collect();
    let mut doc = Mapping::new();
    doc.insert("Version".into(), "2012-10-17".into());
    doc.insert("Statement".into(), Value::Sequence(statements));
    Value::Mapping(doc)
}

fn statement(block: &Block) -> Value {
    let body = block.body();
    let attribute = |key: &str| {
        body.attributes()
            .find(|a| a.key() == key)
            .map(|a| value(a.expr()))
    };
    let mut s = Mapping::new();
    s.insert(
        "Effect".into(),
        attribute("effect").unwrap_or_else(|| "Allow".into()),
    );
    for (tf, iam) in [
        ("sid", "Sid"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = attribute(tf) {
            s.insert(iam.into(), v);
        }
    }
    for (tf, iam) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let mut principals = Mapping::new();
        let mut anonymous = false;
        for p in body.blocks().filter(|b| b.identifier() == tf) {
            let get = |key: &str| {
                p.body()
                    .attributes()
                    .find(|a| a.key() == key)
                    .map(|a| value(a.expr()))
            };
            let kind = get("type")
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let identifiers = get("identifiers").unwrap_or(Value::Null);
            if kind == "*" {
                anonymous = true;
            } else {
                principals.insert(kind.into(), identifiers);
            }
        }
        if anonymous {
            s.insert(iam.into(), "*".into());
        } else if !principals.is_empty() {
            s.insert(iam.into(), Value::Mapping(principals));
        }
    }
    let mut conditions = Mapping::new();
    for c in body.blocks().filter(|b| b.identifier() == "condition") {
        let get = |key: &str| {
            c.body()
                .attributes()
                .find(|a| a.key() == key)
                .map(|a| value(a.expr()))
                .unwrap_or(Value::Null)
        };
        let test = get("test");
        let entry = conditions
            .entry(test)
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if let Value::Mapping(keys) = entry {
            keys.insert(get("variable"), get("values"));
        }
    }
    if !conditions.is_empty() {
        s.insert("Condition".into(), Value::Mapping(conditions));
    }
    Value::Mapping(s)
}

/// An HCL expression as a YAML value: literals as they are, templates as
/// their text, any other expression (a reference, a call) as `${...}`.
fn value(expr: &Expression) -> Value {
    match expr {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => serde_yaml::to_value(n).unwrap_or(Value::Null),
        Expression::String(s) => Value::String(s.clone()),
        Expression::TemplateExpr(t) => Value::String(match t.as_ref() {
            TemplateExpr::QuotedString(s) => s.clone(),
            TemplateExpr::Heredoc(h) => h.template.clone(),
        }),
        Expression::Array(items) => Value::Sequence(items.iter().map(value).collect()),
        Expression::Object(object) => {
            let mut map = Mapping::new();
            for (key, v) in object {
                let key = match key {
                    ObjectKey::Identifier(id) => Value::String(id.to_string()),
                    ObjectKey::Expression(e) => value(e),
                    other => Value::String(other.to_string()),
                };
                map.insert(key, value(v));
            }
            Value::Mapping(map)
        }
        Expression::Parenthesis(inner) => value(inner),
        other => Value::String(format!("${{{other}}}")),
    }
}
