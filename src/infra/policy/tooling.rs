//! The tooling account's delivery pipeline: the key of its build logs and
//! notifications, the notifications topic, and the roles of the pipeline,
//! the build project and (Lambda) the deployer project. CloudFormation:
//! `cloudformation/tooling/pipeline.yaml`; Terraform: `terraform/tooling/main.tf`.
//!
//! Sources: CodePipeline User Guide, "Add permissions to the CodePipeline
//! service role" (artifact store, CodeBuild, CodeConnections, CodeCommit and
//! S3 sources) and "Create a pipeline that uses resources from another AWS
//! account" (the artifact keys and the workload accounts' deployment roles);
//! CodeBuild User Guide, "Allow CodeBuild to interact with other AWS
//! services" (logs, artifacts, reports); ECR User Guide, "Private registry
//! authentication" (`ecr:GetAuthorizationToken` takes no resource);
//! CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using
//! AWS KMS" (the `kms:EncryptionContext:aws:logs:arn` condition).

use super::blocks::{
    ECR_PUSH, KEY_USE, arn_here, artifact_account, event_bridge_uses_the_key, everything,
    key_administration_by_this_account, logs_encrypt_with_the_key, role_in_any_account,
    service_trust,
};
use super::{Expr, Part, Policy, Statement};
use crate::infra::layout::{self, artifact_stores};
use crate::model::{Compute, LandingZone, SourceProvider};

fn is_lambda(lz: &LandingZone) -> bool {
    lz.pipeline.deploy.compute == Compute::Lambda
}

/// The artifact bucket of `region` (this region when `None`), as an ARN.
fn artifact_bucket(lz: &LandingZone, region: Option<&str>) -> Expr {
    let bucket = Expr::arn(
        Expr::text(format!("s3:::{}-", lz.names.artifact_bucket_prefix))
            .and(artifact_account(lz))
            .then("-"),
    );
    match region {
        Some(region) => bucket.then(region),
        None => bucket.and(Expr(vec![Part::Region])),
    }
}

/// The artifact key of `region`: a parameter in CloudFormation, the
/// artifact root's output in Terraform.
fn artifact_key(region: &str) -> Expr {
    Expr(vec![Part::Indexed {
        cfn: layout::key_parameter(region),
        tf_map: "local.artifact_key_arns".into(),
        key: region.into(),
    }])
}

fn home_key(lz: &LandingZone) -> Expr {
    artifact_key(&lz.organization.home_region)
}

/// The workload accounts' deployment role, by name, in the accounts of the
/// pipeline's own organization: one statement however many accounts there
/// are (the pipeline role's inline policies share a 10,240-character
/// quota). `${aws:PrincipalOrgID}` is a policy variable, the pipeline's own
/// organization (IAM User Guide, "IAM policy elements: Variables and
/// tags"); the `IfExists` form keeps the role name as the bound should STS
/// leave `aws:ResourceOrgID` out of a request's context. Each deployment
/// role's trust names the pipeline's roles exactly: that is the other half.
fn assume_the_deployment_roles(lz: &LandingZone) -> Statement {
    Statement::allow("AssumeTheDeploymentRoles")
        .actions(&["sts:AssumeRole"])
        .resources(vec![role_in_any_account(&lz.names.deploy_role)])
        .when(
            "StringEqualsIfExists",
            "aws:ResourceOrgID",
            vec![Expr::text("${aws:PrincipalOrgID}")],
        )
}

/// Encrypts the build's logs (and the deployer's) and the notifications.
pub fn notifications_key(lz: &LandingZone) -> Policy {
    let log_group = |name: &str| arn_here("logs", &format!(":log-group:{name}"));
    let mut log_groups = vec![log_group(&lz.names.build_log_group)];
    if is_lambda(lz) {
        log_groups.push(log_group(&format!(
            "/aws/codebuild/{}",
            lz.names.deployer_project
        )));
    }
    Policy::new(vec![
        key_administration_by_this_account(),
        logs_encrypt_with_the_key("CloudWatchLogsEncryptsTheBuildLogs", "ArnLike", log_groups),
        event_bridge_uses_the_key("EventBridgePublishesToTheTopic"),
    ])
}

/// Only the two notification rules publish to the topic.
pub fn notifications_topic() -> Policy {
    Policy::new(vec![
        Statement::allow("EventBridgePublishesPipelineEvents")
            .service("events.amazonaws.com")
            .actions(&["sns:Publish"])
            .resources(vec![Expr::named(
                "NotificationsTopic",
                "aws_sns_topic.notifications.arn",
            )])
            .when(
                "ArnEquals",
                "aws:SourceArn",
                vec![
                    Expr::named(
                        "PipelineFailedRule.Arn",
                        "aws_cloudwatch_event_rule.pipeline_failed.arn",
                    ),
                    Expr::named(
                        "ApprovalWaitingRule.Arn",
                        "aws_cloudwatch_event_rule.approval_waiting.arn",
                    ),
                ],
            ),
    ])
}

pub fn pipeline_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "CodePipelineInThisAccount",
        "codepipeline.amazonaws.com",
    )])
}

/// The build project's and the deployer project's trust.
pub fn build_trust() -> Policy {
    Policy::trust(vec![service_trust(
        "CodeBuildInThisAccount",
        "codebuild.amazonaws.com",
    )])
}

/// The pipeline: its artifacts in every region, its builds, the workload
/// accounts' deployment roles (Lambda: the deployer project does that),
/// the approval notices, and its source.
pub fn pipeline(lz: &LandingZone) -> Policy {
    let stores = artifact_stores(lz);
    let project = |name: &str| arn_here("codebuild", &format!(":project/{name}"));
    let mut projects = vec![project(&lz.names.build_project)];
    if is_lambda(lz) {
        projects.push(project(&lz.names.deployer_project));
    }
    let mut statements = vec![
        Statement::allow("ArtifactObjects")
            .actions(&["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"])
            .resources(
                stores
                    .iter()
                    .map(|s| artifact_bucket(lz, Some(&s.region)).then("/*"))
                    .collect(),
            ),
        Statement::allow("ArtifactBuckets")
            .actions(&[
                "s3:GetBucketLocation",
                "s3:GetBucketVersioning",
                "s3:ListBucket",
            ])
            .resources(
                stores
                    .iter()
                    .map(|s| artifact_bucket(lz, Some(&s.region)))
                    .collect(),
            ),
        Statement::allow("ArtifactKeys")
            .actions(KEY_USE)
            .resources(stores.iter().map(|s| artifact_key(&s.region)).collect()),
        Statement::allow("RunTheBuild")
            .actions(&["codebuild:BatchGetBuilds", "codebuild:StartBuild"])
            .resources(projects),
    ];
    if !is_lambda(lz) {
        statements.push(assume_the_deployment_roles(lz));
    }
    statements.push(
        Statement::allow("NotifyApprovers")
            .actions(&["sns:Publish"])
            .resources(vec![Expr::named(
                "NotificationsTopic",
                "aws_sns_topic.notifications.arn",
            )]),
    );
    statements.push(
        Statement::allow("EncryptNotifications")
            .actions(&["kms:Decrypt", "kms:GenerateDataKey*"])
            .resources(vec![Expr::named(
                "NotificationsKey.Arn",
                "aws_kms_key.notifications.arn",
            )]),
    );
    let source = &lz.pipeline.source;
    match source.provider {
        SourceProvider::Codeconnections => statements.push(
            Statement::allow("ReadTheSource")
                .actions(&["codeconnections:UseConnection"])
                .resources(vec![Expr(vec![Part::CfnIf {
                    condition: "CreateTheConnection".into(),
                    then: "SourceConnection.ConnectionArn".into(),
                    otherwise: "ConnectionArn".into(),
                    tf: "aws_codeconnections_connection.source.arn".into(),
                }])]),
        ),
        SourceProvider::Codecommit => statements.push(
            Statement::allow("ReadTheSource")
                .actions(&[
                    "codecommit:CancelUploadArchive",
                    "codecommit:GetBranch",
                    "codecommit:GetCommit",
                    "codecommit:GetRepository",
                    "codecommit:GetUploadArchiveStatus",
                    "codecommit:UploadArchive",
                ])
                .resources(vec![arn_here(
                    "codecommit",
                    &format!(":{}", source.repository),
                )]),
        ),
        SourceProvider::S3 => {
            statements.push(
                Statement::allow("ReadTheSourceObject")
                    .actions(&["s3:GetObject", "s3:GetObjectVersion"])
                    .resources(vec![Expr::arn(Expr::text(format!(
                        "s3:::{}",
                        source.repository
                    )))]),
            );
            statements.push(
                Statement::allow("ReadTheSourceBucket")
                    .actions(&["s3:GetBucketVersioning"])
                    .resources(vec![Expr::arn(Expr::text(format!(
                        "s3:::{}",
                        source.bucket.as_deref().unwrap_or_default()
                    )))]),
            );
        }
    }
    Policy::new(statements)
}

/// The build project: its logs, this region's artifacts, the application's
/// image, its parameters and secrets, its test reports.
pub fn build(lz: &LandingZone) -> Policy {
    let names = &lz.names;
    Policy::new(vec![
        Statement::allow("WriteTheBuildLogs")
            .actions(&["logs:CreateLogStream", "logs:PutLogEvents"])
            .resources(vec![
                Expr::named("BuildLogGroup.Arn", "aws_cloudwatch_log_group.build.arn").then(":*"),
            ]),
        Statement::allow("ArtifactObjects")
            .actions(&["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"])
            .resources(vec![artifact_bucket(lz, None).then("/*")]),
        Statement::allow("ArtifactBucket")
            .actions(&["s3:GetBucketLocation", "s3:ListBucket"])
            .resources(vec![artifact_bucket(lz, None)]),
        Statement::allow("ArtifactKey")
            .actions(KEY_USE)
            .resources(vec![home_key(lz)]),
        Statement::allow("LogInToEcr")
            .note(
                "GetAuthorizationToken has no resource to scope it to; it only\n\
                 returns a token, and the repository policy decides what it opens.",
            )
            .actions(&["ecr:GetAuthorizationToken"])
            .resources(everything()),
        Statement::allow("PushTheApplicationImage")
            .actions(ECR_PUSH)
            .resources(vec![Expr::arn(
                Expr::text(format!("ecr:{}:", lz.organization.home_region))
                    .and(artifact_account(lz))
                    .then(&format!(":repository/{}", names.ecr_repository)),
            )]),
        Statement::allow("ReadItsParameters")
            .actions(&["ssm:GetParameters", "ssm:GetParametersByPath"])
            .resources(vec![arn_here(
                "ssm",
                &format!(":parameter{}*", names.build_parameters_path),
            )]),
        Statement::allow("ReadItsSecrets")
            .actions(&["secretsmanager:GetSecretValue"])
            .resources(vec![arn_here(
                "secretsmanager",
                &format!(":secret:{}*", names.build_secrets_prefix),
            )]),
        Statement::allow("PublishTestReports")
            .actions(&[
                "codebuild:BatchPutCodeCoverages",
                "codebuild:BatchPutTestCases",
                "codebuild:CreateReport",
                "codebuild:CreateReportGroup",
                "codebuild:UpdateReport",
            ])
            .resources(vec![arn_here(
                "codebuild",
                &format!(":report-group/{}-*", names.build_project),
            )]),
    ])
}

/// Lambda: the deployer project reads the release, and publishes it in
/// each workload account through that account's deployment role.
pub fn deployer(lz: &LandingZone) -> Policy {
    if !is_lambda(lz) {
        return Policy::new(Vec::new());
    }
    Policy::new(vec![
        Statement::allow("WriteItsLogs")
            .actions(&["logs:CreateLogStream", "logs:PutLogEvents"])
            .resources(vec![
                Expr::named(
                    "DeployerLogGroup.Arn",
                    "aws_cloudwatch_log_group.deployer.arn",
                )
                .then(":*"),
            ]),
        Statement::allow("ReadTheRelease")
            .actions(&["s3:GetObject", "s3:GetObjectVersion"])
            .resources(vec![artifact_bucket(lz, None).then("/*")]),
        Statement::allow("DecryptTheRelease")
            .actions(&["kms:Decrypt", "kms:DescribeKey"])
            .resources(vec![home_key(lz)]),
        assume_the_deployment_roles(lz),
    ])
}
