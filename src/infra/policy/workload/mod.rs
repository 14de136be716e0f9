//! Every workload account's roles, which depend on the compute: the
//! deployment role the pipeline assumes, the role CloudFormation runs the
//! application's stack with, the roles the application runs with (ECS
//! tasks, EC2 instances, Lambda functions) and the role CodeDeploy shifts
//! traffic with. CloudFormation: `cloudformation/workloads/<account>/roles.yaml`
//! Terraform:
//! `terraform/workload/roles.tf`. A policy the compute does not use is
//! empty and no template places it.
//!
//! Sources: CodeDeploy User Guide, "Create a service role for CodeDeploy"
//! (what each compute platform's deployments call); ECS Developer Guide,
//! "Amazon ECS task execution IAM role"; Lambda Developer Guide, "Lambda
//! execution role" and "Giving Lambda functions access to resources in an
//! Amazon VPC"; IAM User Guide, "Granting a user permissions to pass a role
//! to an AWS service" (`iam:PassedToService`); CloudFormation User Guide,
//! "CloudFormation service role" (cross-account `iam:PassRole` is not
//! possible, so the role lives in the account whose stacks it changes).

mod codedeploy;

pub use codedeploy::{codedeploy, codedeploy_trust};

use super::blocks::{artifact_account, everything, service_trust, tooling_account};
use super::{Expr, Part, Policy, Statement};
use crate::infra::layout::artifact_stores;
use crate::model::{Compute, LandingZone};

pub(in crate::infra::policy) fn compute(lz: &LandingZone) -> Compute {
    lz.pipeline.deploy.compute
}

/// A policy for one compute only; empty for the others.
fn only_for(lz: &LandingZone, wanted: &[Compute], build: impl FnOnce() -> Policy) -> Policy {
    if wanted.contains(&compute(lz)) {
        build()
    } else {
        Policy::new(Vec::new())
    }
}

/// `arn:<partition>:<service>:*:<this account>:<rest>`: IAM is global, so
/// the roles serve every region of the landing zone.
pub(in crate::infra::policy) fn here_in_any_region(service: &str, rest: &str) -> Expr {
    Expr::arn(Expr(vec![
        Part::Text(format!("{service}:*:")),
        Part::ThisAccount,
        Part::Text(format!(":{rest}")),
    ]))
}

pub(in crate::infra::policy) fn function_arns(name: &str) -> Vec<Expr> {
    vec![
        here_in_any_region("lambda", &format!("function:{name}")),
        here_in_any_region("lambda", &format!("function:{name}:*")),
    ]
}

fn log_group_streams(group: &str) -> Expr {
    here_in_any_region("logs", &format!("log-group:{group}:*"))
}

pub(in crate::infra::policy) fn watch_the_alarms(lz: &LandingZone) -> Statement {
    Statement::allow("WatchTheAlarms")
        .actions(&["cloudwatch:DescribeAlarms"])
        .resources(vec![here_in_any_region(
            "cloudwatch",
            &format!("alarm:{}-*", lz.names.deployment_group),
        )])
}

/// `iam:PassRole` on the named roles, to one service only.
pub(in crate::infra::policy) fn pass_only(sid: &str, roles: Vec<Expr>, service: &str) -> Statement {
    Statement::allow(sid)
        .actions(&["iam:PassRole"])
        .resources(roles)
        .when(
            "StringEquals",
            "iam:PassedToService",
            vec![Expr::text(service)],
        )
}

pub(in crate::infra::policy) fn pass_only_the_application_roles() -> Statement {
    pass_only(
        "PassOnlyTheApplicationRoles",
        vec![
            Expr::named("TaskRole.Arn", "aws_iam_role.task.arn"),
            Expr::named("TaskExecutionRole.Arn", "aws_iam_role.task_execution.arn"),
        ],
        "ecs-tasks.amazonaws.com",
    )
}

/// Read a release from the artifact bucket of every region, and decrypt it.
fn read_the_artifacts(lz: &LandingZone) -> Vec<Statement> {
    let stores = artifact_stores(lz);
    let artifact = artifact_account(lz);
    vec![
        Statement::allow("ReadTheArtifacts")
            .actions(&["s3:GetObject", "s3:GetObjectVersion"])
            .resources(
                stores
                    .iter()
                    .map(|s| {
                        Expr::arn(
                            Expr::text(format!("s3:::{}-", lz.names.artifact_bucket_prefix))
                                .and(artifact.clone())
                                .then(&format!("-{}/*", s.region)),
                        )
                    })
                    .collect(),
            ),
        Statement::allow("DecryptTheArtifacts")
            .actions(&["kms:Decrypt", "kms:DescribeKey"])
            .resources(
                stores
                    .iter()
                    .map(|s| {
                        Expr(vec![Part::Indexed {
                            cfn: s.key_parameter.clone(),
                            tf_map:
                                "data.terraform_remote_state.artifact.outputs.artifact_key_arns"
                                    .into(),
                            key: s.region.clone(),
                        }])
                    })
                    .collect(),
            ),
    ]
}

fn reach_the_vpc() -> Vec<Statement> {
    vec![
        Statement::allow("SeeTheNetworkInterfaces")
            .note("Listing network interfaces cannot be scoped to a resource.")
            .actions(&["ec2:DescribeNetworkInterfaces"])
            .resources(everything()),
        Statement::allow("ReachTheVpc")
            .actions(&[
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
            ])
            .resources(vec![
                here_in_any_region("ec2", "network-interface/*"),
                here_in_any_region("ec2", "security-group/*"),
                here_in_any_region("ec2", "subnet/*"),
            ]),
    ]
}

/// The application's Auto Scaling group, and the copies a blue/green
/// release makes of it.
pub(in crate::infra::policy) fn the_applications_groups(lz: &LandingZone) -> Vec<Expr> {
    let group = |name: &str| {
        here_in_any_region(
            "autoscaling",
            &format!("autoScalingGroup:*:autoScalingGroupName/{name}"),
        )
    };
    vec![
        group(&lz.names.auto_scaling_group),
        group(&format!("CodeDeploy_{}_d-*", lz.names.deployment_group)),
    ]
}

/// The only door from the pipeline into the account: the tooling account's
/// pipeline role (the deployer project's role for Lambda) may assume it.
pub fn deployment_trust(lz: &LandingZone) -> Policy {
    let (sid, role) = match compute(lz) {
        Compute::Lambda => ("OnlyTheDeployer", &lz.names.deployer_role),
        _ => ("OnlyThePipelineRole", &lz.names.pipeline_role),
    };
    let tooling = tooling_account(lz);
    Policy::trust(vec![
        Statement::allow(sid)
            .aws(vec![Expr::account_root(tooling.clone())])
            .actions(&["sts:AssumeRole"])
            .when(
                "ArnEquals",
                "aws:PrincipalArn",
                vec![Expr::arn(
                    Expr::text("iam::")
                        .and(tooling)
                        .then(&format!(":role/{role}")),
                )],
            ),
    ])
}

/// What the deployment role may do: start a CodeDeploy deployment of the
/// application (Lambda: after publishing the new version), and read the
/// release it deploys.
pub fn deploy(lz: &LandingZone) -> Policy {
    let names = &lz.names;
    let codedeploy = |sid: &str| {
        Statement::allow(sid)
            .actions(&[
                "codedeploy:CreateDeployment",
                "codedeploy:GetApplication",
                "codedeploy:GetApplicationRevision",
                "codedeploy:GetDeployment",
                "codedeploy:GetDeploymentConfig",
                "codedeploy:RegisterApplicationRevision",
            ])
            .resources(vec![
                here_in_any_region(
                    "codedeploy",
                    &format!("application:{}", names.codedeploy_application),
                ),
                here_in_any_region(
                    "codedeploy",
                    &format!(
                        "deploymentgroup:{}/{}",
                        names.codedeploy_application, names.deployment_group
                    ),
                ),
                here_in_any_region("codedeploy", "deploymentconfig:*"),
            ])
    };
    let mut statements = Vec::new();
    match compute(lz) {
        Compute::Lambda => {
            statements.push(
                Statement::allow("PublishANewVersion")
                    .actions(&[
                        "lambda:GetAlias",
                        "lambda:GetFunction",
                        "lambda:GetFunctionConfiguration",
                        "lambda:PublishVersion",
                        "lambda:UpdateFunctionCode",
                    ])
                    .resources(function_arns(&names.function)),
            );
            statements.push(codedeploy("DeployIt"));
        }
        Compute::Ecs => {
            statements.push(codedeploy("DeployTheApplication"));
            statements.push(
                Statement::allow("RegisterTaskDefinitions")
                    .note("RegisterTaskDefinition cannot be scoped to a resource.")
                    .actions(&["ecs:RegisterTaskDefinition"])
                    .resources(everything()),
            );
            statements.push(pass_only_the_application_roles());
            statements.extend(read_the_artifacts(lz));
        }
        Compute::Ec2 => {
            statements.push(codedeploy("DeployTheApplication"));
            statements.extend(read_the_artifacts(lz));
        }
    }
    Policy::new(statements)
}

/// The role CloudFormation changes the application's stack with.
pub fn cloudformation_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "CloudFormationInThisAccount",
        "cloudformation.amazonaws.com",
    )])
}

/// What the application's stack changes on a release.
pub fn application_stack(lz: &LandingZone) -> Policy {
    let names = &lz.names;
    Policy::new(match compute(lz) {
        Compute::Ecs => vec![
            Statement::allow("UpdateTheService")
                .actions(&["ecs:DescribeServices", "ecs:UpdateService"])
                .resources(vec![here_in_any_region(
                    "ecs",
                    &format!("service/{}/{}", names.ecs_cluster, names.ecs_service),
                )]),
            Statement::allow("ManageTaskDefinitions")
                .note("Task definitions cannot be scoped to a resource.")
                .actions(&[
                    "ecs:DeregisterTaskDefinition",
                    "ecs:DescribeTaskDefinition",
                    "ecs:RegisterTaskDefinition",
                ])
                .resources(everything()),
            pass_only_the_application_roles(),
        ],
        Compute::Ec2 => vec![
            Statement::allow("ResizeTheGroup")
                .note(
                    "The application's Auto Scaling group, and the copies a blue/green\n\
                     release makes of it (CodeDeploy_<deployment group>_d-<deployment ID>).",
                )
                .actions(&["autoscaling:UpdateAutoScalingGroup"])
                .resources(the_applications_groups(lz)),
        ],
        Compute::Lambda => vec![
            Statement::allow("ConfigureTheFunction")
                .actions(&[
                    "lambda:GetFunctionConfiguration",
                    "lambda:UpdateFunctionConfiguration",
                ])
                .resources(vec![here_in_any_region(
                    "lambda",
                    &format!("function:{}", names.function),
                )]),
        ],
    })
}

/// ECS: the containers' own role has no policy (grant it what the
/// application needs); the execution role pulls the image and writes logs.
pub fn task_trust(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Ecs], || {
        Policy::trust(vec![service_trust(
            "EcsTasksInThisAccount",
            "ecs-tasks.amazonaws.com",
        )])
    })
}

pub fn start_tasks(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Ecs], || {
        Policy::new(vec![
            Statement::allow("LogInToEcr")
                .note("ecr:GetAuthorizationToken cannot be scoped to a resource.")
                .actions(&["ecr:GetAuthorizationToken"])
                .resources(everything()),
            Statement::allow("PullTheApplicationImage")
                .actions(&[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ])
                .resources(vec![Expr::arn(
                    Expr::text(format!("ecr:{}:", lz.organization.home_region))
                        .and(artifact_account(lz))
                        .then(&format!(":repository/{}", lz.names.ecr_repository)),
                )]),
            Statement::allow("WriteTheApplicationLogs")
                .actions(&["logs:CreateLogStream", "logs:PutLogEvents"])
                .resources(vec![log_group_streams(&lz.names.app_log_group)]),
        ])
    })
}

/// EC2: the instances fetch a release from the artifact bucket and decrypt
/// it; nothing broader.
pub fn instance_trust(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Ec2], || {
        Policy::trust(vec![service_trust("Ec2InThisAccount", "ec2.amazonaws.com")])
    })
}

pub fn fetch_releases(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Ec2], || Policy::new(read_the_artifacts(lz)))
}

/// Lambda: the function and the traffic hook run as Lambda functions.
pub fn function_trust(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Lambda], || {
        Policy::trust(vec![service_trust(
            "LambdaInThisAccount",
            "lambda.amazonaws.com",
        )])
    })
}

/// What the function itself may do: write its logs and reach the VPC.
pub fn run(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Lambda], || {
        let mut statements = vec![
            Statement::allow("WriteItsLogs")
                .actions(&["logs:CreateLogStream", "logs:PutLogEvents"])
                .resources(vec![log_group_streams(&format!(
                    "/aws/lambda/{}",
                    lz.names.function
                ))]),
        ];
        statements.extend(reach_the_vpc());
        Policy::new(statements)
    })
}

/// The traffic hook invokes the new version before and after traffic
/// moves, and tells CodeDeploy whether it answered.
pub fn check_the_new_version(lz: &LandingZone) -> Policy {
    only_for(lz, &[Compute::Lambda], || {
        let mut statements = vec![
            Statement::allow("FindAndInvokeTheNewVersion")
                .actions(&["lambda:InvokeFunction", "lambda:ListVersionsByFunction"])
                .resources(function_arns(&lz.names.function)),
            Statement::allow("ReportToCodeDeploy")
                .note(
                    "The action has no resource type (Service Authorization\n\
                     Reference, AWS CodeDeploy): scoped to a deployment group it\n\
                     would never match, and every deployment would time out.",
                )
                .actions(&["codedeploy:PutLifecycleEventHookExecutionStatus"])
                .resources(everything()),
            Statement::allow("WriteItsLogs")
                .actions(&["logs:CreateLogStream", "logs:PutLogEvents"])
                .resources(vec![log_group_streams(&format!(
                    "/aws/lambda/{}",
                    lz.names.hook_function
                ))]),
        ];
        statements.extend(reach_the_vpc());
        Policy::new(statements)
    })
}
