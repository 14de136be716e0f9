//! AWS limits that the generated repo must stay within, and the checks
//! that refuse answers which would break them.

use super::*;

// The values live in `crate::quotas`, with the pages that state them.
pub const S3_BUCKET_NAME: usize = crate::quotas::S3_BUCKET_NAME.value;
pub const IAM_ROLE_NAME: usize = crate::quotas::IAM_ROLE_NAME.value;
/// AWS Organizations' defaults; `guardrails.quotas` overrides them.
pub const SCPS_PER_TARGET: usize = crate::quotas::SCPS_PER_TARGET.value;
pub const SCP_CHARACTERS: usize = crate::quotas::SCP_SIZE.value;
pub const ALARMS_PER_DEPLOYMENT_GROUP: usize = crate::quotas::ALARMS_PER_DEPLOYMENT_GROUP.value;
pub const ACTIONS_PER_STAGE: usize = crate::quotas::ACTIONS_PER_STAGE.value;
pub const STAGES_PER_PIPELINE: usize = crate::quotas::STAGES_PER_PIPELINE.value;
pub const ACTIONS_PER_PIPELINE: usize = crate::quotas::ACTIONS_PER_PIPELINE.value;
pub const ACCOUNT_EMAIL: usize = crate::quotas::ACCOUNT_EMAIL.value;
/// A Lambda traffic shift must end within the deployer's 480-minute
/// CodeBuild limit, with room to publish and check the version.
pub const LAMBDA_RELEASE_MINUTES: u32 = 450;
/// An account ID stands in names as 12 digits.
pub const ACCOUNT_ID_LEN: usize = 12;

/// `<prefix>-<12-digit account id>-<region>` must fit S3's 63 characters.
pub(crate) fn bucket_name_problem(prefix: &str, longest_region: usize) -> Option<Problem> {
    let len = prefix.len() + 1 + limits::ACCOUNT_ID_LEN + 1 + longest_region;
    (len > limits::S3_BUCKET_NAME).then(|| {
        Problem::new(
            "organization.name",
            format!(
                "expected names that keep S3 bucket names within {} characters, found `{prefix}-<account id>-<region>` at {len}",
                limits::S3_BUCKET_NAME
            ),
        )
        .with_hint("shorten organization.name")
    })
}

pub(crate) fn role_name_problem(role: &str) -> Option<Problem> {
    (role.len() > limits::IAM_ROLE_NAME).then(|| {
        Problem::new(
            "pipeline.application",
            format!(
                "expected names that keep IAM role names within {} characters, found `{role}` at {}",
                limits::IAM_ROLE_NAME,
                role.len()
            ),
        )
        .with_hint("shorten organization.name or pipeline.application")
    })
}

pub(crate) fn scps_per_target_problem(
    ou_path: &str,
    attached: usize,
    quota: usize,
) -> Option<Problem> {
    let total = attached + 1; // FullAWSAccess stays attached everywhere
    (total > quota).then(|| {
        Problem::new(
            "guardrails.scps",
            format!("expected at most {quota} SCPs on one target (FullAWSAccess included), found {total} on OU `{ou_path}`"),
        )
        .with_hint("attach fewer guardrails, or raise guardrails.quotas.scps_per_target if AWS raised your organization's quota")
    })
}

/// A Lambda release runs in the deployer's CodeBuild project, which stops
/// after 480 minutes: the traffic shift must end well before that.
pub(crate) fn lambda_release_problem(deploy: &Deploy) -> Option<Problem> {
    if deploy.compute != Compute::Lambda || !deploy.strategy.shifts_traffic() {
        return None;
    }
    let (percent, minutes) = (deploy.traffic_percent?, deploy.interval_minutes?);
    let total = deploy.strategy.shift_minutes(percent, minutes);
    (total > limits::LAMBDA_RELEASE_MINUTES).then(|| {
        Problem::new(
            "pipeline.deploy.interval_minutes",
            format!(
                "expected a Lambda release that shifts all traffic within {} minutes (the deployer's CodeBuild limit is 480), found {total} minutes",
                limits::LAMBDA_RELEASE_MINUTES
            ),
        )
        .with_hint("shorten interval_minutes or raise traffic_percent")
    })
}

pub(crate) fn alarms_problem(count: usize) -> Option<Problem> {
    (count > limits::ALARMS_PER_DEPLOYMENT_GROUP).then(|| {
        Problem::new(
            "pipeline.rollback",
            format!(
                "expected at most {} alarms on one CodeDeploy deployment group, found {count}",
                limits::ALARMS_PER_DEPLOYMENT_GROUP
            ),
        )
    })
}

impl Validator {
    pub(super) fn check_limits(
        &mut self,
        names: &Names,
        regions: &[String],
        ous: &[OrganizationalUnit],
        (scps, quotas): (&[ServiceControlPolicy], GuardrailQuotas),
        pipeline: &Pipeline,
    ) {
        let longest_region = regions.iter().map(String::len).max().unwrap_or(0);
        for prefix in [
            &names.artifact_bucket_prefix,
            &names.artifact_access_log_bucket_prefix,
            &names.log_bucket_prefix,
            &names.log_access_log_bucket_prefix,
            &names.state_bucket_prefix,
            &names.template_bucket_prefix,
            &names.template_access_log_bucket_prefix,
        ] {
            if let Some(p) = bucket_name_problem(prefix, longest_region) {
                self.problems.push(p);
            }
        }
        for role in [
            &names.pipeline_role,
            &names.build_role,
            &names.deploy_role,
            &names.cfn_exec_role,
            &names.task_role,
            &names.task_execution_role,
            &names.codedeploy_role,
            &names.instance_role,
            &names.function_role,
            &names.hook_role,
            &names.deployer_role,
            &names.config_recorder_role,
            &names.config_remediation_role,
            &names.config_aggregator_role,
            &names.drift_reader_role,
            &names.drift_function_role,
            &names.chatbot_role,
        ] {
            if let Some(p) = role_name_problem(role) {
                self.problems.push(p);
            }
        }
        let longest = regions
            .iter()
            .max_by_key(|r| r.len())
            .cloned()
            .unwrap_or_default();
        for prefix in [
            &names.logs_to_firehose_role_prefix,
            &names.firehose_role_prefix,
        ] {
            if let Some(p) = role_name_problem(&format!("{prefix}-{longest}")) {
                self.problems.push(p);
            }
        }
        for ou in ous {
            let attached = scps
                .iter()
                .filter(|s| s.targets.contains(&ou.logical_id))
                .count();
            if let Some(p) = scps_per_target_problem(&ou.path, attached, quotas.scps_per_target) {
                self.problems.push(p);
            }
        }
        if let Some(p) = alarms_problem(pipeline.rollback.alarms.len()) {
            self.problems.push(p);
        }
    }
}
