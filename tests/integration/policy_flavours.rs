//! The least-privilege invariants run on both flavours before anything is
//! written: every Terraform policy document (an `aws_iam_policy_document`
//! or an inline `jsonencode`) is read back and checked as the CloudFormation
//! ones are, and a planted `*`-on-`*` statement is refused in either.

use crate::support::rendered;
use lzgen::infra::policy::Policies;
use lzgen::render::RenderedFile;
use lzgen::verify::{policy_documents, policy_invariants};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn both(source: &str) -> Vec<RenderedFile> {
    rendered(
        source,
        &["organization.iac=both", "terraform.state_locking=dynamodb"],
    )
}

fn text(files: &[RenderedFile], path: &str) -> String {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"));
    String::from_utf8(file.bytes.clone()).expect("utf-8")
}

fn replace(files: &mut [RenderedFile], path: &str, from: &str, to: &str) {
    let file = files
        .iter_mut()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"));
    let old = String::from_utf8(file.bytes.clone()).expect("utf-8");
    assert!(old.contains(from), "{path} holds {from:?}");
    file.bytes = old.replacen(from, to, 1).into_bytes();
}

#[test]
fn every_terraform_policy_document_is_walked() {
    for source in [
        "preset:standard",
        "examples/multi-region.yaml",
        "examples/ec2-blue-green.yaml",
        "examples/lambda-canary.yaml",
    ] {
        let files = both(source);
        let documents = policy_documents(&files);
        let mut total = 0;
        for f in files.iter().filter(|f| f.path.ends_with(".tf")) {
            let text = String::from_utf8_lossy(&f.bytes);
            let declared = text.matches("data \"aws_iam_policy_document\"").count();
            // An inline policy's object has a `Statement` key; other
            // jsonencode()d values (a lifecycle policy, an event pattern) do not.
            let inline = text
                .lines()
                .filter(|l| {
                    let l = l.trim_start();
                    l.starts_with("Statement") && l.contains('=')
                })
                .count();
            let walked: Vec<_> = documents.iter().filter(|d| d.file == f.path).collect();
            assert_eq!(
                walked.len(),
                declared + inline,
                "{source}: {}: {walked:#?}",
                f.path
            );
            // Each trust document is the one an assume_role_policy names.
            let trusts = walked.iter().filter(|d| d.trust).count();
            let named: std::collections::BTreeSet<&str> = text
                .lines()
                .filter(|l| l.trim_start().starts_with("assume_role_policy"))
                .filter_map(|l| l.split("data.aws_iam_policy_document.").nth(1))
                .collect();
            assert_eq!(trusts, named.len(), "{source}: {}", f.path);
            assert!(walked.iter().all(|d| d.statements > 0), "{}", f.path);
            total += walked.iter().map(|d| d.statements).sum::<usize>();
        }
        let cfn: usize = documents
            .iter()
            .filter(|d| d.file.starts_with("cloudformation/"))
            .map(|d| d.statements)
            .sum();
        println!(
            "{source}: {total} Terraform statements and {cfn} CloudFormation statements checked"
        );
        assert!(total > 50, "{source}: only {total} Terraform statements");
        assert!(policy_invariants(&files).is_empty(), "{source}");
    }
}

#[test]
fn a_planted_star_on_star_statement_is_refused_in_both_flavours() {
    let files = both("preset:standard");
    assert!(policy_invariants(&files).is_empty());

    let mut cfn = files.clone();
    replace(
        &mut cfn,
        "cloudformation/tooling/pipeline.yaml",
        "      Policies:\n",
        "      Policies:\n        - PolicyName: planted\n          PolicyDocument:\n            Version: \"2012-10-17\"\n            Statement:\n              - Effect: Allow\n                Action: \"*\"\n                Resource: \"*\"\n",
    );
    let defects = policy_invariants(&cfn);
    assert_eq!(defects.len(), 1, "{defects:#?}");
    assert_eq!(defects[0].path, "cloudformation/tooling/pipeline.yaml");
    assert!(
        defects[0]
            .message
            .ends_with("allows every action on every resource"),
        "{}",
        defects[0].message
    );

    let mut tf = files.clone();
    let main = "terraform/tooling/main.tf";
    let original = text(&tf, main);
    let document = original
        .split("data \"aws_iam_policy_document\" \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a policy document")
        .to_string();
    replace(
        &mut tf,
        main,
        &format!("data \"aws_iam_policy_document\" \"{document}\" {{\n"),
        &format!(
            "data \"aws_iam_policy_document\" \"{document}\" {{\n  statement {{\n    actions   = [\"*\"]\n    resources = [\"*\"]\n  }}\n\n"
        ),
    );
    let defects = policy_invariants(&tf);
    assert_eq!(defects.len(), 1, "{defects:#?}");
    assert_eq!(defects[0].path, main);
    assert_eq!(
        defects[0].message,
        format!(
            "data.aws_iam_policy_document.{document}.Statement[0]: allows every action on every resource"
        )
    );

    // A condition dropped from a Terraform trust policy is refused too.
    let mut trust = files.clone();
    let roles = "terraform/workloads/roles.tf";
    let text = text(&trust, roles);
    let start = text.find("    condition {").expect("a condition");
    let end = start + text[start..].find("    }\n").expect("its end") + "    }\n".len();
    let condition = text[start..end].to_string();
    replace(&mut trust, roles, &condition, "");
    let defects = policy_invariants(&trust);
    assert!(
        defects.iter().any(|d| d.path == roles
            && (d
                .message
                .ends_with("trusts a principal without a condition")
                || d.message
                    .ends_with("grants to another account without a condition"))),
        "{defects:#?}"
    );
}

/// Through `generate`: the same check runs before writing, so a planted
/// statement in either flavour ends in lzgen's own-bug exit, nothing written.
#[test]
fn verification_runs_the_invariants_on_terraform_files() {
    let resolved = lzgen::resolve(
        &lzgen::config::Sources {
            preset: Some("standard".into()),
            sets: vec![
                "organization.iac=both".into(),
                "terraform.state_locking=dynamodb".into(),
            ],
            ..lzgen::config::Sources::default()
        },
        |p| std::fs::read_to_string(p),
    )
    .expect("valid");
    let mut files = lzgen::generate(&resolved).expect("renders");
    assert!(lzgen::verify::verify(&resolved.zone, &resolved.units, &files).is_empty());
    replace(
        &mut files,
        "terraform/log-archive/main.tf",
        "  statement {\n",
        "  statement {\n    actions   = [\"*\"]\n    resources = [\"*\"]\n  }\n\n  statement {\n",
    );
    let defects = lzgen::verify::verify(&resolved.zone, &resolved.units, &files);
    assert_eq!(defects.len(), 1, "{defects:#?}");
    assert!(
        defects[0]
            .message
            .contains("every action on every resource")
    );
}

/// Where the blueprints place each typed policy: `{{indent policies.NAME.cfn
/// N}}` (or `.cfn_json`, `.cfn_bus`) in the CloudFormation flavour,
/// `policies.NAME.tf` in the Terraform one.
fn placements() -> (BTreeSet<String>, BTreeSet<String>) {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("blueprints") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "hbs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints"),
        &mut files,
    );
    let (mut cfn, mut tf) = (BTreeSet::new(), BTreeSet::new());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("utf-8");
        for (at, _) in text.match_indices("policies.") {
            let rest = &text[at + "policies.".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let flavour: String = rest[name.len()..]
                .chars()
                .skip(1)
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            match flavour.as_str() {
                "cfn" | "cfn_json" | "cfn_bus" => cfn.insert(name),
                "tf" => tf.insert(name),
                _ => continue,
            };
        }
    }
    (cfn, tf)
}

/// Parity holds by construction, provided each policy is placed in both
/// flavours (or in its one flavour only) and no placement names a policy
/// that does not exist: what the retired statement-by-statement parity
/// test would still catch.
#[test]
fn every_typed_policy_is_placed_in_each_flavour_it_belongs_to() {
    let (cfn, tf) = placements();
    let mut known = BTreeSet::new();
    for preset in lzgen::config::PRESETS {
        let answers: lzgen::config::Answers = serde_yaml::from_str(preset.yaml).expect("preset");
        let (zone, _) = lzgen::model::build(&answers).expect("valid");
        for (name, policy) in Policies::derive(&zone).all() {
            known.insert(name.to_string());
            assert_eq!(
                cfn.contains(name),
                !policy.terraform_only,
                "{name}: placed in CloudFormation?"
            );
            assert_eq!(
                tf.contains(name),
                !policy.cloudformation_only,
                "{name}: placed in Terraform?"
            );
        }
    }
    for name in cfn.union(&tf) {
        assert!(
            known.contains(name),
            "a blueprint places policies.{name}, which does not exist"
        );
    }
    assert!(
        cfn.len() > 40 && tf.len() > 40,
        "{} / {}",
        cfn.len(),
        tf.len()
    );
}
