//! The role CodeDeploy releases the application with, per compute: it
//! swaps ECS task sets behind the load balancer, updates EC2 instances (and
//! copies their Auto Scaling group for blue/green), or moves a Lambda
//! alias; for every compute it reads the alarms that roll a release back.
//!
//! Sources: AWS Managed Policy Reference, `AWSCodeDeployRoleForECS`,
//! `AWSCodeDeployRole` and `AWSCodeDeployRoleForLambda` (what each
//! platform's deployments call, on `*`; these statements keep the calls this
//! landing zone's deployments make and scope them to this application);
//! ECS Developer Guide, "Amazon ECS CodeDeploy IAM Role".

use super::{
    compute, function_arns, here_in_any_region, pass_only, pass_only_the_application_roles,
    the_applications_groups, watch_the_alarms,
};
use crate::infra::policy::blocks::{everything, service_trust};
use crate::infra::policy::{Expr, Policy, Statement};
use crate::model::{Compute, LandingZone};

pub fn codedeploy_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "CodeDeployInThisAccount",
        "codedeploy.amazonaws.com",
    )])
}

/// What CodeDeploy calls to release the application, for its compute.
pub fn codedeploy(lz: &LandingZone) -> Policy {
    Policy::new(match compute(lz) {
        Compute::Ecs => ecs(lz),
        Compute::Ec2 => ec2(lz),
        Compute::Lambda => lambda(lz),
    })
}

/// Swap the task sets behind the load balancer's listeners.
fn ecs(lz: &LandingZone) -> Vec<Statement> {
    let names = &lz.names;
    let service = format!("service/{}/{}", names.ecs_cluster, names.ecs_service);
    vec![
        Statement::allow("CreateTaskSets")
            .note(
                "CodeDeploy's first step. Copies of the Service Authorization\n\
                 Reference disagree on whether CreateTaskSet takes a task-set\n\
                 resource (it takes none in some, and a task set does not exist\n\
                 before this call); `*` is right under either reading, and the\n\
                 cluster and service condition keys, which the action supports\n\
                 in every copy, keep it to this application's service.",
            )
            .actions(&["ecs:CreateTaskSet"])
            .resources(everything())
            .when(
                "ArnLike",
                "ecs:cluster",
                vec![here_in_any_region(
                    "ecs",
                    &format!("cluster/{}", names.ecs_cluster),
                )],
            )
            .when(
                "ArnLike",
                "ecs:service",
                vec![here_in_any_region("ecs", &service)],
            ),
        Statement::allow("ManageTaskSets")
            .actions(&[
                "ecs:DeleteTaskSet",
                "ecs:DescribeServices",
                "ecs:UpdateServicePrimaryTaskSet",
            ])
            .resources(vec![
                here_in_any_region("ecs", &service),
                here_in_any_region(
                    "ecs",
                    &format!("task-set/{}/{}/*", names.ecs_cluster, names.ecs_service),
                ),
            ]),
        Statement::allow("ReadTheLoadBalancer")
            .note(
                "Describing listeners, rules and target groups cannot be scoped\n\
                 to a resource.",
            )
            .actions(&[
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
            ])
            .resources(everything()),
        Statement::allow("ShiftTraffic")
            .actions(&[
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:ModifyRule",
            ])
            .resources(vec![
                here_in_any_region(
                    "elasticloadbalancing",
                    &format!("listener/app/{}/*", names.load_balancer),
                ),
                here_in_any_region(
                    "elasticloadbalancing",
                    &format!("listener-rule/app/{}/*", names.load_balancer),
                ),
            ]),
        watch_the_alarms(lz),
        pass_only_the_application_roles(),
    ]
}

/// Update the instances in place, or copy their group and launch a green
/// fleet for blue/green.
fn ec2(lz: &LandingZone) -> Vec<Statement> {
    let mut statements = vec![
        Statement::allow("ReadTheFleet")
            .note("Describe calls cannot be scoped to a resource.")
            .actions(&[
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeLifecycleHooks",
                "autoscaling:DescribeNotificationConfigurations",
                "autoscaling:DescribePolicies",
                "autoscaling:DescribeScheduledActions",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeWarmPool",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstances",
                "ec2:DescribeLaunchTemplateVersions",
                "elasticloadbalancing:DescribeInstanceHealth",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetHealth",
            ])
            .resources(everything()),
        Statement::allow("ManageTheApplicationsGroups")
            .note(
                "The application's Auto Scaling group, and the copies a blue/green\n\
                 release makes of it: CodeDeploy names each\n\
                 CodeDeploy_<deployment group>_d-<deployment ID>, and the\n\
                 next release copies the copy.",
            )
            .actions(&[
                "autoscaling:AttachLoadBalancerTargetGroups",
                "autoscaling:CompleteLifecycleAction",
                "autoscaling:CreateAutoScalingGroup",
                "autoscaling:CreateOrUpdateTags",
                "autoscaling:DeleteAutoScalingGroup",
                "autoscaling:DeleteLifecycleHook",
                "autoscaling:EnableMetricsCollection",
                "autoscaling:PutLifecycleHook",
                "autoscaling:PutNotificationConfiguration",
                "autoscaling:PutScalingPolicy",
                "autoscaling:PutScheduledUpdateGroupAction",
                "autoscaling:RecordLifecycleActionHeartbeat",
                "autoscaling:ResumeProcesses",
                "autoscaling:SuspendProcesses",
                "autoscaling:UpdateAutoScalingGroup",
            ])
            .resources(the_applications_groups(lz)),
        Statement::allow("MoveInstancesInTheTargetGroup")
            .actions(&[
                "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:RegisterTargets",
            ])
            .resources(vec![here_in_any_region(
                "elasticloadbalancing",
                "targetgroup/*",
            )]),
    ];
    if lz.pipeline.deploy.replaces_fleet {
        statements.push(
            Statement::allow("LaunchTheGreenFleet")
                .note(
                    "The green fleet's instances cannot be named in advance;\n\
                     launching them is limited to the organization's regions.",
                )
                .actions(&["ec2:CreateTags", "ec2:RunInstances"])
                .resources(everything())
                .when(
                    "StringEquals",
                    "aws:RequestedRegion",
                    lz.organization.regions.iter().map(Expr::text).collect(),
                ),
        );
        statements.push(pass_only(
            "PassOnlyTheInstanceRole",
            vec![Expr::named("InstanceRole.Arn", "aws_iam_role.instance.arn")],
            "ec2.amazonaws.com",
        ));
    }
    statements.push(watch_the_alarms(lz));
    statements
}

/// Move the alias to the new version, calling the traffic hook.
fn lambda(lz: &LandingZone) -> Vec<Statement> {
    let names = &lz.names;
    vec![
        Statement::allow("MoveTheAlias")
            .actions(&[
                "lambda:GetAlias",
                "lambda:GetProvisionedConcurrencyConfig",
                "lambda:UpdateAlias",
            ])
            .resources(function_arns(&names.function)),
        Statement::allow("CallTheHook")
            .actions(&["lambda:InvokeFunction"])
            .resources(vec![here_in_any_region(
                "lambda",
                &format!("function:{}", names.hook_function),
            )]),
        watch_the_alarms(lz),
    ]
}
