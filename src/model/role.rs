//! An account role, in one place: its name in `lzgen.yaml`, how many
//! accounts may hold it, and what an account holding it is for (the line
//! the generated README gives each account).

use serde::Serialize;

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
