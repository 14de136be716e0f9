//! Statements every secure bucket and every customer-managed key of the
//! landing zone shares, defined once: TLS only, server access logs from the
//! bucket they describe, and key administration by the key's own account.
//!
//! Sources: S3 User Guide, "Enforce encryption in transit"
//! (`aws:SecureTransport`) and "Permissions for log delivery"
//! (`logging.s3.amazonaws.com`, conditioned on `aws:SourceAccount` and
//! `aws:SourceArn`); KMS Developer Guide, "Default key policy" (the account
//! root as key administrator, so IAM policies can grant use).

use super::{Expr, Part, Policy, Statement};
use crate::infra::layout;
use crate::model::LandingZone;

/// `*` as a resource: in a key policy it means the key itself.
pub fn everything() -> Vec<Expr> {
    vec![Expr::text("*")]
}

/// `<prefix>-<this account>-<this region>`, as lzgen names its buckets.
pub fn bucket_name(prefix: &str) -> Expr {
    Expr(vec![
        Part::Text(format!("{prefix}-")),
        Part::ThisAccount,
        Part::Text("-".into()),
        Part::Region,
    ])
}

/// TLS only, for every bucket lzgen creates.
pub fn deny_insecure_transport(bucket: &Expr) -> Statement {
    Statement::deny("DenyInsecureTransport")
        .anyone()
        .actions(&["s3:*"])
        .resources(vec![bucket.clone(), bucket.clone().then("/*")])
        .when("Bool", "aws:SecureTransport", vec![Expr::text("false")])
}

/// S3 delivers the server access logs of the bucket named
/// `<source_prefix>-<account>-<region>` into `access_log_bucket`.
pub fn server_access_logs(sid: &str, access_log_bucket: &Expr, source_prefix: &str) -> Statement {
    Statement::allow(sid)
        .service("logging.s3.amazonaws.com")
        .actions(&["s3:PutObject"])
        .resources(vec![access_log_bucket.clone().then("/*")])
        .when(
            "StringEquals",
            "aws:SourceAccount",
            vec![Expr::this_account()],
        )
        .when(
            "ArnLike",
            "aws:SourceArn",
            vec![Expr::arn(
                Expr::text("s3:::").and(bucket_name(source_prefix)),
            )],
        )
}

/// The key's own account administers it (and IAM policies there may grant
/// its use); nobody else does.
pub fn key_administration_by_this_account() -> Statement {
    Statement::allow("KeyAdministrationByThisAccount")
        .aws(vec![Expr::account_root(Expr::this_account())])
        .actions(&["kms:*"])
        .resources(everything())
}

/// A service role's trust: `service` may assume it, on behalf of this
/// account only (IAM User Guide, "The confused deputy problem").
pub fn service_trust(sid: &str, service: &str) -> Statement {
    Statement::allow(sid)
        .service(service)
        .actions(&["sts:AssumeRole"])
        .when(
            "StringEquals",
            "aws:SourceAccount",
            vec![Expr::this_account()],
        )
}

/// EventBridge in this account encrypts what it publishes to a topic with
/// the key (EventBridge User Guide, "Permissions for Amazon SNS": an
/// encrypted topic's key must admit `events.amazonaws.com`).
pub fn event_bridge_uses_the_key(sid: &str) -> Statement {
    Statement::allow(sid)
        .service("events.amazonaws.com")
        .actions(&["kms:Decrypt", "kms:GenerateDataKey*"])
        .resources(everything())
        .when(
            "StringEquals",
            "aws:SourceAccount",
            vec![Expr::this_account()],
        )
}

/// `arn:<partition>:<service>:<this region>:<this account><rest>`.
pub fn arn_here(service: &str, rest: &str) -> Expr {
    Expr::arn(Expr(vec![
        Part::Text(format!("{service}:")),
        Part::Region,
        Part::Text(":".into()),
        Part::ThisAccount,
        Part::Text(rest.into()),
    ]))
}

/// CloudWatch Logs in this region encrypts the named log groups with the
/// key (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs
/// using AWS KMS": the `kms:EncryptionContext:aws:logs:arn` condition, under
/// which `kms:DescribeKey` can never be allowed). `test` is `ArnEquals` for
/// exact groups, `ArnLike` when one may hold a wildcard.
pub fn logs_encrypt_with_the_key(sid: &str, test: &str, log_groups: Vec<Expr>) -> Statement {
    Statement::allow(sid)
        .note(
            "No kms:DescribeKey here: that call carries no encryption\n\
             context, so under this condition it could never be allowed.",
        )
        .service_expr(Expr(vec![
            Part::Text("logs.".into()),
            Part::Region,
            Part::Text(".amazonaws.com".into()),
        ]))
        .actions(&[
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
        ])
        .resources(everything())
        .when(test, "kms:EncryptionContext:aws:logs:arn", log_groups)
}

/// What pushing an image to an ECR repository calls (ECR User Guide,
/// "Pushing an image": the layer upload, then the manifest), granted on
/// both sides: the repository's policy and the build role's.
pub const ECR_PUSH: &[&str] = &[
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
];

/// Using a key for another service's data (KMS Developer Guide, "Allows
/// key users to use the KMS key"): what a role that reads and writes
/// encrypted artifacts needs, without administering the key.
pub const KEY_USE: &[&str] = &[
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
];

/// The tooling account's ID: its template parameter in CloudFormation,
/// `local.tooling` in the Terraform roots that name it.
pub fn tooling_account(lz: &LandingZone) -> Expr {
    Expr::named(
        layout::id_parameter_of(lz, lz.holders.tooling()),
        "local.tooling",
    )
}

/// The artifact account's ID: its template parameter in CloudFormation,
/// `local.artifact` in the Terraform roots that name it.
pub fn artifact_account(lz: &LandingZone) -> Expr {
    Expr::named(
        layout::id_parameter_of(lz, lz.holders.artifact()),
        "local.artifact",
    )
}

/// The role called `name` in any account: the pattern a resource policy
/// matches `aws:PrincipalArn` against, or an identity policy names as the
/// roles it may assume, together with the organization's ID. lzgen gives
/// each of its roles the same name in every account, so one pattern stands
/// for them all however many accounts there are (IAM User Guide, "AWS
/// global condition context keys": `aws:PrincipalArn`, `aws:PrincipalOrgID`,
/// `aws:ResourceOrgID`).
pub fn role_in_any_account(name: &str) -> Expr {
    Expr::arn(Expr::text(format!("iam::*:role/{name}")))
}

/// The policy of a bucket that receives server access logs: TLS only, and
/// S3 delivers there the logs of the bucket named
/// `<source_prefix>-<account>-<region>` (`AccessLogBucket` in
/// CloudFormation, `aws_s3_bucket.access_logs` in Terraform).
pub fn access_log_bucket_policy(sid: &str, source_prefix: &str) -> Policy {
    let bucket = Expr::named("AccessLogBucket.Arn", "aws_s3_bucket.access_logs.arn");
    Policy::new(vec![
        deny_insecure_transport(&bucket),
        server_access_logs(sid, &bucket, source_prefix),
    ])
}
