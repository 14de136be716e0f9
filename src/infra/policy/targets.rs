//! What every workload account's application target has in each region
//! besides the application: the VPC's flow-log role, and the role that
//! forwards the deployment alarms' state changes to the tooling account's
//! event bus. CloudFormation: the `network` and `alarm-forwarding` partials
//! of `cloudformation/workloads/<account>/target-<region>.yaml`; Terraform:
//! the `network` module and the `tf-alarm-forwarding` partial of each
//! `target-<compute>` module.
//!
//! Sources: VPC User Guide, "IAM role for publishing flow logs to CloudWatch
//! Logs" (the actions, and `aws:SourceAccount` on the trust); EventBridge
//! User Guide, "Sending and receiving events between AWS accounts" (a rule
//! that targets another account's bus needs a role with `events:PutEvents`
//! on that bus).

use super::blocks::service_trust;
use super::{Expr, Policy, Statement};
use crate::infra::layout;
use crate::model::LandingZone;

pub fn flow_logs_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "VpcFlowLogsInThisAccount",
        "vpc-flow-logs.amazonaws.com",
    )])
}

/// VPC Flow Logs writes the flow records into the VPC's log group.
pub fn flow_logs() -> Policy {
    Policy::new(vec![
        Statement::allow("WriteTheFlowRecords")
            .actions(&[
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
            ])
            .resources(vec![
                Expr::named("FlowLogGroup.Arn", "aws_cloudwatch_log_group.flow_logs.arn")
                    .then(":*"),
            ]),
    ])
}

pub fn alarm_forwarding_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "EventBridgeInThisAccount",
        "events.amazonaws.com",
    )])
}

/// Put the alarm events on the tooling account's default bus, in the home
/// region where its alarms rule listens.
pub fn alarm_forwarding(lz: &LandingZone) -> Policy {
    Policy::new(vec![
        Statement::allow("PutOnTheToolingBus")
            .actions(&["events:PutEvents"])
            .resources(vec![Expr::arn(
                Expr::text(format!("events:{}:", lz.organization.home_region))
                    .and(Expr::named(
                        layout::id_parameter_of(lz, lz.holders.tooling()),
                        "var.tooling_account_id",
                    ))
                    .then(":event-bus/default"),
            )]),
    ])
}
