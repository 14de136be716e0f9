//! The log-archive account's policies: the log key's, the log bucket's and
//! its access-log bucket's. The same statements in both flavours
//! (`cloudformation/log-archive/log-archive.yaml`,
//! `terraform/log-archive/main.tf`).
//!
//! Sources for the non-obvious conditions: CloudTrail User Guide, "Amazon S3
//! bucket policy for CloudTrail" (organization trail paths, `aws:SourceArn`)
//! and "Configure AWS KMS key policies for CloudTrail"
//! (`kms:EncryptionContext:aws:cloudtrail:arn`); AWS Config Developer Guide,
//! "Permissions for the Amazon S3 Bucket" (`aws:SourceOrgID` for an
//! organization's delivery); GuardDuty User Guide, "Exporting findings"
//! (`aws:SourceAccount` of the administrator account); S3 User Guide,
//! "Permissions for log delivery" (`logging.s3.amazonaws.com` with
//! `aws:SourceAccount` and `aws:SourceArn`).

use super::blocks::{
    access_log_bucket_policy, deny_insecure_transport, everything,
    key_administration_by_this_account,
};
use super::{Expr, Policy, Statement};
use crate::model::LandingZone;

fn management_account() -> Expr {
    Expr::named("ManagementAccountId", "local.management_account_id")
}

fn organization_id() -> Expr {
    Expr::named("OrganizationId", "local.organization_id")
}

fn security_account() -> Expr {
    Expr::named("SecurityAccountId", "local.security_account_id")
}

/// The organization trail, in the management account's home region.
fn trail_arn(lz: &LandingZone) -> Expr {
    Expr::arn(
        Expr::text(format!("cloudtrail:{}:", lz.organization.home_region))
            .and(management_account())
            .then(&format!(":trail/{}", lz.names.trail)),
    )
}

/// The log key: administered by this account; CloudTrail, AWS Config and
/// GuardDuty encrypt with it, each only for this organization's deliveries.
pub fn log_key(lz: &LandingZone) -> Policy {
    let mut statements = vec![
        key_administration_by_this_account(),
        Statement::allow("CloudTrailEncryptsTheOrganizationTrail")
            .service("cloudtrail.amazonaws.com")
            .actions(&["kms:GenerateDataKey*"])
            .resources(everything())
            .when("StringEquals", "aws:SourceArn", vec![trail_arn(lz)])
            .when(
                "StringLike",
                "kms:EncryptionContext:aws:cloudtrail:arn",
                vec![Expr::arn(
                    Expr::text("cloudtrail:*:")
                        .and(management_account())
                        .then(":trail/*"),
                )],
            ),
        Statement::allow("CloudTrailDescribesTheKey")
            .service("cloudtrail.amazonaws.com")
            .actions(&["kms:DescribeKey"])
            .resources(everything())
            .when("StringEquals", "aws:SourceArn", vec![trail_arn(lz)]),
    ];
    if lz.security.config_rules {
        statements.push(
            Statement::allow("AwsConfigEncryptsWhatTheOrganizationRecords")
                .service("config.amazonaws.com")
                .actions(&["kms:Decrypt", "kms:GenerateDataKey"])
                .resources(everything())
                .when("StringEquals", "aws:SourceOrgID", vec![organization_id()]),
        );
    }
    if lz.security.guardduty {
        statements.push(
            Statement::allow("GuardDutyEncryptsExportedFindings")
                .service("guardduty.amazonaws.com")
                .actions(&["kms:GenerateDataKey"])
                .resources(everything())
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    vec![security_account()],
                ),
        );
    }
    Policy::new(statements)
}

/// The access-log bucket: S3 delivers the log bucket's server access logs.
pub fn access_log_bucket(lz: &LandingZone) -> Policy {
    access_log_bucket_policy(
        "ServerAccessLogsFromTheLogBucket",
        &lz.names.log_bucket_prefix,
    )
}

/// The central log bucket: the organization trail, AWS Config and GuardDuty
/// write here; nobody deletes the evidence.
pub fn log_bucket(lz: &LandingZone) -> Policy {
    let bucket = Expr::named("LogBucket.Arn", "aws_s3_bucket.logs.arn");
    let under = |path: Expr| bucket.clone().and(path);
    let mut statements = vec![
        deny_insecure_transport(&bucket),
        Statement::deny("DenyDeletingLogs")
            .note(
                "The logs are evidence: nobody deletes them, whatever their IAM\n\
                 permissions, but the role the landing zone is administered with\n\
                 (for a teardown). Expiry by the lifecycle rule still applies.",
            )
            .anyone()
            .actions(&["s3:DeleteObject", "s3:DeleteObjectVersion"])
            .resources(vec![
                under(Expr::text("/AWSLogs/*")),
                under(Expr::text("/CloudWatchLogs/*")),
            ])
            .when(
                "ArnNotLike",
                "aws:PrincipalArn",
                vec![Expr::arn(
                    Expr::text("iam::")
                        .and(Expr::this_account())
                        .then(":role/OrganizationAccountAccessRole"),
                )],
            ),
        Statement::allow("CloudTrailChecksTheBucketAcl")
            .service("cloudtrail.amazonaws.com")
            .actions(&["s3:GetBucketAcl"])
            .resources(vec![bucket.clone()])
            .when("StringEquals", "aws:SourceArn", vec![trail_arn(lz)]),
        Statement::allow("CloudTrailWritesTheOrganizationTrail")
            .service("cloudtrail.amazonaws.com")
            .actions(&["s3:PutObject"])
            .resources(vec![
                under(Expr::text("/AWSLogs/").and(management_account()).then("/*")),
                under(Expr::text("/AWSLogs/").and(organization_id()).then("/*")),
            ])
            .when(
                "StringEquals",
                "s3:x-amz-acl",
                vec![Expr::text("bucket-owner-full-control")],
            )
            .when("StringEquals", "aws:SourceArn", vec![trail_arn(lz)]),
    ];
    if lz.security.config_rules {
        statements.push(
            Statement::allow("AwsConfigChecksTheBucket")
                .service("config.amazonaws.com")
                .actions(&["s3:GetBucketAcl", "s3:ListBucket"])
                .resources(vec![bucket.clone()])
                .when("StringEquals", "aws:SourceOrgID", vec![organization_id()]),
        );
        statements.push(
            Statement::allow("AwsConfigDeliversTheOrganizationsConfiguration")
                .service("config.amazonaws.com")
                .actions(&["s3:PutObject"])
                .resources(vec![under(Expr::text("/AWSLogs/*/Config/*"))])
                .when(
                    "StringEquals",
                    "s3:x-amz-acl",
                    vec![Expr::text("bucket-owner-full-control")],
                )
                .when("StringEquals", "aws:SourceOrgID", vec![organization_id()]),
        );
    }
    if lz.security.guardduty {
        statements.push(
            Statement::allow("GuardDutyChecksTheBucket")
                .service("guardduty.amazonaws.com")
                .actions(&["s3:GetBucketLocation"])
                .resources(vec![bucket.clone()])
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    vec![security_account()],
                ),
        );
        statements.push(
            Statement::allow("GuardDutyExportsFindings")
                .service("guardduty.amazonaws.com")
                .actions(&["s3:PutObject"])
                .resources(vec![under(
                    Expr::text("/AWSLogs/")
                        .and(security_account())
                        .then("/GuardDuty/*"),
                )])
                .when(
                    "StringEquals",
                    "aws:SourceAccount",
                    vec![security_account()],
                ),
        );
    }
    Policy::new(statements)
}
