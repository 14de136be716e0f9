//! AWS limits on names and quotas.

use super::*;

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
