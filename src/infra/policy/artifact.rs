//! The artifact account's policies, the same in every region: the artifact
//! key's, the artifact bucket's and its access-log bucket's, and the image
//! repository's in the home region. CloudFormation:
//! `cloudformation/artifact/artifact-<region>.yaml`; Terraform: the
//! `artifact-store` module (once per region) and `terraform/artifact`.
//!
//! Cross-account use needs both sides: these resource policies name the
//! tooling and workload accounts' roles, and those roles' own policies name
//! the key and the bucket (KMS Developer Guide, "Allowing users in other
//! accounts to use a KMS key"; S3 User Guide, "Bucket owner granting
//! cross-account bucket permissions"). Every grant to another account is
//! conditioned on `aws:PrincipalOrgID` and on the roles' ARNs: exact for
//! the tooling account's, a name in any account for the workload accounts',
//! so that these policies stay the same size however many workload accounts
//! there are (a key policy's quota is 32 KB, a bucket policy's 20 KB). A
//! fixed `aws:PrincipalOrgID` keeps the bucket policy non-public for S3
//! Block Public Access (S3 User Guide, "The meaning of public").

use super::blocks::{
    ECR_PUSH, KEY_USE, access_log_bucket_policy, deny_insecure_transport, everything,
    key_administration_by_this_account, role_in_any_account, tooling_account,
};
use super::{Expr, Policy, Statement};
use crate::model::{Compute, LandingZone};

/// How the Terraform side names the accounts and the organization: the
/// module takes them as variables, the account's root module as locals.
#[derive(Debug, Clone, Copy)]
pub enum TerraformScope {
    /// `modules/artifact-store`: `local.tooling`, `var.organization_id`.
    Module,
    /// `terraform/artifact`: `local.tooling`, `local.organization_id`.
    Root,
}

impl TerraformScope {
    fn prefix(self) -> &'static str {
        match self {
            TerraformScope::Module => "var",
            TerraformScope::Root => "local",
        }
    }
}

struct Refs<'a> {
    lz: &'a LandingZone,
    scope: TerraformScope,
}

impl Refs<'_> {
    fn tooling(&self) -> Expr {
        tooling_account(self.lz)
    }

    fn organization_id(&self) -> Expr {
        Expr::named(
            "OrganizationId",
            format!("{}.organization_id", self.scope.prefix()),
        )
    }

    fn role(&self, account: Expr, role: &str) -> Expr {
        Expr::arn(
            Expr::text("iam::")
                .and(account)
                .then(&format!(":role/{role}")),
        )
    }

    /// The tooling account's roles that use the artifacts: the pipeline's,
    /// the build's, and for Lambda the deployer's.
    fn pipeline_roles(&self) -> Vec<Expr> {
        let names = &self.lz.names;
        let mut roles = vec![
            self.role(self.tooling(), &names.pipeline_role),
            self.role(self.tooling(), &names.build_role),
        ];
        if self.lz.pipeline.deploy.compute == Compute::Lambda {
            roles.push(self.role(self.tooling(), &names.deployer_role));
        }
        roles
    }

    /// The workload accounts' roles that read the artifacts, by name in
    /// any account of the organization: the deployment role, and for EC2
    /// the instances' role.
    fn deployment_roles(&self) -> Vec<Expr> {
        let names = &self.lz.names;
        let mut roles = vec![role_in_any_account(&names.deploy_role)];
        if self.lz.pipeline.deploy.compute == Compute::Ec2 {
            roles.push(role_in_any_account(&names.instance_role));
        }
        roles
    }

    /// Only principals of this organization: with `"AWS": "*"`, this is
    /// what keeps a grant inside it.
    fn in_the_organization(&self, statement: Statement) -> Statement {
        statement.when(
            "StringEquals",
            "aws:PrincipalOrgID",
            vec![self.organization_id()],
        )
    }
}

/// The artifact key: administered by this account, used by the pipeline's
/// roles and by each workload account's deployment roles.
pub fn key(lz: &LandingZone) -> Policy {
    let r = Refs {
        lz,
        scope: TerraformScope::Module,
    };
    Policy::new(vec![
        key_administration_by_this_account(),
        Statement::allow("UseByThePipelineAndTheBuild")
            .aws(vec![Expr::account_root(r.tooling())])
            .actions(KEY_USE)
            .resources(everything())
            .when("ArnEquals", "aws:PrincipalArn", r.pipeline_roles())
            .when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec![r.organization_id()],
            ),
        r.in_the_organization(
            Statement::allow("UseByTheDeploymentRoles")
                .aws(vec![Expr::text("*")])
                .actions(KEY_USE)
                .resources(everything())
                .when("ArnLike", "aws:PrincipalArn", r.deployment_roles()),
        ),
    ])
}

/// The bucket the artifact bucket's server access logs go to.
pub fn access_log_bucket(lz: &LandingZone) -> Policy {
    access_log_bucket_policy(
        "ServerAccessLogsFromTheArtifactBucket",
        &lz.names.artifact_bucket_prefix,
    )
}

/// The artifact bucket: TLS only, every object encrypted with the artifact
/// key, read and written by the pipeline's roles, read by the deployment
/// roles.
pub fn bucket(lz: &LandingZone) -> Policy {
    let r = Refs {
        lz,
        scope: TerraformScope::Module,
    };
    let bucket = Expr::named("ArtifactBucket.Arn", "aws_s3_bucket.artifacts.arn");
    let objects = bucket.clone().then("/*");
    Policy::new(vec![
        deny_insecure_transport(&bucket),
        Statement::deny("DenyPutsNotEncryptedWithTheArtifactKey")
            .anyone()
            .actions(&["s3:PutObject"])
            .resources(vec![objects.clone()])
            .when(
                "StringNotEqualsIfExists",
                "s3:x-amz-server-side-encryption-aws-kms-key-id",
                vec![Expr::named("ArtifactKey.Arn", "aws_kms_key.artifacts.arn")],
            ),
        Statement::deny("DenyPutsWithOtherEncryption")
            .anyone()
            .actions(&["s3:PutObject"])
            .resources(vec![objects.clone()])
            .when(
                "StringNotEqualsIfExists",
                "s3:x-amz-server-side-encryption",
                vec![Expr::text("aws:kms")],
            ),
        Statement::allow("ReadWriteByThePipelineAndTheBuild")
            .aws(vec![Expr::account_root(r.tooling())])
            .actions(&["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"])
            .resources(vec![objects.clone()])
            .when("ArnEquals", "aws:PrincipalArn", r.pipeline_roles()),
        Statement::allow("ListByThePipelineAndTheBuild")
            .aws(vec![Expr::account_root(r.tooling())])
            .actions(&[
                "s3:GetBucketLocation",
                "s3:GetBucketVersioning",
                "s3:ListBucket",
            ])
            .resources(vec![bucket])
            .when("ArnEquals", "aws:PrincipalArn", r.pipeline_roles()),
        r.in_the_organization(
            Statement::allow("ReadByTheDeploymentRoles")
                .aws(vec![Expr::text("*")])
                .actions(&["s3:GetObject", "s3:GetObjectVersion"])
                .resources(vec![objects])
                .when("ArnLike", "aws:PrincipalArn", r.deployment_roles()),
        ),
    ])
}

/// The image repository (home region): the workload accounts' ECS task
/// execution role pulls (ECS Developer Guide, "Amazon ECS task execution
/// IAM role": the agent pulls private ECR images with it), the build
/// pushes. A repository policy names no resource: it is the repository's
/// own.
pub fn repository(lz: &LandingZone) -> Policy {
    let r = Refs {
        lz,
        scope: TerraformScope::Root,
    };
    Policy::new(vec![
        r.in_the_organization(
            Statement::allow("PullByTheWorkloadAccounts")
                .aws(vec![Expr::text("*")])
                .actions(&[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ])
                .when(
                    "ArnLike",
                    "aws:PrincipalArn",
                    vec![role_in_any_account(&lz.names.task_execution_role)],
                ),
        ),
        Statement::allow("PushByTheBuild")
            .aws(vec![Expr::account_root(r.tooling())])
            .actions(ECR_PUSH)
            .when(
                "ArnEquals",
                "aws:PrincipalArn",
                vec![r.role(r.tooling(), &lz.names.build_role)],
            ),
    ])
}
