//! Every account's baseline policies: the role daily drift detection reads
//! the landing zone's stacks with (CloudFormation only: Terraform finds
//! drift with `terraform plan`), and with AWS Config on, the recorder's role
//! and the remediation role. CloudFormation:
//! `cloudformation/baseline/baseline.yaml`; Terraform: the `baseline` module.
//!
//! Sources: AWS Config Developer Guide, "Permissions for the IAM role
//! assigned to AWS Config", "Permissions for the Amazon S3 bucket" and
//! "Permissions for the KMS key" (same-account delivery); the Service
//! Authorization Reference for the actions that take no resource type
//! (`cloudformation:ListStacks`, `cloudtrail:DescribeTrails`).

use super::blocks::{everything, service_trust, tooling_account};
use super::{Expr, Policy, Statement};
use crate::model::LandingZone;

fn log_bucket() -> Expr {
    Expr::arn(Expr::text("s3:::").and(Expr::named("LogBucketName", "var.log_bucket_name")))
}

/// `arn:<partition>:<service>:*:<this account>:<rest>`: any region.
fn any_region(service: &str, rest: &str) -> Expr {
    Expr::arn(
        Expr::text(format!("{service}:*:"))
            .and(Expr::this_account())
            .then(rest),
    )
}

/// Only the tooling account's drift function assumes the drift reader.
pub fn drift_reader_trust(lz: &LandingZone) -> Policy {
    let function_role = Expr::arn(
        Expr::text("iam::")
            .and(tooling_account(lz))
            .then(&format!(":role/{}", lz.names.drift_function_role)),
    );
    Policy::trust(vec![
        Statement::allow("OnlyTheDriftDetectionFunction")
            .aws(vec![Expr::account_root(tooling_account(lz))])
            .actions(&["sts:AssumeRole"])
            .when("ArnEquals", "aws:PrincipalArn", vec![function_role]),
    ])
    .only_cloudformation()
}

/// Drift detection on the landing zone's own stacks, and the reads it makes
/// of what they hold.
pub fn drift_reader(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow("DetectDriftOnTheLandingZonesStacks")
            .actions(&[
                "cloudformation:DetectStackDrift",
                "cloudformation:DetectStackResourceDrift",
                "cloudformation:DescribeStackResourceDrifts",
                "cloudformation:DescribeStacks",
            ])
            // A StackSet's instance is a stack named
            // `StackSet-<StackSet name>-<ID>` (CloudFormation User Guide,
            // "StackSets concepts"): the baseline and the workload roles.
            .resources(vec![
                any_region(
                    "cloudformation",
                    &format!(":stack/{}-*/*", lz.organization.name),
                ),
                any_region(
                    "cloudformation",
                    &format!(":stack/StackSet-{}-*/*", lz.organization.name),
                ),
            ]),
        Statement::allow("ListStacksAndReadWhatTheyHold")
            .note(
                "ListStacks and DescribeStackDriftDetectionStatus have no\n\
                 resource type (Service Authorization Reference, AWS\n\
                 CloudFormation): they take only `*`.",
            )
            .actions(&[
                "cloudformation:DescribeStackDriftDetectionStatus",
                "cloudformation:ListStacks",
                "codedeploy:BatchGet*",
                "codedeploy:Get*",
                "codepipeline:GetPipeline",
                "ecs:Describe*",
                "elasticloadbalancing:Describe*",
                "events:DescribeRule",
                "firehose:DescribeDeliveryStream",
                "lambda:GetAlias",
                "lambda:GetFunction",
                "logs:DescribeDestinations",
                "logs:DescribeSubscriptionFilters",
                "sns:GetSubscriptionAttributes",
                "sns:GetTopicAttributes",
            ])
            .resources(everything()),
    ])
    .only_cloudformation()
}

pub fn config_recorder_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "AwsConfigForThisAccount",
        "config.amazonaws.com",
    )])
}

/// Same-account delivery to the log archive (the log-archive account's own
/// recorder); elsewhere the bucket's policy does not admit the role.
pub fn config_delivery() -> Policy {
    Policy::new(vec![
        Statement::allow("CheckTheLogBucket")
            .actions(&["s3:GetBucketAcl"])
            .resources(vec![log_bucket()]),
        Statement::allow("DeliverThisAccountsConfiguration")
            .actions(&["s3:PutObject"])
            .resources(vec![
                log_bucket()
                    .then("/AWSLogs/")
                    .and(Expr::this_account())
                    .then("/Config/*"),
            ])
            .when(
                "StringEquals",
                "s3:x-amz-acl",
                vec![Expr::text("bucket-owner-full-control")],
            ),
        Statement::allow("EncryptWithTheLogKey")
            .actions(&["kms:Decrypt", "kms:GenerateDataKey"])
            .resources(vec![Expr::named("LogKeyArn", "var.log_key_arn")]),
    ])
}

pub fn remediation_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "SsmAutomationForThisAccount",
        "ssm.amazonaws.com",
    )])
}

/// What the AWS-managed remediation documents do, and nothing else.
pub fn remediation() -> Policy {
    Policy::new(vec![
        Statement::allow("BlockPublicAccessRequireTlsAndEncrypt")
            .note("Bucket ARNs carry no account: the condition keeps the role to this\naccount's buckets.")
            .actions(&[
                "s3:GetBucketPolicy",
                "s3:GetBucketPublicAccessBlock",
                "s3:GetEncryptionConfiguration",
                "s3:PutBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutEncryptionConfiguration",
            ])
            .resources(vec![Expr::arn(Expr::text("s3:::*"))])
            .when("StringEquals", "aws:ResourceAccount", vec![Expr::this_account()]),
        Statement::allow("RotateKeys")
            .actions(&[
                "kms:DescribeKey",
                "kms:EnableKeyRotation",
                "kms:GetKeyRotationStatus",
            ])
            .resources(vec![any_region("kms", ":key/*")]),
        Statement::allow("FindTheTrails")
            .note("DescribeTrails has no resource type (Service Authorization Reference,\nAWS CloudTrail).")
            .actions(&["cloudtrail:DescribeTrails"])
            .resources(everything()),
        Statement::allow("TurnOnTrailValidation")
            .actions(&["cloudtrail:GetTrail", "cloudtrail:UpdateTrail"])
            .resources(vec![any_region("cloudtrail", ":trail/*")]),
        Statement::allow("CloseSshToTheWorld")
            .actions(&["ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress"])
            .resources(everything()),
        Statement::allow("FollowTheAutomation")
            .actions(&["ssm:GetAutomationExecution", "ssm:StartAutomationExecution"])
            .resources(everything()),
    ])
}
