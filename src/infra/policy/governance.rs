//! The tooling account's governance policies: the key the notices are
//! encrypted with, the deployment alarms' topic, the Slack channel's role,
//! and (CloudFormation only: Terraform finds drift with `terraform plan`)
//! the daily drift function's role and report topic. CloudFormation:
//! `cloudformation/tooling/governance.yaml`; Terraform:
//! `terraform/tooling/governance.tf`.
//!
//! Sources: CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs
//! using AWS KMS" (the `kms:EncryptionContext:aws:logs:arn` condition, under
//! which `kms:DescribeKey` can never be allowed); EventBridge User Guide,
//! "Permissions for Amazon SNS"; AWS Chatbot Administrator Guide, "Channel
//! guardrail policies".

use super::blocks::{
    arn_here, event_bridge_uses_the_key, everything, key_administration_by_this_account,
    logs_encrypt_with_the_key, role_in_any_account, service_trust,
};
use super::{Expr, Policy, Statement};
use crate::model::LandingZone;

/// A name only the CloudFormation template has: the drift function and its
/// resources exist in that flavour only.
fn cfn_only(name: &str) -> Expr {
    Expr::named(name, "")
}

fn event_bridge_publishes_alarm_notices() -> Statement {
    event_bridge_uses_the_key("EventBridgePublishesAlarmNotices")
}

/// The key of the alarm notices (Terraform's `notices` key; CloudFormation
/// has the drift key instead).
pub fn notices_key() -> Policy {
    Policy::new(vec![
        key_administration_by_this_account(),
        event_bridge_publishes_alarm_notices(),
    ])
    .only_terraform()
}

/// The same key in CloudFormation, which also encrypts the drift
/// function's logs (the `DriftKey`).
pub fn drift_key(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        key_administration_by_this_account(),
        logs_encrypt_with_the_key(
            "CloudWatchLogsEncryptsTheFunctionsLogs",
            "ArnEquals",
            vec![arn_here(
                "logs",
                &format!(":log-group:/aws/lambda/{}", lz.names.drift_function),
            )],
        ),
        event_bridge_publishes_alarm_notices(),
    ])
    .only_cloudformation()
}

/// Only the deployment alarms rule publishes to the alarms topic.
pub fn alarms_topic(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow("OnlyTheAlarmsRulePublishes")
            .service("events.amazonaws.com")
            .actions(&["sns:Publish"])
            .resources(vec![Expr::named("AlarmsTopic", "aws_sns_topic.alarms.arn")])
            .when(
                "ArnEquals",
                "aws:SourceArn",
                vec![arn_here(
                    "events",
                    &format!(":rule/{}", lz.names.alarms_topic),
                )],
            ),
    ])
}

/// Only the drift function's role publishes the drift report.
pub fn drift_topic() -> Policy {
    Policy::new(vec![
        Statement::allow("OnlyTheDriftFunctionPublishes")
            .aws(vec![Expr::account_root(Expr::this_account())])
            .actions(&["sns:Publish"])
            .resources(vec![cfn_only("DriftTopic")])
            .when(
                "ArnEquals",
                "aws:PrincipalArn",
                vec![cfn_only("DriftFunctionRole.Arn")],
            ),
    ])
    .only_cloudformation()
}

pub fn drift_function_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "LambdaInThisAccount",
        "lambda.amazonaws.com",
    )])
    .only_cloudformation()
}

/// The drift function assumes every account's drift reader, reports, and
/// writes its logs.
pub fn drift_function(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        // Every account's reader by name within this organization, so that
        // the statement does not grow with the accounts (see
        // `tooling::assume_the_deployment_roles` for the condition).
        Statement::allow("AssumeTheDriftReaders")
            .actions(&["sts:AssumeRole"])
            .resources(vec![role_in_any_account(&lz.names.drift_reader_role)])
            .when(
                "StringEqualsIfExists",
                "aws:ResourceOrgID",
                vec![Expr::text("${aws:PrincipalOrgID}")],
            ),
        // The daily run starts one run of itself per account.
        Statement::allow("StartOneRunPerAccount")
            .actions(&["lambda:InvokeFunction"])
            .resources(vec![arn_here(
                "lambda",
                &format!(":function:{}", lz.names.drift_function),
            )]),
        Statement::allow("Report")
            .actions(&["sns:Publish"])
            .resources(vec![cfn_only("DriftTopic")]),
        Statement::allow("EncryptTheReport")
            .actions(&["kms:Decrypt", "kms:GenerateDataKey"])
            .resources(vec![cfn_only("DriftKey.Arn")]),
        Statement::allow("WriteItsLogs")
            .actions(&["logs:CreateLogStream", "logs:PutLogEvents"])
            .resources(vec![cfn_only("DriftFunctionLogGroup.Arn").then(":*")]),
    ])
    .only_cloudformation()
}

/// What the tooling account's Slack channel may do: read, and answer the
/// pipeline's approvals.
pub fn chatbot_guardrail(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow("Read")
            .actions(&[
                "cloudformation:Describe*",
                "cloudformation:List*",
                "cloudwatch:Describe*",
                "cloudwatch:Get*",
                "cloudwatch:List*",
                "codebuild:BatchGetBuilds",
                "codepipeline:Get*",
                "codepipeline:List*",
                "logs:Describe*",
                "logs:FilterLogEvents",
                "logs:Get*",
            ])
            .resources(everything()),
        Statement::allow("AnswerApprovals")
            .actions(&["codepipeline:PutApprovalResult"])
            .resources(vec![arn_here(
                "codepipeline",
                &format!(":{}/*", lz.names.pipeline),
            )]),
    ])
}

pub fn chatbot_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "AwsChatbotForThisAccount",
        "chatbot.amazonaws.com",
    )])
}

/// Every account of the organization may put events on the tooling
/// account's default bus: the workload accounts forward their deployment
/// alarms there (EventBridge User Guide, "Permissions for Amazon
/// EventBridge event buses": a bus policy may name the organization with
/// `aws:PrincipalOrgID`). The Sid is the bus policy's statement ID, which
/// also allows `-`.
pub fn event_bus(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow(&format!(
            "{}-alarms-from-the-organization",
            lz.organization.name
        ))
        .anyone()
        .actions(&["events:PutEvents"])
        .resources(vec![arn_here("events", ":event-bus/default")])
        .when(
            "StringEquals",
            "aws:PrincipalOrgID",
            vec![Expr::named(
                "OrganizationId",
                "data.aws_organizations_organization.this.id",
            )],
        ),
    ])
}
