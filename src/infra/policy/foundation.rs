//! Policies outside the landing zone's stacks and roots: the Terraform
//! state's key and bucket (`terraform/bootstrap`, Terraform only), and the
//! administration role an adopted account gets
//! (`cloudformation/adopted/organization-account-access-role.yaml`, deployed
//! by hand in that account, CloudFormation only).
//!
//! Sources: Organizations User Guide, "Accessing a member account that has
//! a management account access role" (an invited account has no
//! `OrganizationAccountAccessRole` until one is created with the same trust);
//! KMS Developer Guide, "Default key policy".

use super::blocks::{deny_insecure_transport, key_administration_by_this_account};
use super::{Expr, Policy, Statement};

/// Only the management account administers the state key.
pub fn state_key() -> Policy {
    Policy::new(vec![key_administration_by_this_account()]).only_terraform()
}

/// The state bucket admits TLS only.
pub fn state_bucket() -> Policy {
    Policy::new(vec![deny_insecure_transport(&Expr::named(
        "",
        "aws_s3_bucket.state.arn",
    ))])
    .only_terraform()
}

/// The management account, from inside the organization, may assume the
/// adopted account's administration role.
pub fn adopted_account_access_trust() -> Policy {
    Policy::trust(vec![
        Statement::allow("TheManagementAccountOnly")
            .aws(vec![Expr::account_root(Expr::named(
                "ManagementAccountId",
                "",
            ))])
            .actions(&["sts:AssumeRole"])
            .when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec![Expr::named("OrganizationId", "")],
            ),
    ])
    .only_cloudformation()
}
