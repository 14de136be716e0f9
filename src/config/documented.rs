//! The documented defaults: what a hand-written lzgen.yaml may leave out.
//!
//! config.md ("Required keys and defaults"): only what no default can guess
//! must be written (`version`, the organization's name and home region, the
//! accounts, the application and its source); every other key takes the
//! `standard` preset's value, fitted to the answers given. So a file (or
//! `--set`s) without `--yes` is layered over the standard preset with those
//! keys taken out, and the keys it got that way are listed for the user.

use serde_yaml::{Mapping, Value};

/// The keys that have no default: the user's, always.
pub const REQUIRED: &[&[&str]] = &[
    &["version"],
    &["organization"],
    &["organization", "name"],
    &["organization", "home_region"],
    &["accounts"],
    &["pipeline"],
    &["pipeline", "application"],
    &["pipeline", "source"],
    &["pipeline", "source", "provider"],
    &["pipeline", "source", "repository"],
];

/// Not required, but taken from the answers rather than the preset: the
/// region list follows the home region (`model::defaults::fit`).
const FOLLOWS_OTHERS: &[&[&str]] = &[&["organization", "regions"]];

/// The documented defaults, as a document: the standard preset without the
/// required keys and those that follow other answers.
pub fn defaults() -> Value {
    let standard = super::find_preset(super::DEFAULT_PRESET).expect("the default preset");
    base(&serde_yaml::from_str(standard.yaml).expect("the default preset parses"))
}

/// The standard preset with the keys that have no default taken out.
pub fn base(standard: &Value) -> Value {
    let mut doc = standard.clone();
    // A section that is required is taken out key by key (the section's
    // other keys keep their defaults), so only the innermost paths.
    let innermost = |path: &&&[&str]| {
        !REQUIRED
            .iter()
            .any(|other| other.len() > path.len() && other.starts_with(path))
    };
    for path in REQUIRED.iter().filter(innermost).chain(FOLLOWS_OTHERS) {
        let (last, parents) = path.split_last().expect("a key path");
        let parent = parents
            .iter()
            .try_fold(&mut doc, |node, key| node.get_mut(*key));
        if let Some(Value::Mapping(map)) = parent {
            map.shift_remove(*last);
        }
    }
    doc
}

/// Each key the layered document has that the user did not give, with its
/// value in one line: `organization.iac: cloudformation`. A whole section
/// left out is one entry; inside a list the user gave (the accounts), each
/// item's defaulted keys are listed by index.
pub fn applied(doc: &Value, given: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(doc, given, "", &mut out);
    out
}

fn walk(doc: &Value, given: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match (doc, given) {
        (Value::Mapping(doc), Value::Mapping(given)) => {
            for (key, value) in doc {
                let Some(name) = key.as_str() else { continue };
                let path = if at.is_empty() {
                    name.to_string()
                } else {
                    format!("{at}.{name}")
                };
                match given.get(key) {
                    Some(mine) => walk(value, mine, &path, out),
                    None => out.push((path, one_line(value))),
                }
            }
        }
        (Value::Sequence(doc), Value::Sequence(given)) if doc.len() == given.len() => {
            for (i, (value, mine)) in doc.iter().zip(given).enumerate() {
                walk(value, mine, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A value in YAML's flow style, on one line.
fn one_line(value: &Value) -> String {
    match value {
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(one_line).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Mapping(map) => format!("{{{}}}", entries(map)),
        Value::Tagged(tagged) => one_line(&tagged.value),
        scalar => serde_yaml::to_string(scalar)
            .map(|s| s.trim_end().to_string())
            .unwrap_or_default(),
    }
}

fn entries(map: &Mapping) -> String {
    let parts: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", one_line(k), one_line(v)))
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("yaml")
    }

    #[test]
    fn the_base_keeps_only_what_has_a_default() {
        let standard = yaml(
            "version: 1\norganization: {name: acme, home_region: us-east-1, regions: [us-east-1], iac: cloudformation}\n\
             accounts: [{name: dev}]\n\
             pipeline: {application: app, source: {provider: codecommit, repository: app, branch: main}}\n",
        );
        assert_eq!(
            base(&standard),
            yaml("organization: {iac: cloudformation}\npipeline: {source: {branch: main}}\n")
        );
    }

    #[test]
    fn lists_each_key_not_given_once_in_one_line() {
        let doc = yaml(
            "organization: {name: g, iac: cloudformation}\n\
             accounts: [{name: dev, ou: Workloads/NonProd}, {name: x, ou: Security}]\n\
             security: {guardduty: true, security_hub: false}\n\
             guardrails: {scps: [a, b]}\n",
        );
        let given =
            yaml("organization: {name: g}\naccounts: [{name: dev}, {name: x, ou: Security}]\n");
        let listed: Vec<String> = applied(&doc, &given)
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        assert_eq!(
            listed,
            [
                "organization.iac: cloudformation",
                "accounts[0].ou: Workloads/NonProd",
                "security: {guardduty: true, security_hub: false}",
                "guardrails: {scps: [a, b]}",
            ]
        );
    }
}
