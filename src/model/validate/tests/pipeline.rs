//! The pipeline: source, branches, stages, waves, strategies.

use super::*;

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

/// Workload accounts left out of `pipeline.stages` get one warning, which
/// names a few of them rather than a line each (an organization of 1,000
/// accounts whose application deploys to 10 once printed 990 lines).
#[test]
fn accounts_in_no_stage_get_one_warning() {
    let in_no_stage = |extra: usize| {
        let mut a = standard();
        for i in 0..extra {
            accounts(&mut a).push(workload(&format!("team{i}"), "Workloads/NonProd"));
        }
        a.pipeline.as_mut().expect("pipeline").stages = Some(vec![StageAnswer::One("dev".into())]);
        let (_, warnings) = zone(&a);
        warnings
            .into_iter()
            .filter(|w| w.key == "pipeline.stages")
            .map(|w| w.message)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        in_no_stage(0),
        ["workload account `prod` is in no stage; the pipeline never deploys to it"]
    );
    assert_eq!(
        in_no_stage(2),
        [
            "workload accounts `prod`, `team0`, `team1` are in no stage; the pipeline never deploys to them"
        ]
    );
    assert_eq!(
        in_no_stage(990),
        [
            "991 workload accounts are in no stage (`prod`, `team0`, `team1` … `team989`); the pipeline never deploys to them"
        ]
    );
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

/// 125 workload accounts (dev, prod and 123 more) in 4 regions fit in 50
/// stages (waves of 50) but not in CodePipeline's 500 actions: source and
/// build, no approval in this preset, and 500 deploy actions.
#[test]
fn a_pipeline_of_more_than_500_actions_is_refused() {
    let mut a = standard();
    for i in 0..123 {
        accounts(&mut a).push(workload(&format!("team{i}"), "Workloads/NonProd"));
    }
    org(&mut a).regions = Some(vec![
        "us-east-1".into(),
        "us-west-2".into(),
        "eu-west-1".into(),
        "eu-central-1".into(),
    ]);
    assert_eq!(
        only(&a),
        "pipeline.stages: expected a pipeline of at most 500 actions (the CodePipeline limit), found 502 (source, build, approvals and one deploy action per account and region) (list fewer accounts in pipeline.stages, or deploy to fewer regions)"
    );
    // One account fewer: 498 actions, accepted.
    accounts(&mut a).pop();
    let (zone, _) = zone(&a);
    let actions: usize = zone
        .pipeline
        .stages
        .iter()
        .flat_map(|s| &s.waves)
        .map(|w| w.actions.len())
        .sum();
    assert_eq!(actions, 124 * 4);
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
