//! The log-archive account's policies in each region: the Firehose stream's
//! role, the role CloudWatch Logs puts subscribed events with, and the
//! destination's own policy. CloudFormation:
//! `cloudformation/log-archive/log-destination-<region>.yaml`; Terraform:
//! the `log-destination` module, once per region.
//!
//! Sources: CloudWatch Logs User Guide, "Cross-account cross-Region
//! subscriptions using Firehose" (the destination policy with
//! `aws:PrincipalOrgID`, the role CloudWatch Logs assumes conditioned on
//! `aws:SourceArn`); Firehose Developer
//! Guide, "Grant Firehose access to an Amazon S3 destination" (the stream
//! role's actions, trusted on `aws:SourceAccount`).

use super::blocks::service_trust;
use super::{Expr, Part, Policy, Statement};
use crate::model::LandingZone;

fn log_bucket() -> Expr {
    Expr::arn(Expr::text("s3:::").and(Expr::named("LogBucketName", "var.log_bucket_name")))
}

/// `arn:<partition>:<service>:<this region>:<account>:<rest>`.
fn regional_arn(service: &str, account: Expr, rest: &str) -> Expr {
    Expr::arn(
        Expr(vec![
            Part::Text(format!("{service}:")),
            Part::Region,
            Part::Text(":".into()),
        ])
        .and(account)
        .then(rest),
    )
}

/// The role the Firehose stream writes to the central bucket with.
pub fn firehose_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "TheStreamOfThisAccount",
        "firehose.amazonaws.com",
    )])
}

pub fn firehose() -> Policy {
    Policy::new(vec![
        Statement::allow("WriteUnderCloudWatchLogs")
            .actions(&["s3:AbortMultipartUpload", "s3:PutObject"])
            .resources(vec![log_bucket().then("/CloudWatchLogs/*")]),
        Statement::allow("FindTheBucket")
            .actions(&[
                "s3:GetBucketLocation",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
            ])
            .resources(vec![log_bucket()]),
        Statement::allow("EncryptWithTheLogKey")
            .actions(&["kms:Decrypt", "kms:GenerateDataKey"])
            .resources(vec![Expr::named("LogKeyArn", "var.log_key_arn")]),
    ])
}

/// CloudWatch Logs assumes this role to put the events that arrive at this
/// region's destination. AWS's example names each sending account in
/// `aws:SourceArn`; a list like that outgrows the trust policy's 2,048
/// characters at a few dozen accounts, so the condition is the log groups
/// of any account in this region, from this organization when CloudWatch
/// Logs says which (`aws:SourceOrgID`, where the request carries it: IAM
/// User Guide, "AWS global condition context keys"). What admits only the
/// organization's accounts is the destination's own policy
/// (`aws:PrincipalOrgID`, below); and only this account can hand this role
/// to a destination, since `iam:PassRole` does not cross accounts.
pub fn logs_to_firehose_trust() -> Policy {
    Policy::trust(vec![
        Statement::allow("CloudWatchLogsForTheOrganizationsAccounts")
            .service("logs.amazonaws.com")
            .actions(&["sts:AssumeRole"])
            .when(
                "StringLike",
                "aws:SourceArn",
                vec![regional_arn("logs", Expr::text("*"), ":*")],
            )
            .when(
                "StringEqualsIfExists",
                "aws:SourceOrgID",
                vec![Expr::named("OrganizationId", "var.organization_id")],
            ),
    ])
}

pub fn logs_to_firehose(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow("PutRecords")
            .actions(&["firehose:PutRecord", "firehose:PutRecordBatch"])
            .resources(vec![regional_arn(
                "firehose",
                Expr::this_account(),
                &format!(":deliverystream/{}", lz.names.log_stream),
            )]),
    ])
}

/// Any principal of the organization may subscribe a log group to the
/// destination; nobody else.
pub fn destination(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow("OnlyTheOrganizationsAccountsSubscribe")
            .aws(vec![Expr::text("*")])
            .actions(&["logs:PutSubscriptionFilter"])
            .resources(vec![regional_arn(
                "logs",
                Expr::this_account(),
                &format!(":destination:{}", lz.names.log_destination),
            )])
            .when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec![Expr::named("OrganizationId", "var.organization_id")],
            ),
    ])
}
