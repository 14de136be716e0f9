//! The keys `lzgen.yaml` accepts at each level, used to report every unknown
//! key at once with a "did you mean". A test checks this table against the
//! serde types, so the two cannot drift apart.

use crate::problem::{Problem, did_you_mean, one_of};
use serde_yaml::Value;

/// Known keys by shape path (`[]` stands for any list element).
const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "version",
            "organization",
            "organizational_units",
            "accounts",
            "pipeline",
            "guardrails",
            "security",
            "logging",
            "notifications",
            "terraform",
        ],
    ),
    (
        "organization",
        &[
            "name",
            "management_account_id",
            "home_region",
            "regions",
            "iac",
        ],
    ),
    ("organizational_units[]", &["name", "children"]),
    (
        "accounts[]",
        &["name", "roles", "email", "id", "ou", "cidr", "approval"],
    ),
    (
        "pipeline",
        &[
            "application",
            "source",
            "build",
            "deploy",
            "rollback",
            "stages",
        ],
    ),
    ("pipeline.source", &["provider", "repository", "branch"]),
    ("pipeline.build", &["runtime", "security_scans", "cache"]),
    (
        "pipeline.deploy",
        &[
            "compute",
            "strategy",
            "traffic_percent",
            "interval_minutes",
            "container_port",
            "health_check_path",
        ],
    ),
    ("pipeline.rollback", &["http_5xx_percent", "latency_ms"]),
    ("guardrails", &["scps", "quotas"]),
    (
        "guardrails.quotas",
        &["scps_per_target", "policy_characters"],
    ),
    (
        "security",
        &[
            "guardduty",
            "access_analyzer",
            "config_rules",
            "security_hub",
        ],
    ),
    (
        "logging",
        &[
            "organization_trail",
            "cloudwatch_logs_to_s3",
            "retention_days",
        ],
    ),
    ("notifications", &["email", "slack"]),
    ("notifications.slack", &["team_id", "channel_id"]),
    ("terraform", &["state_locking"]),
];

fn known_keys(shape: &str) -> Option<&'static [&'static str]> {
    // `children` of an OU has the same shape as the top-level OU list.
    let shape = if shape.starts_with("organizational_units[]") {
        "organizational_units[]"
    } else {
        shape
    };
    KEYS.iter()
        .find(|(s, _)| *s == shape)
        .map(|(_, keys)| *keys)
}

/// Reports every unknown key in `value` and removes it, so that later checks
/// see only what they understand.
pub fn remove_unknown_keys(value: &mut Value, problems: &mut Vec<Problem>) {
    walk(value, "", "", problems);
}

fn walk(value: &mut Value, shape: &str, path: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::Mapping(map) => {
            let Some(known) = known_keys(shape) else {
                return;
            };
            let mut unknown = Vec::new();
            for key in map.keys() {
                let name = match key {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                if !known.contains(&name.as_str()) {
                    let full = join(path, &name);
                    let parent = if path.is_empty() {
                        "the top level"
                    } else {
                        path
                    };
                    let mut problem = Problem::new(
                        full,
                        format!("unknown key `{name}`; {parent} accepts {}", one_of(known)),
                    );
                    if let Some(close) = did_you_mean(&name, known.iter().copied()) {
                        problem = problem.with_hint(format!("did you mean `{close}`?"));
                    }
                    problems.push(problem);
                    unknown.push(key.clone());
                }
            }
            for key in unknown {
                map.remove(&key);
            }
            for (key, child) in map.iter_mut() {
                if let Value::String(name) = key {
                    let child_shape = if name == "children" {
                        "organizational_units[]".to_string()
                    } else {
                        join(shape, name)
                    };
                    walk(child, &child_shape, &join(path, name), problems);
                }
            }
        }
        Value::Sequence(items) => {
            let item_shape = if shape.ends_with("[]") {
                shape.to_string()
            } else {
                format!("{shape}[]")
            };
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &item_shape, &format!("{path}[{i}]"), problems);
            }
        }
        _ => {}
    }
}

/// `path.key`, or `key` at the top level.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of a fully populated answer set must be in the table, and
    /// every key in the table must be in that answer set: the table and the
    /// serde types agree.
    #[test]
    fn table_matches_the_serde_types() {
        let full = include_str!("../../tests/data/every-key.yaml");
        let answers: crate::config::Answers =
            serde_yaml::from_str(full).expect("every-key.yaml is valid");
        let value = serde_yaml::to_value(&answers).expect("serialises");
        let mut seen = std::collections::BTreeSet::new();
        collect(&value, "", &mut seen);
        let mut table = std::collections::BTreeSet::new();
        for (shape, keys) in KEYS {
            for key in *keys {
                table.insert(join(shape, key));
            }
        }
        assert_eq!(seen, table);
    }

    fn collect(value: &Value, shape: &str, seen: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map {
                    let key = key.as_str().expect("string keys");
                    seen.insert(join(shape, key));
                    let child_shape = if key == "children" {
                        "organizational_units[]".to_string()
                    } else {
                        join(shape, key)
                    };
                    collect(child, &child_shape, seen);
                }
            }
            Value::Sequence(items) => {
                let item_shape = if shape.ends_with("[]") {
                    shape.to_string()
                } else {
                    format!("{shape}[]")
                };
                for item in items {
                    collect(item, &item_shape, seen);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn unknown_keys_are_all_reported_with_suggestions() {
        let mut value: Value = serde_yaml::from_str(
            "version: 1\norganisation: {}\npipeline:\n  deploy:\n    stratgy: canary\naccounts:\n  - name: a\n    emial: x\n",
        )
        .expect("yaml");
        let mut problems = Vec::new();
        remove_unknown_keys(&mut value, &mut problems);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(text[0].starts_with(
            "organisation: unknown key `organisation`; the top level accepts one of `version`"
        ));
        assert!(text[0].ends_with("(did you mean `organization`?)"));
        assert!(text.iter().any(
            |t| t.starts_with("pipeline.deploy.stratgy: unknown key `stratgy`")
                && t.ends_with("(did you mean `strategy`?)")
        ));
        assert!(
            text.iter()
                .any(|t| t.starts_with("accounts[0].emial: unknown key `emial`")
                    && t.ends_with("(did you mean `email`?)"))
        );
        assert!(value.get("organisation").is_none());
    }
}
