//! One test (at least) per rule of config.md, each showing its message.

use super::*;
use crate::config::{PRESETS, Slack};

fn preset(name: &str) -> Answers {
    let p = PRESETS.iter().find(|p| p.name == name).expect("preset");
    serde_yaml::from_str(p.yaml).expect("preset parses")
}

fn standard() -> Answers {
    preset("standard")
}

fn problems(a: &Answers) -> Vec<String> {
    match build(a) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

fn zone(a: &Answers) -> (LandingZone, Vec<Warning>) {
    match build(a) {
        Ok(z) => z,
        Err(p) => panic!("expected valid answers, got {p:#?}"),
    }
}

fn only(a: &Answers) -> String {
    let p = problems(a);
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p[0].clone()
}

fn org(a: &mut Answers) -> &mut config::Organization {
    a.organization.as_mut().expect("organization")
}

fn accounts(a: &mut Answers) -> &mut Vec<AccountAnswer> {
    a.accounts.as_mut().expect("accounts")
}

fn deploy(a: &mut Answers) -> &mut config::Deploy {
    a.pipeline
        .as_mut()
        .and_then(|p| p.deploy.as_mut())
        .expect("deploy")
}

fn workload(name: &str, ou: &str) -> AccountAnswer {
    AccountAnswer {
        name: Some(name.into()),
        roles: Some(vec!["workload".into()]),
        email: Some(format!("aws+{name}@acme.example")),
        ou: Some(ou.into()),
        ..AccountAnswer::default()
    }
}

mod accounts;
mod governance;
mod limits;
mod organization;
mod pipeline;

#[test]
fn every_preset_is_valid() {
    for p in PRESETS {
        let (zone, _) = zone(&preset(p.name));
        assert!(!zone.accounts.is_empty(), "{}", p.name);
    }
}

#[test]
fn presets_have_the_promised_shapes() {
    let (lab, lab_warnings) = zone(&preset("lab"));
    assert_eq!(lab.accounts.len(), 3);
    assert_eq!(lab.holders.tooling(), "shared");
    assert!(lab_warnings.iter().any(|w| w.key == "accounts[0].roles"));
    let (std, _) = zone(&standard());
    assert_eq!(std.accounts.len(), 6);
    assert_eq!(std.organization.regions, ["us-east-1"]);
    let (ent, _) = zone(&preset("enterprise"));
    assert_eq!(ent.accounts.len(), 7);
    assert_eq!(ent.organization.regions.len(), 2);
    assert_eq!(ent.pipeline.deploy.strategy, Strategy::Canary);
    assert!(
        ent.pipeline
            .stages
            .last()
            .is_some_and(|s| s.approval && s.accounts == ["prod"])
    );
    assert!(
        ent.security.guardduty
            && ent.security.access_analyzer
            && ent.security.config_rules
            && ent.security.security_hub
    );
}

#[test]
fn version_must_be_1() {
    let mut a = standard();
    a.version = Some(2);
    assert_eq!(
        only(&a),
        "version: expected 1, found 2 (this lzgen reads lzgen.yaml version 1)"
    );
    a.version = None;
    assert_eq!(
        only(&a),
        "version: required, but not given (add `version: 1` at the top of the file)"
    );
}

#[test]
fn missing_keys_name_the_flag_that_supplies_them() {
    let mut a = standard();
    org(&mut a).name = None;
    assert_eq!(
        only(&a),
        "organization.name: required, but not given (supply it with --set organization.name=VALUE or in --config FILE; --yes takes the default, `acme`)"
    );
    let mut a = standard();
    a.accounts = None;
    assert_eq!(
        only(&a),
        "accounts: required, but not given (supply it in --config FILE or with --set accounts=...; --preset NAME or --yes takes a complete default)"
    );
}

#[test]
fn an_empty_answer_set_lists_every_missing_section() {
    let p = problems(&Answers::default());
    let keys: Vec<&str> = p
        .iter()
        .map(|s| s.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        keys,
        [
            "version",
            "organization",
            "accounts",
            "pipeline",
            "security",
            "logging"
        ]
    );
}

#[test]
fn names_follow_their_patterns() {
    let mut a = standard();
    org(&mut a).name = Some("Acme Corp".into());
    assert_eq!(
        only(&a),
        "organization.name: expected a lowercase name matching [a-z][a-z0-9-]{1,19} (2 to 20 characters, a letter first), found `Acme Corp`"
    );
    let mut a = standard();
    accounts(&mut a)[4].name = Some("9dev".into());
    assert!(problems(&a).contains(&"accounts[4].name: expected a lowercase name matching [a-z][a-z0-9-]{1,29} (2 to 30 characters, a letter first), found `9dev`".to_string()));
    let mut a = standard();
    a.pipeline.as_mut().expect("pipeline").application = Some("x".into());
    assert_eq!(
        only(&a),
        "pipeline.application: expected a lowercase name matching [a-z][a-z0-9-]{1,29} (2 to 30 characters, a letter first), found `x`"
    );
}

/// Control, invisible and direction-changing characters are refused in
/// every text answer, before any other rule (which would echo them).
#[test]
fn hidden_characters_are_refused_in_every_text_answer_first() {
    let mut a = standard();
    accounts(&mut a)[4].email = Some("dev\u{7}@acme.example".into());
    assert_eq!(
        only(&a),
        "accounts[4].email: expected visible text, found U+0007 at character 4 \
         (control, invisible and direction-changing characters could hide what a generated file says)"
    );
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous")[0].name = Some("tab\there".into());
    assert!(
        only(&a).starts_with("organizational_units[0].name: expected visible text, found U+0009 (a tab) at character 4"),
        "{}",
        only(&a)
    );
    let mut a = standard();
    a.pipeline.as_mut().expect("pipeline").application = Some("auth\u{202e}svc".into());
    assert!(
        only(&a).starts_with("pipeline.application: expected visible text, found U+202E"),
        "{}",
        only(&a)
    );
}

#[test]
fn stages_default_to_one_per_ou_in_tree_order() {
    let mut a = standard();
    accounts(&mut a).push(workload("qa", "Workloads/NonProd"));
    let (zone, _) = zone(&a);
    let stages: Vec<Vec<String>> = zone
        .pipeline
        .stages
        .iter()
        .map(|s| s.accounts.clone())
        .collect();
    assert_eq!(
        stages,
        [
            vec!["dev".to_string(), "qa".to_string()],
            vec!["prod".to_string()]
        ]
    );
    assert_eq!(zone.pipeline.stages[0].name, "Deploy-dev-qa");
}
