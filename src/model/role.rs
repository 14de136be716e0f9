//! An account role, in one place: its name in `lzgen.yaml`, how many
//! accounts may hold it, and what an account holding it is for (the line
//! the generated README gives each account).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    LogArchive,
    Security,
    Tooling,
    Artifact,
    Workload,
}

/// How many accounts of the organization hold a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holders {
    /// A central account the landing zone cannot do without.
    ExactlyOne,
    /// A central account that may be left out (its duties then fall to
    /// another: the security services to the log-archive account).
    AtMostOne,
    /// Where the application runs: one account or many.
    AtLeastOne,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::LogArchive,
        Role::Security,
        Role::Tooling,
        Role::Artifact,
        Role::Workload,
    ];

    pub const NAMES: &'static [&'static str] =
        &["log-archive", "security", "tooling", "artifact", "workload"];

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }

    pub fn name(self) -> &'static str {
        Role::NAMES[self as usize]
    }

    pub fn holders(self) -> Holders {
        match self {
            Role::LogArchive | Role::Tooling | Role::Artifact => Holders::ExactlyOne,
            Role::Security => Holders::AtMostOne,
            Role::Workload => Holders::AtLeastOne,
        }
    }

    /// What an account holding this role is for, as a clause of the
    /// sentence the generated README writes about each account.
    pub fn purpose(self) -> &'static str {
        match self {
            Role::LogArchive => {
                "keeps the organization's audit logs (trail, AWS Config, GuardDuty findings, CloudWatch Logs) in one central, encrypted bucket, where only OrganizationAccountAccessRole can delete them"
            }
            Role::Security => {
                "is the organization's administrator for the security services that are switched on (see Security and compliance)"
            }
            Role::Tooling => {
                "runs the delivery pipeline and the daily drift check; no application runs here"
            }
            Role::Artifact => {
                "stores build artifacts and container images, encrypted with its own KMS keys"
            }
            Role::Workload => "runs the application, deployed only by the pipeline",
        }
    }
}

/// Which accounts hold each role, in `lzgen.yaml` order. Validation
/// (`Role::holders`) makes sure each role has as many as it must, so the
/// accessors of the central roles always find one.
#[derive(Debug, Clone, Default)]
pub struct RoleHolders(BTreeMap<Role, Vec<String>>);

impl RoleHolders {
    pub fn new(held: BTreeMap<Role, Vec<String>>) -> RoleHolders {
        RoleHolders(held)
    }

    /// Every account holding `role`.
    pub fn of(&self, role: Role) -> &[String] {
        self.0.get(&role).map(Vec::as_slice).unwrap_or_default()
    }

    /// The account holding a central role, if one does.
    pub fn one(&self, role: Role) -> Option<&str> {
        self.of(role).first().map(String::as_str)
    }

    pub fn tooling(&self) -> &str {
        self.one(Role::Tooling).unwrap_or_default()
    }

    pub fn artifact(&self) -> &str {
        self.one(Role::Artifact).unwrap_or_default()
    }

    pub fn log_archive(&self) -> &str {
        self.one(Role::LogArchive).unwrap_or_default()
    }

    /// The security account, when the organization has one.
    pub fn security(&self) -> Option<&str> {
        self.one(Role::Security)
    }

    pub fn workloads(&self) -> &[String] {
        self.of(Role::Workload)
    }
}

/// For the blueprints: `lz.holders.log_archive()` is the account's name (or
/// null), `lz.holders.workload` the list, as each role's count says.
impl Serialize for RoleHolders {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Role::ALL.len()))?;
        for role in Role::ALL {
            let key = role.name().replace('-', "_");
            match role.holders() {
                Holders::AtLeastOne => map.serialize_entry(&key, self.of(role))?,
                Holders::ExactlyOne | Holders::AtMostOne => {
                    map.serialize_entry(&key, &self.one(role))?
                }
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_the_order_of_all() {
        for (i, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(role as usize, i);
            assert_eq!(Role::parse(role.name()), Some(role));
            assert_eq!(
                serde_json::to_value(role)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from)),
                Some(role.name().to_string())
            );
            assert!(!role.purpose().is_empty());
        }
        assert_eq!(Role::NAMES.len(), Role::ALL.len());
        assert_eq!(Role::parse("billing"), None);
    }
}
