//! The wizard driven by a script: every question it asks, every answer it
//! refuses, and the answers it ends with.

use super::*;
use crate::config::PRESETS;

fn standard() -> Answers {
    serde_yaml::from_str(
        PRESETS
            .iter()
            .find(|p| p.name == "standard")
            .expect("preset")
            .yaml,
    )
    .expect("yaml")
}

/// Every question of a run that accepts all suggestions, in order.
const ALL_DEFAULTS: &[&str] = &[
    "organization.name",
    "organization.iac",
    "organization.home_region",
    "organization.regions",
    "layout.preset",
    "layout.email_pattern",
    "layout.action",
    "accounts.existing",
    "pipeline.application",
    "pipeline.source.provider",
    "pipeline.source.repository",
    "pipeline.source.branch",
    "pipeline.build.runtime",
    "pipeline.deploy.compute",
    "pipeline.deploy.strategy",
    "pipeline.deploy.container_port",
    "pipeline.deploy.health_check_path",
    "pipeline.rollback.http_5xx_percent",
    "pipeline.rollback.latency_ms",
    "guardrails.scps",
    "security",
    "logging.organization_trail",
    "logging.cloudwatch_logs_to_s3",
    "logging.retention_days",
    "notifications.email",
    "notifications.slack",
];

fn defaults_except(overrides: &[(&str, Reply)]) -> Vec<(String, Reply)> {
    let mut script: Vec<(String, Reply)> = Vec::new();
    for key in ALL_DEFAULTS {
        match overrides
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, r)| r.clone())
            .collect::<Vec<_>>()
        {
            found if found.is_empty() => script.push((key.to_string(), Reply::Default)),
            found => script.extend(found.into_iter().map(|r| (key.to_string(), r))),
        }
    }
    for (key, reply) in overrides {
        if !ALL_DEFAULTS.contains(key) {
            script.push((key.to_string(), reply.clone()));
        }
    }
    script
}

/// The script without any answer for `key`: a question that must not be asked.
fn without(script: Vec<(String, Reply)>, key: &str) -> Vec<(String, Reply)> {
    script.into_iter().filter(|(k, _)| k != key).collect()
}

fn run(start: Answers, script: Vec<(String, Reply)>) -> (Answers, ScriptedPrompter) {
    let mut p = ScriptedPrompter::new(script);
    let answers = Wizard::new(start).run(&mut p).expect("the wizard finishes");
    assert!(
        p.unused().is_empty(),
        "the script said more than was asked: {:?}",
        p.unused()
    );
    (answers, p)
}

#[test]
fn accepting_every_default_gives_back_the_starting_answers() {
    let (answers, p) = run(standard(), defaults_except(&[]));
    assert_eq!(p.asked, ALL_DEFAULTS);
    assert!(p.refusals.is_empty(), "{:?}", p.refusals);
    assert_eq!(answers, standard());
}

#[test]
fn a_question_without_an_answer_fails_the_script() {
    let mut p = ScriptedPrompter::new([("organization.name", Reply::Default)]);
    let err = Wizard::new(standard()).run(&mut p).expect_err("stops");
    assert_eq!(
        err.to_string(),
        "the script has no answer for `organization.iac`"
    );
}

#[test]
fn the_lab_layout_can_be_chosen() {
    let (answers, _) = run(
        standard(),
        defaults_except(&[("layout.preset", Reply::Pick("Start from lab".into()))]),
    );
    let accounts = answers.accounts.as_ref().expect("accounts");
    let names: Vec<&str> = accounts.iter().filter_map(|a| a.name.as_deref()).collect();
    assert_eq!(names, ["shared", "dev", "prod"]);
    assert_eq!(
        accounts[0].roles.as_deref(),
        Some(
            &[
                "log-archive".to_string(),
                "security".into(),
                "tooling".into(),
                "artifact".into()
            ][..]
        )
    );
    assert!(model::build(&answers).is_ok());
}

#[test]
fn a_workload_account_can_be_added_and_another_removed() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            (
                "layout.email_pattern",
                Reply::Text("cloud+{account}@globex.example".into()),
            ),
            ("layout.action", Reply::Pick("Add".into())),
            ("layout.action", Reply::Pick("Remove".into())),
            ("layout.action", Reply::Pick("Accept".into())),
            ("accounts[6].ou", Reply::Pick("Workloads/NonProd".into())),
            ("accounts[6].approval", Reply::No),
            ("accounts[6].name", Reply::Text("Staging!".into())),
            ("accounts[6].name", Reply::Text("staging".into())),
            ("layout.remove", Reply::Pick("dev".into())),
        ]),
    );
    // The invalid name was refused with the validator's message, then asked again.
    assert_eq!(
        p.refusals,
        [
            "accounts[6].name: expected a lowercase name matching [a-z][a-z0-9-]{1,29} (2 to 30 characters, a letter first), found `Staging!`"
        ]
    );
    let accounts = answers.accounts.as_ref().expect("accounts");
    let names: Vec<&str> = accounts.iter().filter_map(|a| a.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            "log-archive",
            "security",
            "tooling",
            "artifact",
            "prod",
            "staging"
        ]
    );
    let staging = accounts
        .iter()
        .find(|a| a.name.as_deref() == Some("staging"))
        .expect("staging");
    assert_eq!(
        staging.email.as_deref(),
        Some("cloud+staging@globex.example")
    );
    assert_eq!(staging.ou.as_deref(), Some("Workloads/NonProd"));
    // Every email followed the old pattern, so every one follows the new.
    assert!(accounts.iter().all(|a| {
        a.email
            .as_deref()
            .is_some_and(|e| e.ends_with("@globex.example"))
    }));
    let (zone, _) = model::build(&answers).expect("valid");
    let stages: Vec<Vec<String>> = zone
        .pipeline
        .stages
        .iter()
        .map(|s| s.accounts.clone())
        .collect();
    assert_eq!(
        stages,
        [vec!["staging".to_string()], vec!["prod".to_string()]]
    );
}

#[test]
fn an_ou_can_be_renamed_and_its_accounts_follow() {
    let (answers, _) = run(
        standard(),
        defaults_except(&[
            ("layout.action", Reply::Pick("Rename".into())),
            ("layout.action", Reply::Pick("Accept".into())),
            ("layout.rename", Reply::Pick("Workloads".into())),
            ("organizational_units", Reply::Text("Apps".into())),
        ]),
    );
    let accounts = answers.accounts.as_ref().expect("accounts");
    let ous: Vec<&str> = accounts.iter().filter_map(|a| a.ou.as_deref()).collect();
    assert_eq!(
        ous,
        [
            "Security",
            "Security",
            "Deployment",
            "Deployment",
            "Apps/NonProd",
            "Apps/Prod"
        ]
    );
    assert!(model::build(&answers).is_ok());
}

#[test]
fn only_the_strategies_of_the_chosen_compute_are_offered() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            ("pipeline.deploy.strategy", Reply::Pick("canary".into())),
            ("pipeline.deploy.traffic_percent", Reply::Text("150".into())),
            ("pipeline.deploy.traffic_percent", Reply::Text("20".into())),
            ("pipeline.deploy.interval_minutes", Reply::Text("5".into())),
        ]),
    );
    let offered: Vec<String> = p.offered["pipeline.deploy.strategy"]
        .iter()
        .map(|s| s.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(offered, ["blue-green", "canary", "linear"]);
    assert_eq!(
        p.refusals,
        ["pipeline.deploy.traffic_percent: expected a whole number from 1 to 99, found 150"]
    );
    let deploy = answers.pipeline.and_then(|p| p.deploy).expect("deploy");
    assert_eq!(
        (
            deploy.strategy.as_deref(),
            deploy.traffic_percent,
            deploy.interval_minutes
        ),
        (Some("canary"), Some(20), Some(5))
    );
}

#[test]
fn traffic_questions_are_asked_only_for_canary_and_linear() {
    let (_, p) = run(standard(), defaults_except(&[]));
    assert!(
        !p.asked
            .iter()
            .any(|k| k == "pipeline.deploy.traffic_percent")
    );
}

#[test]
fn slack_ids_are_asked_only_when_wanted() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            (
                "notifications.email",
                Reply::Text("ops@globex.example".into()),
            ),
            ("notifications.slack", Reply::Yes),
            ("notifications.slack.team_id", Reply::Text("t-lower".into())),
            ("notifications.slack.team_id", Reply::Text("T0123".into())),
            (
                "notifications.slack.channel_id",
                Reply::Text("C0456".into()),
            ),
        ]),
    );
    assert_eq!(p.refusals.len(), 1, "{:?}", p.refusals);
    let n = answers.notifications.expect("notifications");
    assert_eq!(n.email.as_deref(), Some("ops@globex.example"));
    assert_eq!(n.slack.and_then(|s| s.channel_id).as_deref(), Some("C0456"));
}

#[test]
fn existing_account_ids_are_validated() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            ("accounts.existing", Reply::Yes),
            (
                "accounts.existing_which",
                Reply::PickAll(vec!["prod".into()]),
            ),
            ("accounts[5].id", Reply::Text("1234".into())),
            ("accounts[5].id", Reply::Text("210987654321".into())),
        ]),
    );
    assert_eq!(
        p.refusals,
        [
            "accounts[5].id: expected a 12-digit account ID in quotes, such as \"012345678901\", found `1234`"
        ]
    );
    assert_eq!(
        answers.accounts.expect("accounts")[5].id.as_deref(),
        Some("210987654321")
    );
}

#[test]
fn lambda_canary_offers_only_lambda_strategies() {
    let script = defaults_except(&[
        ("pipeline.deploy.compute", Reply::Pick("Lambda".into())),
        ("pipeline.deploy.strategy", Reply::Pick("canary".into())),
        ("pipeline.deploy.traffic_percent", Reply::Text("10".into())),
        ("pipeline.deploy.interval_minutes", Reply::Text("5".into())),
    ]);
    // A function has no container port: the question is not asked.
    let (answers, p) = run(
        standard(),
        without(script, "pipeline.deploy.container_port"),
    );
    assert!(
        !p.asked
            .iter()
            .any(|k| k == "pipeline.deploy.container_port")
    );
    let offered: Vec<String> = p.offered["pipeline.deploy.strategy"]
        .iter()
        .map(|s| s.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(offered, ["all-at-once", "canary", "linear"]);
    assert!(p.refusals.is_empty(), "{:?}", p.refusals);
    let deploy = answers
        .pipeline
        .as_ref()
        .and_then(|p| p.deploy.clone())
        .expect("deploy");
    assert_eq!(
        (
            deploy.compute.as_deref(),
            deploy.strategy.as_deref(),
            deploy.traffic_percent,
            deploy.interval_minutes
        ),
        (Some("lambda"), Some("canary"), Some(10), Some(5))
    );
    assert_eq!(deploy.container_port, None);
    let (_, warnings) = model::build(&answers).expect("valid");
    assert!(
        !warnings.iter().any(|w| w.key.contains("container_port")),
        "{warnings:?}"
    );
}

#[test]
fn a_new_home_region_leaves_the_old_one_unticked_and_keeps_the_others() {
    let mut start = standard();
    start.organization.as_mut().expect("org").regions =
        Some(vec!["us-east-1".into(), "eu-west-1".into()]);
    let (answers, _) = run(
        start,
        defaults_except(&[(
            "organization.home_region",
            Reply::Pick("eu-central-1".into()),
        )]),
    );
    let org = answers.organization.expect("org");
    assert_eq!(org.home_region.as_deref(), Some("eu-central-1"));
    assert_eq!(
        org.regions.as_deref(),
        Some(&["eu-central-1".to_string(), "eu-west-1".to_string()][..])
    );
}

fn repository(answers: &Answers) -> Option<String> {
    let pipeline = answers.pipeline.as_ref()?;
    pipeline.source.as_ref()?.repository.clone()
}

#[test]
fn the_repository_suggestion_follows_the_organization_and_application() {
    let (answers, _) = run(
        standard(),
        defaults_except(&[
            ("organization.name", Reply::Text("globex".into())),
            ("pipeline.application", Reply::Text("shop".into())),
        ]),
    );
    assert_eq!(repository(&answers).as_deref(), Some("globex/shop"));

    // One chosen for itself is kept.
    let mut start = standard();
    let pipeline = start.pipeline.as_mut().expect("pipeline");
    pipeline.source.as_mut().expect("source").repository = Some("someone/else".into());
    let (answers, _) = run(
        start,
        defaults_except(&[("pipeline.application", Reply::Text("shop".into()))]),
    );
    assert_eq!(repository(&answers).as_deref(), Some("someone/else"));

    // CodeCommit suggests the application's name.
    let (answers, _) = run(
        standard(),
        defaults_except(&[
            ("pipeline.application", Reply::Text("shop".into())),
            ("pipeline.source.provider", Reply::Pick("CodeCommit".into())),
        ]),
    );
    assert_eq!(repository(&answers).as_deref(), Some("shop"));
}

#[test]
fn lambda_is_refused_for_a_runtime_it_cannot_start_from() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            ("pipeline.build.runtime", Reply::Pick("go".into())),
            ("pipeline.deploy.compute", Reply::Pick("Lambda".into())),
            ("pipeline.deploy.compute", Reply::Pick("ECS".into())),
        ]),
    );
    assert_eq!(p.refusals.len(), 1);
    assert!(
        p.refusals[0].contains("runs nodejs or python, and the runtime is `go`"),
        "{:?}",
        p.refusals
    );
    assert_eq!(
        answers
            .pipeline
            .and_then(|p| p.deploy)
            .and_then(|d| d.compute)
            .as_deref(),
        Some("ecs")
    );
}

#[test]
fn ec2_offers_only_its_strategies_and_asks_no_traffic_questions() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            ("pipeline.deploy.compute", Reply::Pick("EC2".into())),
            ("pipeline.deploy.strategy", Reply::Pick("in-place".into())),
        ]),
    );
    let offered: Vec<String> = p.offered["pipeline.deploy.strategy"]
        .iter()
        .map(|s| s.split(':').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(offered, ["in-place", "blue-green"]);
    assert!(
        !p.asked
            .iter()
            .any(|k| k == "pipeline.deploy.traffic_percent")
    );
    let deploy = answers.pipeline.and_then(|p| p.deploy).expect("deploy");
    assert_eq!(
        (deploy.compute.as_deref(), deploy.strategy.as_deref()),
        (Some("ec2"), Some("in-place"))
    );
}

#[test]
fn choosing_terraform_asks_how_its_state_is_locked() {
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            ("organization.iac", Reply::Pick("Terraform".into())),
            (
                "terraform.state_locking",
                Reply::Pick("S3 lock files".into()),
            ),
        ]),
    );
    let at = p
        .asked
        .iter()
        .position(|k| k == "terraform.state_locking")
        .expect("asked");
    assert_eq!(p.asked[at - 1], "organization.iac");
    assert!(p.refusals.is_empty(), "{:?}", p.refusals);
    let (zone, _) = model::build(&answers).expect("valid");
    assert_eq!(zone.organization.iac, model::Iac::Terraform);
    assert_eq!(
        answers.terraform.and_then(|t| t.state_locking).as_deref(),
        Some("lockfile")
    );

    // Both flavours ask it too; CloudFormation alone does not.
    let (answers, p) = run(
        standard(),
        defaults_except(&[
            ("organization.iac", Reply::Pick("Both".into())),
            ("terraform.state_locking", Reply::Default),
        ]),
    );
    assert!(p.asked.iter().any(|k| k == "terraform.state_locking"));
    assert_eq!(
        answers.organization.and_then(|o| o.iac).as_deref(),
        Some("both")
    );
    assert!(!ALL_DEFAULTS.contains(&"terraform.state_locking"));
}

mod review;
