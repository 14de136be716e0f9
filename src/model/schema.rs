//! The JSON Schema of `lzgen.yaml` (`lzgen schema`), for editors: keys
//! complete, and a bad value is underlined before lzgen runs.
//!
//! Its shape (keys, nesting, types, no unknown keys) is derived by schemars
//! from the serde types the answers are read into, so the two cannot
//! differ. The rules below add what the types leave open, from the same
//! constants validation uses: allowed values, patterns and ranges, and a
//! description of each key. A value the schema refuses, `lzgen validate`
//! refuses too (a test checks both on the same bad values); validation
//! checks more than a schema can (cross-references between keys, quotas).

use crate::config::Answers;
use crate::model::{self, Compute, Iac, Role, SourceProvider, Strategy};
use serde_json::{Value, json};

/// What a rule adds to the schema of one key.
enum Rule {
    /// One of these values.
    OneOf(Vec<Value>),
    /// A whole number in this range.
    Range(u32, u32),
    /// A whole number at least this.
    Min(u32),
    /// A string matching this (ECMA 262) pattern.
    Pattern(&'static str),
}

/// Every rule, by key path (`[]` for the items of a list).
fn rules() -> Vec<(&'static str, &'static str, Option<Rule>)> {
    let strings = |names: &[&str]| Rule::OneOf(names.iter().map(|n| json!(n)).collect());
    let regions = strings(&model::regions::codes());
    let scps: Vec<&str> = model::SCP_KINDS.iter().map(|(name, _)| *name).collect();
    let strategies: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
    let range = |r: std::ops::RangeInclusive<u32>| Rule::Range(*r.start(), *r.end());
    // Lowercase names: a letter first, then letters, digits and hyphens.
    const NAME_20: &str = "^[a-z][a-z0-9-]{1,19}$";
    const NAME_30: &str = "^[a-z][a-z0-9-]{1,29}$";
    vec![
        (
            "version",
            "The version of this file's format: 1.",
            Some(Rule::OneOf(vec![json!(1)])),
        ),
        (
            "organization",
            "The AWS organization: its name, management account and regions.",
            None,
        ),
        (
            "organization.name",
            "A short lowercase name, used in resource names (2 to 20 characters).",
            Some(Rule::Pattern(NAME_20)),
        ),
        (
            "organization.management_account_id",
            "The management account's 12-digit ID, quoted.",
            Some(Rule::Pattern("^[0-9]{12}$")),
        ),
        (
            "organization.home_region",
            "Where the organization's stacks and the pipeline live.",
            Some(strings(&model::regions::codes())),
        ),
        (
            "organization.regions",
            "Every region the landing zone uses; the home region among them.",
            None,
        ),
        (
            "organization.regions[]",
            "An AWS region code.",
            Some(regions),
        ),
        (
            "organization.iac",
            "CloudFormation, Terraform, or both (deploy one, not both).",
            Some(strings(Iac::NAMES)),
        ),
        (
            "organizational_units",
            "The OU tree under the organization root.",
            None,
        ),
        (
            "organizational_units[].name",
            "An OU name: 1 to 128 characters, no `/`.",
            Some(Rule::Pattern("^[^/\\u0000-\\u001f\\u007f]{1,128}$")),
        ),
        (
            "accounts",
            "Every account, with the roles it holds and its OU.",
            None,
        ),
        (
            "accounts[].name",
            "A short lowercase name (2 to 30 characters).",
            Some(Rule::Pattern(NAME_30)),
        ),
        (
            "accounts[].roles[]",
            "What the account is for.",
            Some(strings(Role::NAMES)),
        ),
        (
            "accounts[].email",
            "The root email of a new account (unique across AWS).",
            None,
        ),
        (
            "accounts[].id",
            "The 12-digit ID of an existing account to adopt, quoted.",
            Some(Rule::Pattern("^[0-9]{12}$")),
        ),
        (
            "accounts[].ou",
            "The OU the account belongs to (a name, or a path such as `Workloads/Prod`).",
            None,
        ),
        (
            "accounts[].cidr",
            "The account's VPC block (IPv4 CIDR), for workload accounts.",
            None,
        ),
        (
            "accounts[].approval",
            "Whether the pipeline waits for a manual approval before this account.",
            None,
        ),
        ("pipeline", "The application's delivery pipeline.", None),
        (
            "pipeline.application",
            "The application's name (2 to 30 characters).",
            Some(Rule::Pattern(NAME_30)),
        ),
        (
            "pipeline.source.provider",
            "Where the source lives.",
            Some(strings(SourceProvider::NAMES)),
        ),
        (
            "pipeline.source.repository",
            "`owner/name` (codeconnections), a repository name (codecommit) or `bucket/key` (s3).",
            None,
        ),
        (
            "pipeline.source.branch",
            "The branch the pipeline builds.",
            None,
        ),
        (
            "pipeline.build.runtime",
            "The build runtime (Lambda: nodejs or python).",
            Some(strings(model::RUNTIMES)),
        ),
        (
            "pipeline.build.security_scans[]",
            "A scan the build runs.",
            Some(strings(model::SCANS)),
        ),
        (
            "pipeline.build.cache",
            "The CodeBuild cache.",
            Some(strings(model::CACHES)),
        ),
        (
            "pipeline.deploy.compute",
            "What runs the application.",
            Some(strings(Compute::NAMES)),
        ),
        (
            "pipeline.deploy.strategy",
            "How CodeDeploy shifts traffic.",
            Some(strings(&strategies)),
        ),
        (
            "pipeline.deploy.traffic_percent",
            "Canary and linear: the share of traffic each step shifts.",
            Some(range(model::TRAFFIC_PERCENT)),
        ),
        (
            "pipeline.deploy.interval_minutes",
            "Canary and linear: minutes between steps.",
            Some(range(model::INTERVAL_MINUTES)),
        ),
        (
            "pipeline.deploy.container_port",
            "ECS and EC2: the port the application listens on.",
            Some(range(model::CONTAINER_PORT)),
        ),
        (
            "pipeline.deploy.health_check_path",
            "The path the load balancer checks: starts with `/`, no whitespace, at most 1,024 characters.",
            Some(Rule::Pattern("^/[^\\s\\u0000-\\u001f\\u007f]{0,1023}$")),
        ),
        (
            "pipeline.rollback.http_5xx_percent",
            "Roll back when this share of responses are HTTP 5xx.",
            None,
        ),
        (
            "pipeline.rollback.latency_ms",
            "Roll back when responses are slower than this.",
            None,
        ),
        (
            "pipeline.stages",
            "The order the pipeline deploys in: an account, or a list deployed side by side.",
            None,
        ),
        (
            "guardrails.scps[]",
            "A guardrail service control policy.",
            Some(strings(&scps)),
        ),
        (
            "logging.retention_days",
            "Days to keep logs (CloudWatch Logs rounds up to a period it offers).",
            Some(Rule::Min(1)),
        ),
        (
            "notifications.email",
            "Where alarms are mailed (optional).",
            None,
        ),
        (
            "notifications.slack.team_id",
            "A Slack workspace ID.",
            Some(Rule::Pattern("^[A-Z0-9]+$")),
        ),
        (
            "notifications.slack.channel_id",
            "A Slack channel ID.",
            Some(Rule::Pattern("^[A-Z0-9]+$")),
        ),
        (
            "terraform.state_locking",
            "How Terraform locks its state.",
            Some(strings(model::STATE_LOCKING)),
        ),
    ]
}

/// The schema, as `lzgen schema` prints it.
pub fn schema() -> Value {
    let mut root = serde_json::to_value(schemars::schema_for!(Answers)).unwrap_or_default();
    root["title"] = json!("lzgen.yaml");
    root["description"] = json!(format!(
        "The answers lzgen {} renders a landing zone from. `lzgen validate` checks everything this schema does, and more.",
        env!("CARGO_PKG_VERSION")
    ));
    for (path, description, rule) in rules() {
        let Some(pointer) = locate(&root, path) else {
            continue;
        };
        let Some(node) = root.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        node.insert("description".into(), json!(description));
        match rule {
            None => {}
            Some(Rule::OneOf(values)) => {
                node.insert("enum".into(), Value::Array(values));
            }
            Some(Rule::Range(min, max)) => {
                node.insert("minimum".into(), json!(min));
                node.insert("maximum".into(), json!(max));
            }
            Some(Rule::Min(min)) => {
                node.insert("minimum".into(), json!(min));
            }
            Some(Rule::Pattern(pattern)) => {
                node.insert("pattern".into(), json!(pattern));
            }
        }
    }
    // The keys no default can guess are required; every other key has the
    // documented default (config.md, "Required keys and defaults").
    for path in crate::config::documented::REQUIRED {
        let (key, parents) = path.split_last().expect("a key path");
        let parent = match parents {
            [] => Some(String::new()),
            _ => locate(&root, &parents.join(".")),
        };
        if let Some(node) = parent
            .and_then(|p| root.pointer_mut(&p))
            .and_then(Value::as_object_mut)
        {
            let required = node.entry("required").or_insert_with(|| json!([]));
            if let Some(list) = required.as_array_mut() {
                list.push(json!(key));
            }
        }
    }
    let mut defaults = Vec::new();
    leaves(&crate::config::documented::defaults(), "", &mut defaults);
    for (path, value) in defaults {
        if let Some(node) = locate(&root, &path)
            .and_then(|p| root.pointer_mut(&p))
            .and_then(Value::as_object_mut)
        {
            node.insert("default".into(), value);
        }
    }
    root
}

/// Each key of a document whose value is not a mapping, with that value.
fn leaves(doc: &serde_yaml::Value, at: &str, out: &mut Vec<(String, Value)>) {
    match doc {
        serde_yaml::Value::Mapping(map) => {
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                let path = if at.is_empty() {
                    key.to_string()
                } else {
                    format!("{at}.{key}")
                };
                leaves(value, &path, out);
            }
        }
        value => {
            if let Ok(json) = serde_json::to_value(value) {
                out.push((at.to_string(), json));
            }
        }
    }
}

/// The JSON pointer of the schema of the value at `path`, through `$ref`s
/// and the `anyOf [T, null]` schemars writes for an optional value. For an
/// optional scalar (`type: [string, null]`) the pointer is the property
/// itself.
fn locate(root: &Value, path: &str) -> Option<String> {
    let mut pointer = String::new();
    for part in path.split('.') {
        let (key, items) = match part.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (part, false),
        };
        pointer = resolve(root, pointer)?;
        pointer = format!("{pointer}/properties/{key}");
        root.pointer(&pointer)?;
        if items {
            pointer = resolve(root, pointer)?;
            pointer.push_str("/items");
            root.pointer(&pointer)?;
        }
    }
    resolve(root, pointer)
}

/// Follows `$ref` and the non-null branch of `anyOf`.
fn resolve(root: &Value, mut pointer: String) -> Option<String> {
    loop {
        let node = root.pointer(&pointer)?;
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            pointer = reference.strip_prefix('#')?.to_string();
        } else if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
            let at = branches
                .iter()
                .position(|b| b.get("type").and_then(Value::as_str) != Some("null"))?;
            pointer = format!("{pointer}/anyOf/{at}");
        } else {
            return Some(pointer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_finds_its_key() {
        let root = serde_json::to_value(schemars::schema_for!(Answers)).unwrap_or_default();
        for (path, _, _) in rules() {
            assert!(
                locate(&root, path).is_some(),
                "no key `{path}` in the schema"
            );
        }
        let schema = schema();
        let iac = locate(&schema, "organization.iac").and_then(|p| schema.pointer(&p).cloned());
        assert_eq!(
            iac.and_then(|n| n.get("enum").cloned()),
            Some(json!(["cloudformation", "terraform", "both"]))
        );
    }
}
