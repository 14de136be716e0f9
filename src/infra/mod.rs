//! What gets deployed where: the units a landing zone is deployed as
//! (CloudFormation stacks, Terraform root modules), what each creates and
//! uses, the deploy order derived from that, the preconditions AWS documents
//! (trusted access, delegated administrators, creations one at a time) as
//! tables with their sources, and the layout of the generated files
//! (template paths, parameter names, placeholders, state keys).
//!
//! The model says what the landing zone is; this module says how it is
//! deployed. Rendering reads both.

pub mod layout;
pub mod order;
pub mod policy;
pub mod preconditions;
pub mod stacks;
pub mod terraform;

pub use layout::{AccountIds, ArtifactStore};
pub use stacks::{
    OrganizationStep, Parameter, Placeholder, Stack, StackKind, StackOutput, StackSetTargets,
};
pub use terraform::TerraformRoot;

use crate::model::LandingZone;

/// Everything a landing zone is deployed as, derived from the model.
#[derive(Debug, Clone)]
pub struct Units {
    /// Each account's identifiers in the generated files, in `lz.accounts` order.
    pub account_ids: Vec<AccountIds>,
    /// One artifact store (key and bucket) per region, home region first.
    pub artifact_stores: Vec<ArtifactStore>,
    /// Every CloudFormation stack, in deployment order.
    pub stacks: Vec<Stack>,
    /// Values only known once something is deployed, and where they come from.
    pub placeholders: Vec<Placeholder>,
    /// The Terraform root modules, in the order they are applied.
    pub terraform_roots: Vec<TerraformRoot>,
    /// The IAM policies built as data, written into both flavours.
    pub policies: policy::Policies,
}

impl Units {
    pub fn derive(lz: &LandingZone) -> Units {
        Units::derive_by_url(lz, &std::collections::BTreeSet::new())
    }

    /// The units, with the stacks of the templates in `by_url` deployed
    /// from a template bucket (created first) instead of inline.
    pub fn derive_by_url(lz: &LandingZone, by_url: &std::collections::BTreeSet<String>) -> Units {
        let (stacks, placeholders) = stacks::derive(lz, by_url);
        Units {
            account_ids: layout::account_ids(lz),
            artifact_stores: layout::artifact_stores(lz),
            stacks,
            placeholders,
            terraform_roots: terraform::derive(lz),
            policies: policy::Policies::derive(lz),
        }
    }
}
