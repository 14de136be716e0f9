//! The management account's template bucket, in each region where a
//! template too large to pass inline is deployed: its key, the bucket, and
//! the bucket its server access logs go to. CloudFormation only (Terraform
//! has no template to upload): `cloudformation/management/templates-<region>.yaml`.
//!
//! Who reads it: whoever creates or updates the stack, in whichever account
//! of the organization. CloudFormation fetches a `--template-url` with the
//! caller's own permissions (CloudFormation User Guide, "Controlling access
//! with IAM": `s3:GetObject` on the template), so the bucket grants
//! `s3:GetObject` to the organization (`aws:PrincipalOrgID`, which keeps the
//! policy non-public for Block Public Access: S3 User Guide, "The meaning of
//! public"), and the key lets the organization decrypt through S3 in this
//! region only (`kms:ViaService`: KMS Developer Guide, "kms:ViaService").
//! Only this account writes: `deploy.sh` uploads with its credentials.

use super::blocks::{
    access_log_bucket_policy, bucket_name, deny_insecure_transport, everything,
    key_administration_by_this_account,
};
use super::{Expr, Part, Policy, Statement};
use crate::model::LandingZone;

fn organization_id() -> Expr {
    Expr::named("OrganizationId", "var.organization_id")
}

/// Administered by this account; any principal of the organization may
/// decrypt with it, through S3 in this region (reading a template).
pub fn key() -> Policy {
    Policy::new(vec![
        key_administration_by_this_account(),
        Statement::allow("DecryptTemplatesThroughS3ForTheOrganization")
            .aws(vec![Expr::text("*")])
            .actions(&["kms:Decrypt"])
            .resources(everything())
            .when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec![organization_id()],
            )
            .when(
                "StringEquals",
                "kms:ViaService",
                vec![Expr(vec![
                    Part::Text("s3.".into()),
                    Part::Region,
                    Part::Text(".amazonaws.com".into()),
                ])],
            ),
    ])
    .only_cloudformation()
}

/// TLS only; the organization reads the templates.
pub fn bucket(lz: &LandingZone) -> Policy {
    let bucket = Expr::arn(Expr::text("s3:::").and(bucket_name(&lz.names.template_bucket_prefix)));
    Policy::new(vec![
        deny_insecure_transport(&bucket),
        Statement::allow("ReadTemplatesFromTheOrganization")
            .aws(vec![Expr::text("*")])
            .actions(&["s3:GetObject"])
            .resources(vec![bucket.then("/*")])
            .when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec![organization_id()],
            ),
    ])
    .only_cloudformation()
}

/// Where the template bucket's server access logs go.
pub fn access_log_bucket(lz: &LandingZone) -> Policy {
    access_log_bucket_policy(
        "ServerAccessLogsFromTheTemplateBucket",
        &lz.names.template_bucket_prefix,
    )
    .only_cloudformation()
}
