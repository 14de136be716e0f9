//! How an account is named in the generated files, as opposed to in AWS: the
//! CloudFormation parameter that carries its ID, the environment variable
//! the scripts and the build read it from, and the value written in before
//! deployment (the ID when `lzgen.yaml` gives it, else a placeholder the
//! deploy script fills in). The model knows the account; this is layout.

use crate::model::{Account, LandingZone};
use serde::Serialize;

/// One account's identifiers in the generated files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountIds {
    /// The template parameter that carries this account's ID: `LogArchiveAccountId`.
    pub id_parameter: String,
    /// The value for that parameter: the ID when known, else a placeholder.
    pub id_value: String,
    /// The environment variable that carries this account's ID in the deploy
    /// script and in the build: `ACCOUNT_ID_DEV`.
    pub id_env: String,
}

impl AccountIds {
    pub fn of(account: &Account) -> AccountIds {
        let id_env = id_env(&account.name);
        AccountIds {
            id_parameter: format!("{}AccountId", account.logical_id),
            id_value: match &account.id {
                Some(id) => id.clone(),
                None => placeholder(&id_env),
            },
            id_env,
        }
    }
}

/// The template parameter that carries the named account's ID; empty for
/// a name the zone does not have (validation makes that impossible).
pub fn id_parameter_of(lz: &LandingZone, name: &str) -> String {
    lz.account(name)
        .map(|a| AccountIds::of(a).id_parameter)
        .unwrap_or_default()
}

/// Every account's identifiers, in `lz.accounts` order.
pub fn account_ids(lz: &LandingZone) -> Vec<AccountIds> {
    lz.accounts.iter().map(AccountIds::of).collect()
}

/// `${NAME}`: a value the deploy script substitutes.
pub fn placeholder(name: &str) -> String {
    format!("${{{name}}}")
}

/// The environment variable holding an account's ID: `ACCOUNT_ID_DEV_EU`.
pub fn id_env(account_name: &str) -> String {
    format!(
        "ACCOUNT_ID_{}",
        account_name.to_uppercase().replace('-', "_")
    )
}

/// The template parameter for a region's artifact key: `ArtifactKeyArnUsEast1`.
pub fn key_parameter(region: &str) -> String {
    format!("ArtifactKeyArn{}", crate::model::ident::pascal(region))
}

/// The placeholder the artifact stack of `region` fills with its key's ARN.
pub fn key_placeholder(region: &str) -> String {
    format!(
        "ARTIFACT_KEY_ARN_{}",
        region.to_uppercase().replace('-', "_")
    )
}

/// The artifact account's key and bucket in one region.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactStore {
    pub region: String,
    pub home: bool,
    /// The template parameter that carries this region's key ARN.
    pub key_parameter: String,
}

/// One artifact store per region, the home region first.
pub fn artifact_stores(lz: &LandingZone) -> Vec<ArtifactStore> {
    let org = &lz.organization;
    std::iter::once(&org.home_region)
        .chain(org.other_regions.iter())
        .map(|region| ArtifactStore {
            home: *region == org.home_region,
            key_parameter: key_parameter(region),
            region: region.clone(),
        })
        .collect()
}

/// Where a guardrail's JSON document is written: `policies/scp/deny-root-user.json`.
pub fn scp_file(kind: &str) -> String {
    format!("policies/scp/{kind}.json")
}
