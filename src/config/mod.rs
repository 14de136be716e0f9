//! `lzgen.yaml`: its serde types, the embedded presets, and the layering of
//! inputs (preset < `--config` < `--set`) into one YAML document.

mod answers;
pub mod documented;
mod emit;
pub mod keys;
pub mod limits;
mod set;

pub use answers::*;
pub use emit::to_yaml;
pub use set::apply_set;

use crate::problem::{Problem, did_you_mean, one_of};
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};

/// An embedded preset: a complete, valid `lzgen.yaml`.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    pub yaml: &'static str,
}

pub const DEFAULT_PRESET: &str = "standard";

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "lab",
        summary: "3 accounts (one shared account holds every central role, dev, prod), 1 region, ECS blue/green",
        yaml: include_str!("presets/lab.yaml"),
    },
    Preset {
        name: "standard",
        summary: "6 accounts (log-archive, security, tooling, artifact, dev, prod), 1 region, ECS blue/green",
        yaml: include_str!("presets/standard.yaml"),
    },
    Preset {
        name: "enterprise",
        summary: "7 accounts (standard plus staging, prod behind an approval), 2 regions, ECS canary, every security service on",
        yaml: include_str!("presets/enterprise.yaml"),
    },
];

pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// Looks a preset up by name; the error names the flag and the choices.
pub fn find_preset(name: &str) -> Result<&'static Preset, Problem> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        let names = preset_names();
        let mut problem = Problem::new(
            "--preset",
            format!("expected {}, found `{name}`", one_of(&names)),
        );
        if let Some(close) = did_you_mean(name, names.iter().copied()) {
            problem = problem.with_hint(format!("did you mean `{close}`?"));
        }
        problem
    })
}

/// Parses YAML text; a syntax error names the origin, line and column.
pub fn parse_yaml(text: &str, origin: &str) -> Result<Value, Problem> {
    limits::refuse_tags(text, origin)?;
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Null) => Ok(Value::Mapping(Mapping::new())),
        Ok(value) => Ok(value),
        Err(err) => {
            let key = match err.location() {
                Some(loc) => format!("{origin}:{}:{}", loc.line(), loc.column()),
                None => origin.to_string(),
            };
            Err(Problem::new(key, format!("YAML syntax error: {err}")))
        }
    }
}

/// Where the answers come from, in increasing precedence.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--preset NAME`: a complete answer set the user chose.
    pub preset: Option<String>,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// Each `--set KEY=VALUE`, in order.
    pub sets: Vec<String>,
    /// `--yes`/`--defaults`: take the default preset for anything not given.
    pub yes: bool,
}

/// The sources layered into one document, and the keys it took from a
/// default rather than from the user.
#[derive(Debug, Clone)]
pub struct Layered {
    pub doc: Value,
    /// Each key the user did not give, with the value it got, in one line
    /// (`documented::applied`). Empty when the user gave nothing at all
    /// (`--yes` or a preset alone: every key is the preset's).
    pub defaulted: Vec<(String, String)>,
}

/// Layers the sources into one document, over:
/// - the preset named by `--preset`, or the default preset with `--yes`: a
///   complete answer set;
/// - otherwise the documented defaults (`documented::base`): the default
///   preset without the keys no default can guess, which stay missing, and
///   validation names them with the flag that would supply them.
///
/// `fit` gets the layered document and what the user gave alone, and makes
/// the defaults fit the answers given (`model::defaults::fit`).
pub fn layer(
    sources: &Sources,
    read: impl Fn(&Path) -> std::io::Result<String>,
    fit: impl Fn(&mut Value, &Value),
) -> Result<Layered, Vec<Problem>> {
    if sources.preset.is_none()
        && sources.config.is_none()
        && sources.sets.is_empty()
        && !sources.yes
    {
        return Err(vec![
            Problem::new(
                "--config",
                "expected answers to render from, found none: no --config, --preset, --set or --yes",
            )
            .with_hint(
                "pass --config lzgen.yaml, or --yes for the standard preset; `lzgen presets show standard > lzgen.yaml` starts a file to edit",
            ),
        ]);
    }
    let mut problems = Vec::new();
    let base_name = match &sources.preset {
        Some(name) => Some(name.as_str()),
        None if sources.yes => Some(DEFAULT_PRESET),
        None => None,
    };
    let mut doc = Value::Mapping(Mapping::new());
    match base_name {
        Some(name) => match find_preset(name) {
            Ok(preset) => doc = parse_yaml(preset.yaml, name).map_err(|p| vec![p])?,
            Err(p) => problems.push(p),
        },
        None => {
            let standard = find_preset(DEFAULT_PRESET).map_err(|p| vec![p])?;
            let standard = parse_yaml(standard.yaml, DEFAULT_PRESET).map_err(|p| vec![p])?;
            doc = documented::base(&standard);
        }
    }
    // What the user gave, apart from the preset under it.
    let mut given = Value::Mapping(Mapping::new());
    if let Some(path) = &sources.config {
        let origin = path.display().to_string();
        match read(path) {
            Ok(text) => match parse_yaml(&text, &origin) {
                Ok(value) => {
                    merge(&mut given, value.clone());
                    merge(&mut doc, value);
                }
                Err(p) => problems.push(p),
            },
            Err(err) => problems.push(Problem::new(
                "--config",
                format!("expected a readable YAML file, found `{origin}`: {err}"),
            )),
        }
    }
    for assignment in &sources.sets {
        if let Err(p) = apply_set(&mut doc, assignment) {
            problems.push(p);
        }
        let _ = apply_set(&mut given, assignment);
    }
    if problems.is_empty() {
        // Bounds and characters first: nothing else reads a document that
        // is too large, too deep, tagged or holds hidden characters. The
        // user's answers are checked (the presets are lzgen's own), so a
        // count in a message is of what the user wrote.
        problems = limits::check_document(&given);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    fit(&mut doc, &given);
    let gave_something = given.as_mapping().is_some_and(|m| !m.is_empty());
    let defaulted = if gave_something {
        documented::applied(&doc, &given)
    } else {
        Vec::new()
    };
    Ok(Layered { doc, defaulted })
}

/// Merges `overlay` into `base`: mappings key by key, anything else replaced.
/// A null in the overlay removes the key.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Mapping(base), Value::Mapping(overlay)) => {
            for (key, value) in overlay {
                if value.is_null() {
                    base.remove(&key);
                } else if let Some(existing) = base.get_mut(&key) {
                    merge(existing, value);
                } else {
                    base.insert(key, value);
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

/// Reads a layered document into `Answers`, collecting every problem: unknown
/// keys, unquoted account IDs, values of the wrong type.
pub fn answers_from_value(mut doc: Value) -> (Answers, Vec<Problem>) {
    let mut problems = Vec::new();
    if !doc.is_mapping() {
        problems.push(Problem::new(
            "",
            format!(
                "expected a YAML mapping of lzgen.yaml keys at the top level, found {}",
                kind(&doc)
            ),
        ));
        return (Answers::default(), problems);
    }
    keys::remove_unknown_keys(&mut doc, &mut problems);
    take_unquoted_ids(&mut doc, &mut problems);

    let mut answers = Answers::default();
    let Value::Mapping(map) = doc else {
        return (answers, problems);
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        let key = key.to_string();
        match key.as_str() {
            "version" => answers.version = section(value, &key, &mut problems),
            "organization" => answers.organization = section(value, &key, &mut problems),
            "organizational_units" => {
                answers.organizational_units = section(value, &key, &mut problems)
            }
            "accounts" => answers.accounts = list_section(value, &key, &mut problems),
            "pipeline" => answers.pipeline = section(value, &key, &mut problems),
            "guardrails" => answers.guardrails = section(value, &key, &mut problems),
            "security" => answers.security = section(value, &key, &mut problems),
            "logging" => answers.logging = section(value, &key, &mut problems),
            "notifications" => answers.notifications = section(value, &key, &mut problems),
            "terraform" => answers.terraform = section(value, &key, &mut problems),
            _ => {}
        }
    }
    (answers, problems)
}

fn section<T: DeserializeOwned>(value: Value, key: &str, problems: &mut Vec<Problem>) -> Option<T> {
    if value.is_null() {
        return None;
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(err) => {
            let inner = err.path().to_string();
            let full = if inner == "." {
                key.to_string()
            } else if inner.starts_with('[') {
                format!("{key}{inner}")
            } else {
                format!("{key}.{inner}")
            };
            problems.push(Problem::new(full, reword(&err.inner().to_string())));
            None
        }
    }
}

/// A list whose elements are read one by one, so one bad element does not
/// hide the problems of the others.
fn list_section<T: DeserializeOwned>(
    value: Value,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<Vec<T>> {
    match value {
        Value::Null => None,
        Value::Sequence(items) => {
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                if let Some(v) = section(item, &format!("{key}[{i}]"), problems) {
                    out.push(v);
                }
            }
            Some(out)
        }
        other => {
            problems.push(Problem::new(
                key,
                format!("expected a list, found {}", kind(&other)),
            ));
            None
        }
    }
}

/// serde says "invalid type: integer `5`, expected a string"; users read
/// "expected a string, found integer `5`" more easily, in the order every
/// other message uses.
fn reword(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            return format!(
                "expected {}, found {}",
                plain_type(expected),
                plain_type(found)
            );
        }
    }
    message.to_string()
}

/// serde's type names in the words the rest of lzgen uses.
fn plain_type(text: &str) -> String {
    match text {
        "u32" | "u64" | "i64" => "a whole number".into(),
        "f64" => "a number".into(),
        "sequence" | "a sequence" => "a list".into(),
        "map" | "a map" => "a mapping".into(),
        "unit value" => "nothing".into(),
        other => other
            .replace("floating point", "the number")
            .replace("integer", "the number")
            .replace("boolean ", "the boolean ")
            .replace("string ", "the string "),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// YAML reads `id: 012345678901` as a number and drops the leading zero, so
/// an unquoted account ID is refused with a message that says to quote it.
fn take_unquoted_ids(doc: &mut Value, problems: &mut Vec<Problem>) {
    let mut check = |value: &mut Value, key: &str, path: String| {
        if let Value::Mapping(map) = value
            && let Some(Value::Number(n)) = map.get(key)
        {
            problems.push(
                Problem::new(
                    path,
                    format!("expected a quoted 12-digit string such as \"012345678901\", found the unquoted number {n}"),
                )
                .with_hint("quote it: YAML reads unquoted digits as a number and drops leading zeros"),
            );
            map.remove(key);
        }
    };
    if let Some(org) = doc.get_mut("organization") {
        check(
            org,
            "management_account_id",
            "organization.management_account_id".into(),
        );
    }
    if let Some(Value::Sequence(accounts)) = doc.get_mut("accounts") {
        for (i, account) in accounts.iter_mut().enumerate() {
            check(account, "id", format!("accounts[{i}].id"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(doc: &mut Value, s: &str) -> Result<(), Problem> {
        apply_set(doc, s)
    }

    #[test]
    fn written_answers_read_back_the_same_and_look_like_the_presets() {
        for preset in PRESETS {
            let answers: Answers = serde_yaml::from_str(preset.yaml).expect("preset");
            let text = to_yaml(&answers).expect("writes");
            let back: Answers = serde_yaml::from_str(&text).expect("reads back");
            assert_eq!(back, answers, "{}", preset.name);
            // The preset files are written in the same style, comments aside.
            let body: String = preset
                .yaml
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(text.trim(), body.trim(), "{}", preset.name);
        }
        let every: Answers = serde_yaml::from_str(include_str!("../../tests/data/every-key.yaml"))
            .expect("every key");
        let back: Answers =
            serde_yaml::from_str(&to_yaml(&every).expect("writes")).expect("reads back");
        assert_eq!(back, every);
    }

    #[test]
    fn awkward_values_stay_intact() {
        let mut answers: Answers = serde_yaml::from_str(PRESETS[1].yaml).expect("preset");
        let ous = answers.organizational_units.as_mut().expect("ous");
        ous[0].name = Some("R&D: Sandbox \"lab\" #1, [x]".into());
        answers.organization.as_mut().expect("org").regions =
            Some(vec!["us-east-1".into(), "a, b".into()]);
        let text = to_yaml(&answers).expect("writes");
        let back: Answers = serde_yaml::from_str(&text).expect("reads back");
        assert_eq!(back, answers, "{text}");
    }

    #[test]
    fn every_preset_parses_without_problems() {
        for preset in PRESETS {
            let doc = parse_yaml(preset.yaml, preset.name).expect("preset parses");
            let (_, problems) = answers_from_value(doc);
            assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
        }
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let err = parse_yaml("version: 1\norganization:\n  name: [acme\n", "lzgen.yaml")
            .expect_err("bad yaml");
        assert!(err.key.starts_with("lzgen.yaml:"), "{err}");
        let parts: Vec<&str> = err.key.split(':').collect();
        assert_eq!(parts.len(), 3, "{err}");
        assert!(
            parts[1].parse::<usize>().is_ok() && parts[2].parse::<usize>().is_ok(),
            "{err}"
        );
        assert!(err.message.starts_with("YAML syntax error:"), "{err}");
    }

    #[test]
    fn set_reads_values_as_yaml_and_creates_keys() {
        let mut doc = Value::Mapping(Mapping::new());
        set(&mut doc, "organization.regions=[us-east-1, eu-west-1]").expect("set");
        set(&mut doc, "pipeline.deploy.traffic_percent=10").expect("set");
        set(&mut doc, "accounts[0].name=dev").expect("append");
        set(&mut doc, "accounts[0].id=012345678901").expect("id");
        let expected: Value = serde_yaml::from_str(
            "organization: {regions: [us-east-1, eu-west-1]}\npipeline: {deploy: {traffic_percent: 10}}\naccounts: [{name: dev, id: '012345678901'}]\n",
        )
        .expect("yaml");
        assert_eq!(doc, expected);
        set(&mut doc, "pipeline.deploy.traffic_percent=null").expect("remove");
        assert!(doc["pipeline"]["deploy"].get("traffic_percent").is_none());
    }

    #[test]
    fn set_refuses_malformed_assignments() {
        let mut doc = Value::Mapping(Mapping::new());
        let err = set(&mut doc, "pipeline.deploy").expect_err("no =");
        assert_eq!(err.key, "--set");
        assert!(err.message.contains("expected KEY=VALUE"), "{err}");
        set(&mut doc, "accounts[0].name=a").expect("append");
        let err = set(&mut doc, "accounts[5].name=b").expect_err("gap");
        assert_eq!(
            err.to_string(),
            "--set accounts[5].name: expected an index from 0 to 1 (the list has 1 entries; 1 appends one), found 5"
        );
    }

    #[test]
    fn merge_replaces_lists_and_merges_mappings() {
        let mut base: Value = serde_yaml::from_str("a: {b: 1, c: [1, 2]}\nd: x").expect("yaml");
        merge(
            &mut base,
            serde_yaml::from_str("a: {c: [3]}\nd: null").expect("yaml"),
        );
        let expected: Value = serde_yaml::from_str("a: {b: 1, c: [3]}").expect("yaml");
        assert_eq!(base, expected);
    }

    #[test]
    fn unquoted_ids_are_refused_with_a_hint_to_quote() {
        let doc =
            parse_yaml("accounts:\n  - name: prod\n    id: 222222222222\n", "t").expect("yaml");
        let (_, problems) = answers_from_value(doc);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "accounts[0].id: expected a quoted 12-digit string such as \"012345678901\", found the unquoted number 222222222222 (quote it: YAML reads unquoted digits as a number and drops leading zeros)"
        );
    }

    #[test]
    fn type_errors_name_the_key_and_each_account_separately() {
        let doc = parse_yaml(
            "pipeline:\n  deploy:\n    traffic_percent: ten\naccounts:\n  - name: a\n    approval: maybe\n  - name: [b]\n",
            "t",
        )
        .expect("yaml");
        let (_, problems) = answers_from_value(doc);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "pipeline.deploy.traffic_percent: expected a whole number, found the string \"ten\"",
                "accounts[0].approval: expected a boolean, found the string \"maybe\"",
                "accounts[1].name: expected a string, found a list",
            ]
        );
    }

    #[test]
    fn unknown_presets_are_refused_with_a_suggestion() {
        let err = find_preset("standrd").expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "--preset: expected one of `lab`, `standard`, `enterprise`, found `standrd` (did you mean `standard`?)"
        );
    }
}
