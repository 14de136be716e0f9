//! Every rendered file is parsed back in its own format before anything is
//! written. A failure here is a bug in lzgen (or in an ejected blueprint),
//! never in the user's answers, and nothing is written.

use crate::infra::{Stack, Units};
use crate::model::LandingZone;
use crate::problem::Problem;
use crate::render::RenderedFile;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};

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

/// One rendered file, parsed once in its own format for every check.
#[derive(Debug)]
pub(crate) struct Parsed<'f> {
    pub file: &'f RenderedFile,
    pub doc: Doc,
}

/// A file's parsed content. JSON is held as YAML's value model (JSON is
/// YAML), so one walk serves policies in both.
#[derive(Debug)]
pub(crate) enum Doc {
    Yaml(Value),
    Hcl(hcl::Body),
    /// Not a format lzgen parses, or a file that failed to parse.
    None,
}

/// Parses every file in its format, on every core, and reports each one
/// that does not parse or does not end with a newline.
pub(crate) fn parse_all(files: &[RenderedFile]) -> (Vec<Parsed<'_>>, Vec<Defect>) {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(files.len().max(1));
    let mut results: Vec<(usize, Parsed<'_>, Option<Defect>, Option<Defect>)> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    scope.spawn(move || {
                        files
                            .iter()
                            .enumerate()
                            .skip(t)
                            .step_by(threads)
                            .map(|(i, file)| {
                                let (doc, broken, newline) = parse_one(file);
                                (i, Parsed { file, doc }, broken, newline)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
    results.sort_by_key(|(i, ..)| *i);
    let mut defects = Vec::new();
    let mut parsed = Vec::with_capacity(results.len());
    for (_, doc, broken, newline) in results {
        defects.extend(newline);
        defects.extend(broken);
        parsed.push(doc);
    }
    (parsed, defects)
}

/// One file's document, the defect that kept it from parsing, and whether
/// it lacks a final newline.
fn parse_one(file: &RenderedFile) -> (Doc, Option<Defect>, Option<Defect>) {
    let defect = |message: String| Defect {
        path: file.path.clone(),
        message,
    };
    let Ok(text) = std::str::from_utf8(&file.bytes) else {
        return (Doc::None, Some(defect("not UTF-8".into())), None);
    };
    let newline = (!text.ends_with('\n')).then(|| defect("does not end with a newline".into()));
    let ext = file.path.rsplit('.').next().unwrap_or_default();
    let (doc, broken) = match ext {
        // serde_yaml keeps CloudFormation's short tags (!Sub, !Ref,
        // !GetAtt...) as tagged values, so they parse as they are.
        "yaml" | "yml" => match serde_yaml::from_str::<Value>(text) {
            Ok(doc) => (Doc::Yaml(doc), None),
            Err(e) => (Doc::None, Some(format!("YAML does not parse: {e}"))),
        },
        "json" => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => (
                serde_yaml::to_value(json).map_or(Doc::None, Doc::Yaml),
                None,
            ),
            Err(e) => (Doc::None, Some(format!("JSON does not parse: {e}"))),
        },
        "tf" => match hcl::parse(text) {
            Ok(body) => (Doc::Hcl(body), None),
            Err(e) => (Doc::None, Some(format!("HCL does not parse: {e}"))),
        },
        "sh" => (
            Doc::None,
            crate::render::shell_check::check(text)
                .err()
                .map(|e| format!("shell does not parse: {e}")),
        ),
        _ => (Doc::None, None),
    };
    (doc, broken.map(defect), newline)
}

/// Checks every file; returns every defect found.
pub fn verify(lz: &LandingZone, units: &Units, files: &[RenderedFile]) -> Vec<Defect> {
    let (parsed, defects) = parse_all(files);
    verify_parsed(lz, units, &parsed, defects)
}

/// `verify` on files already parsed, adding to the defects `parse_all` found.
pub(crate) fn verify_parsed(
    lz: &LandingZone,
    units: &Units,
    parsed: &[Parsed<'_>],
    mut defects: Vec<Defect>,
) -> Vec<Defect> {
    if lz.organization.iac.cloudformation() {
        defects.extend(parameters_match_templates(&units.stacks, parsed));
        defects.extend(prod_roles_outside_the_guardrail_of(
            lz,
            &units.stacks,
            parsed,
        ));
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
    defects.extend(policy_invariants_of(parsed));
    defects
}

mod deploy;
mod policy;
mod quotas;
mod terraform;

pub use deploy::*;
pub use policy::*;
pub(crate) use quotas::{policy_quota_problems, stack_quota_problems};
