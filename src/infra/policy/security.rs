//! The security account's policies: per region, the findings topic and its
//! key; in the home region, the Config aggregator's role and the Slack
//! channel's. CloudFormation: `cloudformation/security/security-<region>.yaml`;
//! Terraform: the `security-region` module and `terraform/security`.
//!
//! Sources: EventBridge User Guide, "Permissions for Amazon SNS" (the topic
//! policy conditioned on the rule's `aws:SourceArn`, and the key EventBridge
//! encrypts with); AWS Config Developer Guide, "Permissions for the IAM role
//! assigned to AWS Config" (the aggregator's role); AWS Chatbot
//! Administrator Guide, "Channel guardrail policies".

use super::blocks::{
    arn_here, event_bridge_uses_the_key, everything, key_administration_by_this_account,
    service_trust,
};
use super::{Expr, Policy, Statement};
use crate::model::LandingZone;

/// The key the findings topic is encrypted with: EventBridge in this
/// account encrypts what it publishes.
pub fn findings_key() -> Policy {
    Policy::new(vec![
        key_administration_by_this_account(),
        event_bridge_uses_the_key("EventBridgePublishesFindings"),
    ])
}

/// Only the high-severity findings rule publishes to the topic.
pub fn findings_topic(lz: &LandingZone) -> Policy {
    let rule = arn_here(
        "events",
        &format!(":rule/{}-high-severity-findings", lz.organization.name),
    );
    Policy::new(vec![
        Statement::allow("OnlyTheFindingsRulePublishes")
            .service("events.amazonaws.com")
            .actions(&["sns:Publish"])
            .resources(vec![Expr::named(
                "FindingsTopic",
                "aws_sns_topic.findings.arn",
            )])
            .when("ArnEquals", "aws:SourceArn", vec![rule]),
    ])
}

pub fn config_aggregator_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "AwsConfigForThisAccount",
        "config.amazonaws.com",
    )])
}

pub fn chatbot_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "AwsChatbotForThisAccount",
        "chatbot.amazonaws.com",
    )])
}

/// What the Slack channel may do: read findings and alarms, change nothing.
pub fn chatbot_read_findings() -> Policy {
    Policy::new(vec![
        Statement::allow("ReadFindings")
            .actions(&[
                "cloudwatch:Describe*",
                "cloudwatch:Get*",
                "guardduty:Get*",
                "guardduty:List*",
                "securityhub:Describe*",
                "securityhub:Get*",
                "securityhub:List*",
            ])
            .resources(everything()),
    ])
}
