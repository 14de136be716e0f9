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

#[test]
fn every_preset_is_valid() {
    for p in PRESETS {
        let (zone, _) = zone(&preset(p.name));
        assert!(!zone.stacks.is_empty(), "{}", p.name);
    }
}

#[test]
fn presets_have_the_promised_shapes() {
    let (lab, lab_warnings) = zone(&preset("lab"));
    assert_eq!(lab.accounts.len(), 3);
    assert_eq!(lab.holders.tooling, "shared");
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

#[test]
fn regions_are_real_codes_with_a_suggestion() {
    let mut a = standard();
    org(&mut a).home_region = Some("us-east-11".into());
    org(&mut a).regions = Some(vec!["us-east-11".into()]);
    let p = problems(&a);
    assert_eq!(
        p,
        [
            "organization.home_region: expected an AWS region code such as us-east-1, found `us-east-11` (did you mean `us-east-1`?)",
            "organization.regions[0]: expected an AWS region code such as us-east-1, found `us-east-11` (did you mean `us-east-1`?)",
        ]
    );
}

#[test]
fn regions_stay_in_one_partition() {
    let mut a = standard();
    org(&mut a).regions = Some(vec!["us-east-1".into(), "cn-north-1".into()]);
    assert_eq!(
        only(&a),
        "organization.regions: expected regions of one partition, found `us-east-1` in aws and `cn-north-1` in aws-cn"
    );
}

#[test]
fn regions_contain_the_home_region_once() {
    let mut a = standard();
    org(&mut a).regions = Some(vec!["eu-west-1".into()]);
    assert_eq!(
        only(&a),
        "organization.regions: expected the list to contain the home region `us-east-1`, found [eu-west-1] (add the home region to organization.regions)"
    );
    let mut a = standard();
    org(&mut a).regions = Some(vec!["us-east-1".into(), "us-east-1".into()]);
    assert_eq!(
        only(&a),
        "organization.regions[1]: expected each region once, found `us-east-1` again"
    );
}

#[test]
fn regions_default_to_the_home_region() {
    let mut a = standard();
    org(&mut a).regions = None;
    org(&mut a).home_region = Some("eu-central-1".into());
    let (zone, _) = zone(&a);
    assert_eq!(zone.organization.regions, ["eu-central-1"]);
}

#[test]
fn govcloud_uses_its_own_organizations_region() {
    let mut a = standard();
    org(&mut a).home_region = Some("us-gov-east-1".into());
    org(&mut a).regions = None;
    let (zone, _) = zone(&a);
    assert_eq!(zone.organization.partition, "aws-us-gov");
    assert_eq!(zone.stacks[0].region, "us-gov-west-1");
}

#[test]
fn account_ids_are_12_digit_strings_and_unique() {
    let mut a = standard();
    org(&mut a).management_account_id = Some("12345".into());
    assert_eq!(
        only(&a),
        "organization.management_account_id: expected a 12-digit account ID in quotes, such as \"012345678901\", found `12345`"
    );
    let mut a = standard();
    org(&mut a).management_account_id = Some("111111111111".into());
    accounts(&mut a)[5].id = Some("111111111111".into());
    assert_eq!(
        only(&a),
        "accounts[5].id: expected unique account IDs, found \"111111111111\" again (first at organization.management_account_id)"
    );
}

#[test]
fn account_names_and_emails_are_unique() {
    let mut a = standard();
    accounts(&mut a)[5].name = Some("dev".into());
    assert!(problems(&a).contains(&"accounts[5].name: expected unique account names, found `dev` again (first at accounts[4])".to_string()));
    let mut a = standard();
    accounts(&mut a)[5].email = Some("AWS+dev@example.com".into());
    assert_eq!(
        only(&a),
        "accounts[5].email: expected unique emails (AWS needs one root email per account), found `AWS+dev@example.com` again (first at accounts[4])"
    );
}

#[test]
fn new_accounts_need_a_valid_email() {
    let mut a = standard();
    accounts(&mut a)[4].email = None;
    assert_eq!(
        only(&a),
        "accounts[4].email: required for an account to be created, but not given (give the new account's root email, or `id` for an existing account)"
    );
    for (email, why) in [
        ("dev.example.com", "exactly one `@`"),
        ("a@b@c.example", "exactly one `@`"),
        (
            "dev@localhost",
            "a dotted domain after the `@`, such as acme.example",
        ),
        ("dev @acme.example", "no whitespace or control characters"),
        ("@acme.example", "a name before the `@`"),
    ] {
        let mut a = standard();
        accounts(&mut a)[4].email = Some(email.into());
        assert_eq!(
            only(&a),
            format!("accounts[4].email: expected an email address ({why}), found {email:?}")
        );
    }
    // An existing account needs no email.
    let mut a = standard();
    accounts(&mut a)[5].email = None;
    accounts(&mut a)[5].id = Some("222222222222".into());
    assert!(problems(&a).is_empty());
}

#[test]
fn source_repository_format_follows_the_provider() {
    let cases = [
        (
            "codeconnections",
            "acme",
            "owner/name for codeconnections, such as acme/auth-service (letters, digits, `._-`)",
        ),
        (
            "codecommit",
            "acme/app",
            "a CodeCommit repository name for codecommit: 1 to 100 of letters, digits, `._-`",
        ),
        (
            "s3",
            "Bucket/app.zip",
            "bucket/key for s3, such as acme-sources/app.zip (a valid bucket name, then a key without whitespace)",
        ),
    ];
    for (provider, repo, expected) in cases {
        let mut a = standard();
        let source = a
            .pipeline
            .as_mut()
            .and_then(|p| p.source.as_mut())
            .expect("source");
        source.provider = Some(provider.into());
        source.repository = Some(repo.into());
        assert_eq!(
            only(&a),
            format!("pipeline.source.repository: expected {expected}, found {repo:?}")
        );
    }
    for (provider, repo) in [
        ("codeconnections", "acme/auth-service"),
        ("codecommit", "auth.service_1"),
        ("s3", "acme-src/app/v1.zip"),
    ] {
        let mut a = standard();
        let source = a
            .pipeline
            .as_mut()
            .and_then(|p| p.source.as_mut())
            .expect("source");
        source.provider = Some(provider.into());
        source.repository = Some(repo.into());
        assert!(problems(&a).is_empty(), "{provider} {repo}");
    }
}

#[test]
fn branches_follow_git_rules() {
    for (branch, why) in [
        ("feature one", "no whitespace or control characters"),
        ("feat~1", "none of ~ ^ : ? * [ \\"),
        ("a..b", "no `..`"),
        ("release/", "not ending in `/` or `.lock`"),
        ("main.lock", "not ending in `/` or `.lock`"),
        ("", "not empty"),
    ] {
        let mut a = standard();
        a.pipeline
            .as_mut()
            .and_then(|p| p.source.as_mut())
            .expect("source")
            .branch = Some(branch.into());
        assert_eq!(
            only(&a),
            format!("pipeline.source.branch: expected a git branch name ({why}), found {branch:?}")
        );
    }
    let mut a = standard();
    a.pipeline
        .as_mut()
        .and_then(|p| p.source.as_mut())
        .expect("source")
        .branch = Some("release/2026.11".into());
    assert!(problems(&a).is_empty());
}

#[test]
fn health_check_path_starts_with_a_slash() {
    for path in ["healthz", "/health z", &format!("/{}", "a".repeat(1024))] {
        let mut a = standard();
        deploy(&mut a).health_check_path = Some(path.to_string());
        assert_eq!(
            only(&a),
            format!(
                "pipeline.deploy.health_check_path: expected a path that starts with `/`, without whitespace or control characters, at most 1024 characters, found {path:?}"
            )
        );
    }
}

#[test]
fn slack_ids_are_uppercase_letters_and_digits() {
    let mut a = standard();
    a.notifications = Some(config::Notifications {
        email: None,
        slack: Some(Slack {
            team_id: Some("t0123abcd".into()),
            channel_id: Some("C0123ABCD".into()),
        }),
    });
    assert_eq!(
        only(&a),
        "notifications.slack.team_id: expected a Slack ID of uppercase letters and digits, such as T0123ABCD, found \"t0123abcd\""
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
fn ou_names_have_no_slash_or_control_characters() {
    for name in ["R/D", "", &"x".repeat(129)] {
        let mut a = standard();
        a.organizational_units.as_mut().expect("ous")[0].name = Some(name.to_string());
        let p = problems(&a);
        assert!(
            p.contains(&format!(
                "organizational_units[0].name: expected 1 to 128 characters without control characters or `/` (the path separator), found {name:?}"
            )),
            "{p:#?}"
        );
    }
}

#[test]
fn ou_names_are_unique_among_siblings() {
    let mut a = standard();
    let ous = a.organizational_units.as_mut().expect("ous");
    ous[2].children[1].name = Some("NonProd".into());
    assert_eq!(
        only(&a),
        "organizational_units[2].children[1].name: expected OU names unique under `Workloads`, found `NonProd` twice"
    );
}

#[test]
fn every_ou_names_a_path_in_the_tree() {
    let mut a = standard();
    accounts(&mut a)[5].ou = Some("Workloads/Prd".into());
    assert_eq!(
        only(&a),
        "accounts[5].ou: expected an OU path from organizational_units (Security, Deployment, Workloads, Workloads/NonProd, Workloads/Prod), found `Workloads/Prd` (did you mean `Workloads/Prod`?)"
    );
}

#[test]
fn awkward_ou_names_are_accepted_and_get_clean_ids() {
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous")[0].name = Some("R&D: Sandbox \"lab\"".into());
    accounts(&mut a)[0].ou = Some("R&D: Sandbox \"lab\"".into());
    accounts(&mut a)[1].ou = Some("R&D: Sandbox \"lab\"".into());
    let (zone, _) = zone(&a);
    assert_eq!(zone.ous[0].logical_id, "OuRDSandboxLab");
}

#[test]
fn central_roles_are_held_exactly_once() {
    let mut a = standard();
    accounts(&mut a)[2].roles = Some(vec!["workload".into()]);
    assert!(problems(&a).contains(
        &"accounts: expected exactly one account with the `tooling` role, found none".to_string()
    ));
    let mut a = standard();
    accounts(&mut a)[2].roles = Some(vec!["artifact".into()]);
    assert!(problems(&a).contains(&"accounts: expected exactly one account with the `artifact` role, found 2 (tooling, artifact)".to_string()));
    let mut a = standard();
    accounts(&mut a)[0].roles = Some(vec!["log-archive".into(), "security".into()]);
    assert!(problems(&a).contains(&"accounts: expected at most one account with the `security` role, found 2 (log-archive, security)".to_string()));
    let mut a = standard();
    accounts(&mut a).truncate(4);
    assert_eq!(
        only(&a),
        "accounts: expected at least one account with the `workload` role, found none"
    );
}

#[test]
fn several_roles_on_one_account_warn_but_pass() {
    let mut a = standard();
    accounts(&mut a)[2].roles = Some(vec!["tooling".into(), "artifact".into()]);
    accounts(&mut a).remove(3);
    let (_, warnings) = zone(&a);
    let w = warnings
        .iter()
        .find(|w| w.key == "accounts[2].roles")
        .expect("warning");
    assert_eq!(
        w.message,
        "`tooling` holds several roles (tooling, artifact); fine for a lab, but separate accounts keep duties and blast radius apart"
    );
}

#[test]
fn roles_are_from_the_list() {
    let mut a = standard();
    accounts(&mut a)[4].roles = Some(vec!["workloads".into()]);
    let p = problems(&a);
    assert!(p.contains(&"accounts[4].roles[0]: expected one of `log-archive`, `security`, `tooling`, `artifact`, `workload`, found `workloads` (did you mean `workload`?)".to_string()), "{p:#?}");
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

#[test]
fn stages_name_only_workload_accounts_once() {
    let mut a = standard();
    a.pipeline.as_mut().expect("pipeline").stages = Some(vec![
        StageAnswer::One("tooling".into()),
        StageAnswer::Parallel(vec!["dev".into(), "prd".into()]),
    ]);
    assert_eq!(
        problems(&a),
        [
            "pipeline.stages[0]: expected a workload account (dev, prod), found `tooling`, which has no `workload` role",
            "pipeline.stages[1][1]: expected a workload account (dev, prod), found `prd`, which is not an account (did you mean `prod`?)",
        ]
    );
    let mut a = standard();
    a.pipeline.as_mut().expect("pipeline").stages = Some(vec![
        StageAnswer::One("dev".into()),
        StageAnswer::Parallel(vec!["prod".into(), "dev".into()]),
    ]);
    assert_eq!(
        only(&a),
        "pipeline.stages[1][1]: expected each account in one stage at most, found `dev` again (first at pipeline.stages[0])"
    );
}

#[test]
fn approval_gates_the_stage_of_its_account() {
    let mut a = standard();
    accounts(&mut a)[5].approval = Some(true);
    let (zone, _) = zone(&a);
    assert_eq!(
        zone.pipeline
            .stages
            .iter()
            .map(|s| s.approval)
            .collect::<Vec<_>>(),
        [false, true]
    );
    // source, build, dev, approval, prod
    assert_eq!(zone.pipeline.stage_count, 5);
}

#[test]
fn stages_with_more_than_50_actions_are_split_into_waves() {
    let mut a = standard();
    for i in 0..25 {
        accounts(&mut a).push(workload(&format!("team{i}"), "Workloads/NonProd"));
    }
    org(&mut a).regions = Some(vec!["us-east-1".into(), "eu-west-1".into()]);
    let (zone, _) = zone(&a);
    // dev + 25 teams = 26 accounts x 2 regions = 52 actions: 50, then 2.
    let first = &zone.pipeline.stages[0];
    assert_eq!(
        first
            .waves
            .iter()
            .map(|w| w.actions.len())
            .collect::<Vec<_>>(),
        [50, 2]
    );
    assert_eq!(first.waves[1].name, format!("{}-wave-2", first.name));
}

#[test]
fn a_pipeline_of_more_than_50_stages_is_refused() {
    let mut a = standard();
    let mut stages = vec![
        StageAnswer::One("dev".into()),
        StageAnswer::One("prod".into()),
    ];
    for i in 0..47 {
        let name = format!("team{i}");
        accounts(&mut a).push(workload(&name, "Workloads/NonProd"));
        stages.push(StageAnswer::One(name));
    }
    a.pipeline.as_mut().expect("pipeline").stages = Some(stages);
    assert_eq!(
        only(&a),
        "pipeline.stages: expected a pipeline of at most 50 stages (the CodePipeline limit), found 51 (source, build, approvals and one stage per 50 deploy actions) (list fewer accounts in pipeline.stages, so the application deploys to fewer accounts)"
    );
}

#[test]
fn compute_and_strategy_form_a_valid_pair() {
    let invalid = [
        ("ecs", "all-at-once", "`blue-green`, `canary`, `linear`"),
        ("ecs", "in-place", "`blue-green`, `canary`, `linear`"),
        ("lambda", "blue-green", "`all-at-once`, `canary`, `linear`"),
        ("lambda", "in-place", "`all-at-once`, `canary`, `linear`"),
        ("ec2", "canary", "`in-place`, `blue-green`"),
        ("ec2", "linear", "`in-place`, `blue-green`"),
        ("ec2", "all-at-once", "`in-place`, `blue-green`"),
    ];
    for (compute, strategy, valid) in invalid {
        let mut a = standard();
        deploy(&mut a).compute = Some(compute.into());
        deploy(&mut a).strategy = Some(strategy.into());
        assert_eq!(
            only(&a),
            format!(
                "pipeline.deploy.strategy: expected a strategy for compute `{compute}`: one of {valid}, found `{strategy}`"
            )
        );
    }
}

#[test]
fn traffic_settings_apply_only_to_canary_and_linear() {
    let mut a = standard();
    deploy(&mut a).traffic_percent = Some(10);
    assert_eq!(
        only(&a),
        "pipeline.deploy.traffic_percent: applies only to the canary and linear strategies, found 10 with `blue-green` (remove it, or --set pipeline.deploy.traffic_percent=null)"
    );
    let mut a = standard();
    deploy(&mut a).strategy = Some("canary".into());
    deploy(&mut a).traffic_percent = Some(100);
    deploy(&mut a).interval_minutes = Some(0);
    assert_eq!(
        problems(&a),
        [
            "pipeline.deploy.traffic_percent: expected a whole number from 1 to 99, found 100",
            "pipeline.deploy.interval_minutes: expected a whole number from 1 to 2880, found 0",
        ]
    );
    let mut a = standard();
    deploy(&mut a).strategy = Some("linear".into());
    deploy(&mut a).traffic_percent = Some(20);
    assert_eq!(
        only(&a),
        "pipeline.deploy.interval_minutes: required for the `linear` strategy, but not given (supply it with --set pipeline.deploy.interval_minutes=VALUE (from 1 to 2880))"
    );
}

#[test]
fn enumerations_suggest_the_close_value() {
    let mut a = standard();
    org(&mut a).iac = Some("cloudfromation".into());
    assert_eq!(
        only(&a),
        "organization.iac: expected one of `cloudformation`, `terraform`, `both`, found `cloudfromation` (did you mean `cloudformation`?)"
    );
    let mut a = standard();
    a.guardrails.as_mut().expect("guardrails").scps = Some(vec!["deny-root".into()]);
    let p = only(&a);
    assert!(
        p.starts_with("guardrails.scps[0]: expected one of `deny-leave-organization`"),
        "{p}"
    );
    assert!(
        p.ends_with("found `deny-root` (did you mean `deny-root-user`?)"),
        "{p}"
    );
}

#[test]
fn cidrs_are_valid_16_to_24_blocks() {
    for (cidr, expected) in [
        ("10.10.0.0", "expected an IPv4 block such as 10.10.0.0/16, found \"10.10.0.0\"".to_string()),
        ("10.0.0.0/8", "expected a block from /16 to /24 (the sizes a VPC takes), found /8 in `10.0.0.0/8`".to_string()),
        ("10.10.1.0/16", "expected a network address with no host bits set, found `10.10.1.0/16` (did you mean `10.10.0.0/16`?)".to_string()),
    ] {
        let mut a = standard();
        accounts(&mut a)[4].cidr = Some(cidr.into());
        assert_eq!(only(&a), format!("accounts[4].cidr: {expected}"));
    }
}

#[test]
fn cidrs_never_overlap() {
    let mut a = standard();
    accounts(&mut a)[4].cidr = Some("10.10.0.0/16".into());
    accounts(&mut a)[5].cidr = Some("10.10.128.0/17".into());
    assert_eq!(
        only(&a),
        "accounts[5].cidr: expected a block that overlaps no other VPC, found 10.10.128.0/17, which overlaps accounts[4].cidr 10.10.0.0/16"
    );
}

#[test]
fn vpcs_are_allocated_around_given_blocks_in_a_stable_order() {
    let mut a = standard();
    org(&mut a).regions = Some(vec!["us-east-1".into(), "eu-west-1".into()]);
    accounts(&mut a)[5].cidr = Some("10.0.0.0/16".into());
    let (zone, _) = zone(&a);
    let blocks = |name: &str| -> Vec<String> {
        zone.account(name)
            .expect("account")
            .vpcs
            .iter()
            .map(|v| v.cidr.clone())
            .collect()
    };
    assert_eq!(blocks("dev"), ["10.1.0.0/16", "10.2.0.0/16"]);
    assert_eq!(blocks("prod"), ["10.0.0.0/16", "10.3.0.0/16"]);
    let dev = &zone.account("dev").expect("dev").vpcs[0];
    assert_eq!(dev.public_subnets, ["10.1.0.0/18", "10.1.64.0/18"]);
    assert_eq!(dev.private_subnets, ["10.1.128.0/18", "10.1.192.0/18"]);
    // The same answers always get the same blocks.
    let (again, _) = build(&a).expect("valid");
    assert_eq!(
        serde_json::to_string(&again.accounts).expect("json"),
        serde_json::to_string(&zone.accounts).expect("json")
    );
}

#[test]
fn long_names_that_break_iam_limits_are_caught() {
    let mut a = standard();
    org(&mut a).name = Some("a".repeat(20));
    a.pipeline.as_mut().expect("pipeline").application = Some("b".repeat(30));
    let p = problems(&a);
    let role = format!("{}-{}-task-execution", "a".repeat(20), "b".repeat(30));
    assert!(
        p.contains(&format!(
            "pipeline.application: expected names that keep IAM role names within 64 characters, found `{role}` at 66 (shorten organization.name or pipeline.application)"
        )),
        "{p:#?}"
    );
}

#[test]
fn limit_checks_report_with_their_numbers() {
    assert_eq!(
        bucket_name_problem(&"a".repeat(40), 14).map(|p| p.to_string()),
        Some(format!(
            "organization.name: expected names that keep S3 bucket names within 63 characters, found `{}-<account id>-<region>` at 68 (shorten organization.name)",
            "a".repeat(40)
        ))
    );
    assert!(bucket_name_problem("acme-artifacts", 14).is_none());
    assert_eq!(
        scps_per_target_problem("Workloads/Prod", 10, limits::SCPS_PER_TARGET).map(|p| p.to_string()),
        Some("guardrails.scps: expected at most 10 SCPs on one target (FullAWSAccess included), found 11 on OU `Workloads/Prod` (attach fewer guardrails, or raise guardrails.quotas.scps_per_target if AWS raised your organization's quota)".to_string())
    );
    assert!(scps_per_target_problem("Workloads/Prod", 9, limits::SCPS_PER_TARGET).is_none());
    assert_eq!(
        alarms_problem(11).map(|p| p.to_string()),
        Some("pipeline.rollback: expected at most 10 alarms on one CodeDeploy deployment group, found 11".to_string())
    );
    assert!(alarms_problem(10).is_none());
}

#[test]
fn the_longest_names_the_patterns_allow_fit_s3() {
    // organization.name is at most 20 characters and the longest region 14,
    // so every bucket name the model derives fits in 63.
    let names = names(&"a".repeat(20), "app");
    for prefix in [
        &names.artifact_bucket_prefix,
        &names.artifact_access_log_bucket_prefix,
        &names.log_bucket_prefix,
        &names.log_access_log_bucket_prefix,
    ] {
        assert!(bucket_name_problem(prefix, 14).is_none(), "{prefix}");
    }
}

#[test]
fn scps_attach_to_the_ous_they_concern() {
    let (zone, _) = zone(&standard());
    let targets = |kind: &str| {
        zone.guardrails
            .iter()
            .find(|s| s.kind == kind)
            .expect("scp")
            .target_paths
            .clone()
    };
    assert_eq!(
        targets("deny-root-user"),
        ["Security", "Deployment", "Workloads"]
    );
    assert_eq!(targets("deny-manual-prod-changes"), ["Workloads/Prod"]);
}

#[test]
fn example_addresses_are_named_in_one_warning() {
    let (_, warnings) = zone(&standard());
    let w = warnings
        .iter()
        .find(|w| w.key == "accounts")
        .expect("warning");
    assert!(w.message.starts_with("6 placeholder address(es) at example.com: accounts[0].email `aws+log-archive@example.com`"), "{}", w.message);
    let mut a = standard();
    for acc in accounts(&mut a) {
        acc.email = acc
            .email
            .as_ref()
            .map(|e| e.replace("example.com", "acme.example"));
    }
    let (_, warnings) = zone(&a);
    assert!(warnings.iter().all(|w| w.key != "accounts"));
}

#[test]
fn known_ids_flow_into_parameters_and_others_are_placeholders() {
    let mut a = standard();
    accounts(&mut a)[5].id = Some("222222222222".into());
    accounts(&mut a)[5].email = None;
    let (zone, _) = zone(&a);
    let artifact = zone
        .stacks
        .iter()
        .find(|s| s.kind == StackKind::Artifact)
        .expect("artifact");
    let value = |k: &str| {
        artifact
            .parameters
            .iter()
            .find(|p| p.key == k)
            .map(|p| p.value.clone())
    };
    assert_eq!(value("ProdAccountId").as_deref(), Some("222222222222"));
    assert_eq!(value("DevAccountId").as_deref(), Some("${ACCOUNT_ID_DEV}"));
    assert_eq!(
        value("ToolingAccountId").as_deref(),
        Some("${ACCOUNT_ID_TOOLING}")
    );
}

#[test]
fn a_lambda_release_must_end_within_the_deployers_limit() {
    let mut a = standard();
    deploy(&mut a).compute = Some("lambda".into());
    deploy(&mut a).strategy = Some("linear".into());
    deploy(&mut a).container_port = None;
    deploy(&mut a).traffic_percent = Some(10);
    deploy(&mut a).interval_minutes = Some(60);
    assert_eq!(
        only(&a),
        "pipeline.deploy.interval_minutes: expected a Lambda release that shifts all traffic within 450 minutes (the deployer's CodeBuild limit is 480), found 540 minutes (shorten interval_minutes or raise traffic_percent)"
    );
    deploy(&mut a).interval_minutes = Some(50);
    assert!(problems(&a).is_empty());
    // ECS deployments have no such limit.
    deploy(&mut a).compute = Some("ecs".into());
    deploy(&mut a).container_port = Some(8080);
    deploy(&mut a).interval_minutes = Some(60);
    assert!(problems(&a).is_empty());
}

#[test]
fn scp_quota_per_target_is_configurable_and_names_the_ou_and_count() {
    // The standard preset attaches five guardrails to each top-level OU:
    // with FullAWSAccess, six policies on each.
    let mut a = standard();
    a.guardrails.get_or_insert_with(Default::default).quotas = Some(config::GuardrailQuotas {
        scps_per_target: Some(5),
        policy_characters: None,
    });
    let found = problems(&a);
    for ou in ["Security", "Deployment", "Workloads"] {
        let line = format!(
            "guardrails.scps: expected at most 5 SCPs on one target (FullAWSAccess included), found 6 on OU `{ou}` (attach fewer guardrails, or raise guardrails.quotas.scps_per_target if AWS raised your organization's quota)"
        );
        assert!(found.contains(&line), "{found:#?}");
    }
    assert_eq!(found.len(), 3, "{found:#?}");

    // Six fit a quota of six.
    a.guardrails = Some(config::Guardrails {
        scps: None,
        quotas: Some(config::GuardrailQuotas {
            scps_per_target: Some(6),
            policy_characters: None,
        }),
    });
    assert!(problems(&a).is_empty());
}

#[test]
fn guardrail_quotas_have_ranges_and_defaults() {
    let (zone, _) = zone(&standard());
    assert_eq!(zone.guardrail_quotas.scps_per_target, 10);
    assert_eq!(zone.guardrail_quotas.policy_characters, 10_240);
    let mut a = standard();
    a.guardrails.get_or_insert_with(Default::default).quotas = Some(config::GuardrailQuotas {
        scps_per_target: Some(1),
        policy_characters: Some(100),
    });
    assert_eq!(
        problems(&a),
        [
            "guardrails.quotas.scps_per_target: expected a number from 2 to 1000, found 1",
            "guardrails.quotas.policy_characters: expected a number from 1024 to 1000000, found 100",
        ]
    );
}

#[test]
fn management_is_not_an_account_name() {
    let mut a = standard();
    accounts(&mut a)[4].name = Some("management".into());
    let found = problems(&a);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("accounts[4].name: expected a name other than `management`")),
        "{found:#?}"
    );
}

/// Issue 13, defect 7: names Windows cannot check out, OUs deeper than AWS
/// allows and VPC blocks no VPC can route were accepted.
#[test]
fn windows_device_names_deep_ous_and_unroutable_blocks_are_refused() {
    for name in ["con", "nul", "aux", "prn", "com1", "lpt9"] {
        let mut a = standard();
        accounts(&mut a)[4].name = Some(name.into());
        let p = problems(&a);
        assert!(
            p.iter().any(|m| m.starts_with(&format!(
                "accounts[4].name: expected a name Windows can use as a folder, found `{name}`"
            ))),
            "{p:#?}"
        );
    }
    for fine in ["console", "com", "lpt", "com10x", "nully"] {
        let mut a = standard();
        accounts(&mut a)[4].name = Some(fine.into());
        assert!(
            !problems(&a).iter().any(|m| m.contains("Windows")),
            "{fine}"
        );
    }

    // Five levels below the root are fine; a sixth is refused.
    let chain = |levels: usize| {
        let mut ou = OuAnswer {
            name: Some(format!("L{levels}")),
            children: Vec::new(),
        };
        for level in (1..levels).rev() {
            ou = OuAnswer {
                name: Some(format!("L{level}")),
                children: vec![ou],
            };
        }
        ou
    };
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous").push(chain(5));
    assert!(
        !problems(&a)
            .iter()
            .any(|m| m.contains("levels below the root"))
    );
    let mut a = standard();
    a.organizational_units.as_mut().expect("ous").push(chain(6));
    let p = problems(&a);
    assert!(
        p.contains(&
            "organizational_units[3].children[0].children[0].children[0].children[0].children[0].name: \
             expected OUs at most 5 levels below the root (AWS Organizations' limit), found `L6` at level 6"
                .to_string()
        ),
        "{p:#?}"
    );

    for (cidr, range) in [
        ("127.0.0.0/16", "127.0.0.0/8"),
        ("169.254.0.0/16", "169.254.0.0/16"),
        ("224.0.0.0/16", "224.0.0.0/4"),
    ] {
        let mut a = standard();
        accounts(&mut a)[4].cidr = Some(cidr.into());
        let p = problems(&a);
        assert!(
            p.iter().any(|m| m.starts_with(&format!(
                "accounts[4].cidr: expected a block a VPC can route, found {cidr}, inside {range}"
            ))),
            "{p:#?}"
        );
    }
}
