//! What valid answers imply without asking: resource names, the deployment
//! alarms and settings of the chosen strategy, the roles allowed to change
//! production, and each account's purpose line.

use super::*;

pub(super) fn names(org: &str, app: &str) -> Names {
    Names {
        artifact_bucket_prefix: format!("{org}-artifacts"),
        artifact_access_log_bucket_prefix: format!("{org}-artifacts-logs"),
        log_bucket_prefix: format!("{org}-logs"),
        log_access_log_bucket_prefix: format!("{org}-logs-access"),
        template_bucket_prefix: format!("{org}-templates"),
        template_access_log_bucket_prefix: format!("{org}-templates-logs"),
        template_key_alias: format!("alias/{org}-templates"),
        artifact_key_alias: format!("alias/{org}-artifacts"),
        log_key_alias: format!("alias/{org}-logs"),
        ecr_repository: format!("{org}/{app}"),
        trail: format!("{org}-organization-trail"),
        pipeline: format!("{org}-{app}"),
        connection: {
            let mut name: String = format!("{org}-{app}").chars().take(32).collect();
            while name.ends_with('-') {
                name.pop();
            }
            name
        },
        // lzgen.yaml v1 has no key for the git host: the README says where
        // to change it.
        connection_provider: "GitHub".into(),
        pipeline_role: format!("{org}-{app}-pipeline"),
        build_role: format!("{org}-{app}-build"),
        build_project: format!("{org}-{app}-build"),
        deploy_role: format!("{org}-{app}-deploy"),
        cfn_exec_role: format!("{org}-{app}-cfn-exec"),
        task_role: format!("{org}-{app}-task"),
        task_execution_role: format!("{org}-{app}-task-execution"),
        codedeploy_role: format!("{org}-{app}-codedeploy"),
        codedeploy_application: format!("{org}-{app}"),
        instance_role: format!("{org}-{app}-instance"),
        function: format!("{org}-{app}"),
        alias: "live".into(),
        hook_function: format!("{org}-{app}-traffic-hook"),
        function_role: format!("{org}-{app}-function"),
        hook_role: format!("{org}-{app}-traffic-hook"),
        service_role_path: format!("/{org}-{app}/"),
        deployer_role: format!("{org}-{app}-deployer"),
        deployer_project: format!("{org}-{app}-deploy-lambda"),
        auto_scaling_group: format!("{org}-{app}"),
        deployment_group: format!("{org}-{app}"),
        ecs_cluster: format!("{org}-{app}"),
        ecs_service: app.to_string(),
        load_balancer: app.to_string(),
        container: "app".into(),
        task_family: format!("{org}-{app}"),
        app_log_group: format!("/{org}/{app}"),
        build_log_group: format!("/aws/codebuild/{org}-{app}-build"),
        notifications_topic: format!("{org}-{app}-pipeline-events"),
        notifications_key_alias: format!("alias/{org}-{app}-notifications"),
        build_parameters_path: format!("/{org}/{app}/build/"),
        build_secrets_prefix: format!("{org}/{app}/build/"),
        config_recorder_role: format!("{org}-config-recorder"),
        config_remediation_role: format!("{org}-config-remediation"),
        config_aggregator: format!("{org}-organization"),
        config_aggregator_role: format!("{org}-config-aggregator"),
        drift_reader_role: format!("{org}-drift-reader"),
        drift_function: format!("{org}-drift-detection"),
        drift_function_role: format!("{org}-drift-detection"),
        drift_topic: format!("{org}-drift"),
        alarms_topic: format!("{org}-{app}-alarms"),
        security_topic: format!("{org}-security-findings"),
        log_destination: format!("{org}-central-logs"),
        log_stream: format!("{org}-central-logs"),
        logs_to_firehose_role_prefix: format!("{org}-logs-to-firehose"),
        firehose_role_prefix: format!("{org}-firehose"),
        chatbot_role: format!("{org}-chatbot"),
        chatbot_configuration: format!("{org}-{app}"),
        state_bucket_prefix: format!("{org}-tfstate"),
        state_key_alias: format!("alias/{org}-tfstate"),
        state_lock_table: format!("{org}-terraform-locks"),
    }
}

pub(super) fn prod_change_roles(names: &Names, compute: Compute) -> Vec<String> {
    let mut roles = vec![names.deploy_role.clone(), names.cfn_exec_role.clone()];
    match compute {
        Compute::Ecs => roles.extend([
            names.codedeploy_role.clone(),
            names.task_role.clone(),
            names.task_execution_role.clone(),
        ]),
        Compute::Ec2 => roles.extend([names.codedeploy_role.clone(), names.instance_role.clone()]),
        Compute::Lambda => roles.extend([
            names.codedeploy_role.clone(),
            names.function_role.clone(),
            names.hook_role.clone(),
        ]),
    }
    roles.extend([
        names.config_recorder_role.clone(),
        names.config_remediation_role.clone(),
        names.drift_reader_role.clone(),
    ]);
    // The per-region service roles, by their path: `acme-app/*`.
    roles.push(format!(
        "{}*",
        names.service_role_path.trim_start_matches('/')
    ));
    roles
}

/// The deployment configuration for the strategy, and how it moves traffic.
pub(super) fn deployment_config(deploy: &Deploy, names: &Names) -> DeploymentConfig {
    let traffic = deploy.traffic_percent.zip(deploy.interval_minutes);
    deploy
        .strategy
        .deployment_config(deploy.compute, traffic, &names.deployment_group)
}

/// The retention periods CloudWatch Logs accepts, in days.
pub(super) const CLOUDWATCH_RETENTION: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The shortest CloudWatch Logs period that keeps logs at least `days`.
pub(super) fn cloudwatch_retention(days: u32) -> u32 {
    CLOUDWATCH_RETENTION
        .iter()
        .copied()
        .find(|d| *d >= days)
        .unwrap_or(3653)
}

/// The alarms on each deployment group: the HTTP 5xx rate and the response
/// time of each of the two target groups, so that whichever one holds the new
/// version is watched.
pub(super) fn alarms(names: &Names, compute: Compute) -> Vec<Alarm> {
    let mut out = Vec::new();
    let target_groups: &[&str] = match compute {
        Compute::Ecs => &["Blue", "Green"],
        Compute::Ec2 => &["App"],
        Compute::Lambda => &["Function"],
    };
    for target_group in target_groups {
        for (kind, logical) in [("5xx", "Http5xx"), ("latency", "Latency")] {
            out.push(Alarm {
                name: format!(
                    "{}-{}-{kind}",
                    names.deployment_group,
                    target_group.to_lowercase()
                ),
                logical_id: format!("{target_group}{logical}Alarm"),
                kind: kind.to_string(),
                target_group: target_group.to_string(),
            });
        }
    }
    out
}

pub(super) fn purpose(roles: &[Role]) -> String {
    let parts: Vec<&str> = roles.iter().map(|r| r.purpose()).collect();
    let mut text = parts.join("; it also ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text + "."
}
