//! The values the generated files leave for `scripts/deploy.sh` to fill in,
//! and where it finds each: an AWS CLI query, or an earlier stack's output.

use super::{Placeholder, StackOutput};
use crate::infra::layout::{AccountIds, key_placeholder};
use crate::model::LandingZone;

/// The values the deploy script must find before it can deploy, and
/// where it finds each one.
pub fn placeholders(lz: &LandingZone) -> Vec<Placeholder> {
    let name = &lz.organization.name;
    let command = |name: &str, description: &str, command: &str| Placeholder {
        name: name.into(),
        description: description.into(),
        command: Some(command.into()),
        output: None,
        note: None,
    };
    let output = |name: String, description: String, stack: &str, key: &str| Placeholder {
        name,
        description,
        command: None,
        output: Some(StackOutput {
            stack: stack.into(),
            key: key.into(),
        }),
        note: None,
    };
    let mut placeholders = vec![
        command(
            "ORGANIZATION_ROOT_ID",
            "the ID of the organization's root (r-...)",
            "aws organizations list-roots --query 'Roots[0].Id' --output text",
        ),
        command(
            "ORGANIZATION_ID",
            "the organization's ID (o-...)",
            "aws organizations describe-organization --query Organization.Id --output text",
        ),
    ];
    if lz.organization.management_account_id.is_none() {
        placeholders.push(command(
            "MANAGEMENT_ACCOUNT_ID",
            "the management account's ID (run this with its credentials)",
            "aws sts get-caller-identity --query Account --output text",
        ));
    }
    let organization = format!("{name}-organization");
    for account in lz.accounts.iter().filter(|a| a.id.is_none()) {
        let ids = AccountIds::of(account);
        placeholders.push(output(
            ids.id_env,
            format!("the ID of the `{}` account", account.name),
            &organization,
            &ids.id_parameter,
        ));
    }
    let log_archive = format!("{name}-log-archive");
    placeholders.push(output(
        "LOG_ARCHIVE_BUCKET".into(),
        "the central log bucket's name".into(),
        &log_archive,
        "LogBucketName",
    ));
    placeholders.push(output(
        "LOG_ARCHIVE_KEY_ARN".into(),
        "the ARN of the log-archive KMS key".into(),
        &log_archive,
        "LogKeyArn",
    ));
    for region in &lz.organization.regions {
        placeholders.push(output(
            key_placeholder(region),
            format!("the ARN of the artifact key in {region}"),
            &format!("{name}-artifact-{region}"),
            "ArtifactKeyArn",
        ));
    }
    if lz.notifications.slack_team_id.is_some() {
        placeholders.push(output(
            "PIPELINE_TOPIC_ARN".into(),
            "the ARN of the pipeline's notifications topic".into(),
            &format!("{name}-tooling"),
            "NotificationsTopicArn",
        ));
    }
    placeholders
}
