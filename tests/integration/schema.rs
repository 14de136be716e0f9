//! `lzgen schema`: every preset and example validates against it, and a bad
//! value it refuses is refused by `lzgen validate` too, naming the key.

use crate::support::{lzgen, render, repo_root};
use serde_json::Value;

fn schema() -> Value {
    let out = lzgen().arg("schema").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

fn as_json(yaml: &str) -> Value {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("YAML");
    serde_json::to_value(value).expect("JSON")
}

fn answer_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = ["lab", "standard", "enterprise"]
        .into_iter()
        .map(|name| {
            let out = lzgen()
                .args(["presets", "show", name])
                .output()
                .expect("runs");
            (
                format!("preset {name}"),
                String::from_utf8(out.stdout).expect("utf-8"),
            )
        })
        .collect();
    let mut examples: Vec<_> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    examples.sort();
    for path in examples {
        files.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("read"),
        ));
    }
    files
}

#[test]
fn every_preset_and_example_validates_against_the_schema() {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let files = answer_files();
    assert!(files.len() >= 9, "{}", files.len());
    for (name, text) in files {
        let errors: Vec<String> = validator
            .iter_errors(&as_json(&text))
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    // The copy in every generated repo is the same schema, and lzgen.yaml
    // names it on its first line.
    let tree = render(&["--preset", "standard"]);
    let copy: Value =
        serde_json::from_slice(&tree[lzgen::state::SCHEMA].0).expect("the copy is JSON");
    assert_eq!(copy, schema);
    let answers = String::from_utf8(tree["lzgen.yaml"].0.clone()).expect("utf-8");
    assert_eq!(
        answers.lines().next(),
        Some("# yaml-language-server: $schema=.lzgen/lzgen.schema.json")
    );
}

/// Each bad value: the key, the value as `--set` takes it, and as JSON.
const BAD: &[(&str, &str, &str)] = &[
    ("organization.iac", "cdk", r#""cdk""#),
    (
        "organization.regions",
        "[us-east-1, mars-east-1]",
        r#"["us-east-1", "mars-east-1"]"#,
    ),
    ("organization.management_account_id", "'12'", r#""12""#),
    ("organization.name", "Acme_Corp", r#""Acme_Corp""#),
    ("pipeline.deploy.container_port", "70000", "70000"),
    ("pipeline.deploy.strategy", "sideways", r#""sideways""#),
    (
        "pipeline.deploy.health_check_path",
        "healthz",
        r#""healthz""#,
    ),
    ("pipeline.build.cache", "redis", r#""redis""#),
    (
        "guardrails.scps",
        "[deny-everything]",
        r#"["deny-everything"]"#,
    ),
    ("logging.retention_days", "0", "0"),
    ("terraform.state_locking", "consul", r#""consul""#),
    ("organization.colour", "blue", r#""blue""#),
];

#[test]
fn a_bad_value_fails_the_schema_and_validate_alike() {
    let validator = jsonschema::validator_for(&schema()).expect("a valid JSON Schema");
    let standard = lzgen()
        .args(["presets", "show", "standard"])
        .output()
        .expect("runs");
    let standard = as_json(&String::from_utf8(standard.stdout).expect("utf-8"));
    assert!(validator.is_valid(&standard));
    for (key, set, json) in BAD {
        let mut doc = standard.clone();
        let (parent, leaf) = key.rsplit_once('.').expect("dotted");
        let pointer = format!("/{}", parent.replace('.', "/"));
        doc.pointer_mut(&pointer).expect("parent")[leaf] =
            serde_json::from_str(json).expect("json");
        assert!(
            !validator.is_valid(&doc),
            "the schema accepts {key}: {json}"
        );
        let out = lzgen()
            .args([
                "validate",
                "--preset",
                "standard",
                "--set",
                &format!("{key}={set}"),
            ])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "validate accepts {key}={set}: {err}"
        );
        assert!(
            err.contains(key.rsplit('.').next().unwrap_or(key)),
            "{key}: {err}"
        );
    }
}

/// The keys with no default are required by the schema too, and each one
/// missing is refused by `validate`, naming it.
#[test]
fn the_keys_without_a_default_are_required_by_both() {
    let validator = jsonschema::validator_for(&schema()).expect("a valid JSON Schema");
    let minimal = std::fs::read_to_string(repo_root().join("examples/minimal.yaml")).expect("read");
    assert!(validator.is_valid(&as_json(&minimal)));
    for (line, key) in [
        (
            "  home_region: eu-west-1        # the region list defaults to this one\n",
            "organization.home_region",
        ),
        ("  application: shop\n", "pipeline.application"),
        (
            "    repository: globex/shop\n",
            "pipeline.source.repository",
        ),
    ] {
        assert!(minimal.contains(line), "{line}");
        let without = minimal.replace(line, "");
        assert!(
            !validator.is_valid(&as_json(&without)),
            "the schema takes a file without {key}"
        );
        let tmp = tempfile::tempdir().expect("tmp");
        let file = tmp.path().join("lzgen.yaml");
        std::fs::write(&file, &without).expect("write");
        let out = lzgen()
            .args(["validate", "--config"])
            .arg(&file)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error: {key}: required, but not given")),
            "{stderr}"
        );
    }
}
