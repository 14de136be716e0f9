//! lzgen: answers → validated model → blueprints → verified, atomic output.
//!
//! Each step is one module, and data only goes forward:
//! `config` (what the user wrote) → `model` (validated, derived) → `render`
//! (blueprints into files, in memory) → `verify` (parse every file back) →
//! `output` (the only module that writes).

pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod infra;
pub mod model;
pub mod output;
pub mod problem;
pub mod quotas;
pub mod render;
pub mod state;
pub mod text;
pub mod verify;
pub mod wizard;
pub(crate) mod yaml;

use config::{Answers, Sources};
use error::Error;
use model::LandingZone;
use problem::{Problem, Warning};
use render::{Blueprints, RenderedFile};
use std::path::Path;

/// Validated answers and the landing zone they describe.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub answers: Answers,
    pub zone: LandingZone,
    /// How the zone is deployed: stacks, Terraform roots, file layout.
    pub units: infra::Units,
    pub warnings: Vec<Warning>,
    /// The keys not given that took a documented default, with their
    /// values (`config::Layered::defaulted`).
    pub defaulted: Vec<(String, String)>,
}

/// Layers the sources and validates them, collecting every problem.
pub fn resolve(
    sources: &Sources,
    read: impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Resolved, Error> {
    let layered = config::layer(sources, read, model::defaults::fit).map_err(Error::Invalid)?;
    let (answers, mut problems) = config::answers_from_value(layered.doc);
    match model::build(&answers) {
        Ok((zone, warnings)) if problems.is_empty() => Ok(Resolved {
            answers,
            units: infra::Units::derive(&zone),
            zone,
            warnings,
            defaulted: layered.defaulted,
        }),
        Ok(_) => Err(Error::Invalid(problems)),
        Err(more) => {
            // A key already reported as malformed is also "missing" to the
            // model: say it once.
            let reported: Vec<String> = problems.iter().map(|q| q.key.clone()).collect();
            problems.extend(more.into_iter().filter(|p| !reported.contains(&p.key)));
            if sources.yes || sources.preset.is_some() {
                removed_on_purpose(&mut problems);
            }
            Err(Error::Invalid(problems))
        }
    }
}

/// Under `--yes` or a preset every key has a value, so a missing one was
/// removed (a `null` in `--config` or `--set`): the hint says that, rather
/// than suggest the `--yes` or preset the user already gave.
fn removed_on_purpose(problems: &mut [Problem]) {
    for p in problems
        .iter_mut()
        .filter(|p| p.message == "required, but not given")
    {
        let hint = format!(
            "the preset under your answers had it, so a `null` in --config or --set removed it; give it a value with --set {}=VALUE or in --config FILE",
            p.key
        );
        *p = Problem::new(p.key.clone(), p.message.clone()).with_hint(hint);
    }
}

/// The `lzgen.yaml` written at the root of every generated repo.
pub fn answers_file(answers: &Answers) -> Result<RenderedFile, Error> {
    let body = config::to_yaml(answers).map_err(|e| Error::Bug(format!("lzgen.yaml: {e}")))?;
    let text = format!(
        "# yaml-language-server: $schema={}\n\
         # The answers this landing zone was generated from, by lzgen {}.\n\
         # To change the landing zone, edit this file, then run `lzgen update` in\n\
         # this folder: it renders again and keeps your edits to generated files.\n\
         # In CI, `lzgen check` fails when a generated file is stale or edited.\n{body}",
        state::SCHEMA,
        env!("CARGO_PKG_VERSION")
    );
    Ok(RenderedFile {
        path: "lzgen.yaml".into(),
        bytes: text.into_bytes(),
        executable: false,
    })
}

/// Renders and verifies every file of the repo, in memory, from the
/// embedded blueprints.
pub fn generate(resolved: &Resolved) -> Result<Vec<RenderedFile>, Error> {
    generate_with(resolved, &Blueprints::embedded(), None)
}

/// Renders and verifies every file of the repo, in memory, from
/// `blueprints`; `.lzgen/` records `recorded` as the user's blueprints
/// folder (relative to the repo where it can be).
///
/// With the user's own blueprints, a blueprint that does not render, or a
/// file that does not parse back, is theirs to fix: exit 2, naming the
/// folder, the blueprint and the line. With lzgen's own, it is a bug.
pub fn generate_with(
    resolved: &Resolved,
    blueprints: &Blueprints,
    recorded: Option<&str>,
) -> Result<Vec<RenderedFile>, Error> {
    let broken = |message: String| match blueprints.own_dir() {
        Some(dir) => Error::invalid(
            Problem::new("--blueprints", format!("{}: {message}", dir.display())).with_hint(
                "fix the blueprint named there, or take it out of the folder to use lzgen's own",
            ),
        ),
        None => Error::Bug(message),
    };
    let pipeline = &resolved.zone.pipeline;
    if pipeline.deploy.compute == model::Compute::Lambda
        && !["nodejs", "python"].contains(&pipeline.build.runtime.as_str())
    {
        return Err(Error::invalid(
            Problem::new(
                "pipeline.build.runtime",
                format!(
                    "expected `nodejs` or `python` for a Lambda function in lzgen {}, found `{}`",
                    env!("CARGO_PKG_VERSION"),
                    pipeline.build.runtime
                ),
            )
            .with_hint("the function starts from inline placeholder code, which Lambda accepts for Node.js and Python only"),
        ));
    }
    let render = |units: &infra::Units| {
        blueprints
            .render(&resolved.zone, units)
            .map_err(|e| broken(e.to_string()))
    };
    let mut files = render(&resolved.units)?;
    // Templates over CloudFormation's inline size are deployed from S3:
    // their stacks are marked and each of their regions gets a template
    // bucket, so everything that lists the stacks (deploy.sh, destroy.sh,
    // the README) is rendered again. The templates themselves come out the
    // same, so the second pass finds the same ones.
    let by_url = verify::templates_over_the_inline_size(&resolved.zone, &resolved.units, &files);
    let units = if by_url.is_empty() {
        None
    } else {
        let units = infra::Units::derive_by_url(&resolved.zone, &by_url);
        files = render(&units)?;
        Some(units)
    };
    let units = units.as_ref().unwrap_or(&resolved.units);
    files.push(answers_file(&resolved.answers)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // `.lzgen/` (the render as written, the base of `lzgen update`) is
    // made on a core of its own while the files are checked, and dropped if
    // a check fails.
    let (state, checked) = std::thread::scope(|scope| {
        let state = scope.spawn(|| state::Pristine::of(&files, recorded).files());
        let checked = check(
            resolved,
            units,
            &files,
            &broken,
            blueprints.own_dir().is_some(),
        );
        (state.join(), checked)
    });
    checked?;
    let state = state
        .map_err(|_| {
            Error::Bug(format!(
                "{}: the thread writing it panicked",
                state::PRISTINE
            ))
        })?
        .map_err(|e| Error::Bug(format!("{}: {e}", state::PRISTINE)))?;
    files.extend(state);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Reads every file once, for the quotas and for every check after: a
/// quota reached is the user's to fix (exit 2); a file that does not parse
/// back is lzgen's bug, or the user's own blueprint's.
fn check(
    resolved: &Resolved,
    units: &infra::Units,
    files: &[RenderedFile],
    broken: &dyn Fn(String) -> Error,
    own_blueprints: bool,
) -> Result<(), Error> {
    let summaries = verify::summarize_all(&resolved.zone, units, files);
    let mut too_large = verify::scp_quota_problems(&resolved.zone, files);
    too_large.extend(verify::policy_quota_problems(&resolved.zone, units));
    too_large.extend(verify::stack_quota_problems(
        &resolved.zone,
        units,
        files,
        &summaries,
    ));
    if !too_large.is_empty() {
        return Err(Error::Invalid(too_large));
    }
    let defects = verify::verify_summarized(&resolved.zone, units, files, summaries);
    if !defects.is_empty() {
        let lines: Vec<String> = defects.iter().map(|d| format!("  {d}")).collect();
        let intro = if own_blueprints {
            "a file rendered from these blueprints does not parse back:\n"
        } else {
            ""
        };
        return Err(broken(format!("{intro}{}", lines.join("\n"))));
    }
    Ok(())
}
