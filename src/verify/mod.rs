//! Every rendered file is parsed back in its own format before anything is
//! written. A failure here is a bug in lzgen (or in an ejected blueprint),
//! never in the user's answers, and nothing is written.

use crate::infra::{Stack, Units};
use crate::model::LandingZone;
use crate::problem::Problem;
use crate::render::RenderedFile;
use serde_yaml::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Checks every file; returns every defect found.
pub fn verify(lz: &LandingZone, units: &Units, files: &[RenderedFile]) -> Vec<Defect> {
    let mut defects = Vec::new();
    for file in files {
        let defect = |message: String| Defect {
            path: file.path.clone(),
            message,
        };
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            defects.push(defect("not UTF-8".into()));
            continue;
        };
        if !text.ends_with('\n') {
            defects.push(defect("does not end with a newline".into()));
        }
        let ext = file.path.rsplit('.').next().unwrap_or_default();
        match ext {
            "yaml" | "yml" => {
                // serde_yaml keeps CloudFormation's short tags (!Sub, !Ref,
                // !GetAtt...) as tagged values, so they parse as they are.
                if let Err(e) = serde_yaml::from_str::<Value>(text) {
                    defects.push(defect(format!("YAML does not parse: {e}")));
                }
            }
            "json" => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                    defects.push(defect(format!("JSON does not parse: {e}")));
                }
            }
            "tf" => {
                if let Err(e) = hcl::parse(text) {
                    defects.push(defect(format!("HCL does not parse: {e}")));
                }
            }
            "sh" => {
                if let Err(e) = crate::render::shell_check::check(text) {
                    defects.push(defect(format!("shell does not parse: {e}")));
                }
            }
            _ => {}
        }
    }
    if lz.organization.iac.cloudformation() {
        defects.extend(parameters_match_templates(&units.stacks, files));
        defects.extend(prod_roles_outside_the_guardrail(lz, &units.stacks, files));
        defects.extend(
            deploy_order_problems(lz, &units.stacks)
                .into_iter()
                .map(|message| Defect {
                    path: "scripts/deploy.sh".into(),
                    message,
                }),
        );
    }
    // The typed policies first, as built; then every policy as written, in
    // both flavours.
    for (name, policy) in units.policies.all() {
        defects.extend(policy.problems().into_iter().map(|message| Defect {
            path: format!("the {name} policy"),
            message,
        }));
    }
    defects.extend(policy_invariants(files));
    defects
}

mod deploy;
mod policy;
mod terraform;

pub use deploy::*;
pub use policy::*;
