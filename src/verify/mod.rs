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

/// Parses every file in its format and reports each one that does not
/// parse or does not end with a newline: for the checks callers run on a
/// whole output at once (`policy_invariants`, `policy_documents`). `lzgen`
/// itself reads files through `summarize_all`, on every core.
pub(crate) fn parse_all(files: &[RenderedFile]) -> (Vec<Parsed<'_>>, Vec<Defect>) {
    let mut defects = Vec::new();
    let parsed = files
        .iter()
        .map(|file| {
            let (doc, broken, newline) = parse_one(file);
            defects.extend(newline);
            defects.extend(broken);
            Parsed { file, doc }
        })
        .collect();
    (parsed, defects)
}

/// One file's document, the defect that kept it from parsing, and whether
/// it lacks a final newline.
fn parse_one(file: &RenderedFile) -> (Doc, Option<Defect>, Option<Defect>) {
    let defect = |message: String| Defect {
        path: file.path.clone(),
        message,
    };
    // lzgen's own state (`.lzgen/`) is a compressed copy of the files
    // checked here.
    if crate::state::is_state(&file.path) {
        return (Doc::None, None, None);
    }
    let Ok(text) = std::str::from_utf8(&file.bytes) else {
        return (Doc::None, Some(defect("not UTF-8".into())), None);
    };
    let newline = (!text.ends_with('\n')).then(|| defect("does not end with a newline".into()));
    let ext = file.path.rsplit('.').next().unwrap_or_default();
    let (doc, broken) = match ext {
        // serde_yaml keeps CloudFormation's short tags (!Sub, !Ref,
        // !GetAtt...) as tagged values, so they parse as they are.
        "yaml" | "yml" => match crate::yaml::read(text) {
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

/// What the checks keep of one file once it has been read: its own
/// defects, and the few facts the checks across files need. The parsed
/// document itself is dropped, so memory follows the output's size, not
/// the (several times larger) size of every document parsed at once.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub defects: Vec<Defect>,
    /// For a YAML document: how many resources, parameters and outputs it
    /// declares.
    pub sections: Option<[usize; 3]>,
    /// For a YAML document: the parameters it declares; for a JSON list of
    /// `ParameterKey`s (a parameters file): the parameters it gives.
    pub declared: BTreeSet<String>,
    pub given: BTreeSet<String>,
}

/// Reads every file once, on every core, and checks what can be checked
/// of it alone: that it parses and ends with a newline, least privilege
/// on each policy it holds, and roles in Prod accounts against the prod
/// guardrail.
pub(crate) fn summarize_all(
    lz: &LandingZone,
    units: &Units,
    files: &[RenderedFile],
) -> Vec<Summary> {
    let prod = ProdRoles::new(lz, &units.stacks);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(files.len().max(1));
    let mut results: Vec<(usize, Summary)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let prod = &prod;
                scope.spawn(move || {
                    files
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, file)| (i, summarize(prod, file)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, s)| s).collect()
}

fn summarize(prod: &ProdRoles<'_>, file: &RenderedFile) -> Summary {
    let (doc, broken, newline) = parse_one(file);
    let parsed = Parsed { file, doc };
    let one = std::slice::from_ref(&parsed);
    let mut summary = Summary::default();
    summary.defects.extend(newline);
    summary.defects.extend(broken);
    summary.defects.extend(policy_invariants_of(one));
    summary.defects.extend(prod.check(&parsed));
    if let Doc::Yaml(doc) = &parsed.doc {
        let section = |name: &str| doc.get(name).and_then(Value::as_mapping);
        let count = |name: &str| section(name).map_or(0, serde_yaml::Mapping::len);
        summary.sections = Some([count("Resources"), count("Parameters"), count("Outputs")]);
        summary.declared = section("Parameters")
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if let Value::Sequence(items) = doc {
            summary.given = items
                .iter()
                .filter_map(|p| {
                    p.get("ParameterKey")
                        .and_then(Value::as_str)
                        .map(String::from)
                })
                .collect();
        }
    }
    summary
}

/// Checks every file; returns every defect found.
pub fn verify(lz: &LandingZone, units: &Units, files: &[RenderedFile]) -> Vec<Defect> {
    let summaries = summarize_all(lz, units, files);
    verify_summarized(lz, units, files, summaries)
}

/// `verify` on files already read (`summarize_all`).
pub(crate) fn verify_summarized(
    lz: &LandingZone,
    units: &Units,
    files: &[RenderedFile],
    summaries: Vec<Summary>,
) -> Vec<Defect> {
    let mut defects = Vec::new();
    if lz.organization.iac.cloudformation() {
        defects.extend(parameters_match_templates(&units.stacks, files, &summaries));
        defects.extend(
            deploy_order_problems(lz, &units.stacks)
                .into_iter()
                .map(|message| Defect {
                    path: "scripts/deploy.sh".into(),
                    message,
                }),
        );
    }
    // Each file's own defects, in the order of the files.
    let mut own: Vec<Defect> = summaries.into_iter().flat_map(|s| s.defects).collect();
    // The typed policies first, as built; then every policy as written, in
    // both flavours.
    for (name, policy) in units.policies.all() {
        defects.extend(policy.problems().into_iter().map(|message| Defect {
            path: format!("the {name} policy"),
            message,
        }));
    }
    own.extend(defects);
    own
}

mod deploy;
mod policy;
mod quotas;
mod terraform;

pub use deploy::*;
pub use policy::*;
pub(crate) use quotas::{
    policy_quota_problems, stack_quota_problems, templates_over_the_inline_size,
};
