//! `lzgen new` on a terminal: the wizard, the summary, and the choice to
//! write, go back to an answer, or stop.

use super::{Report, generate, read_file, resolve_inputs, sources, summary, write_and_report};
use crate::Resolved;
use crate::cli::Inputs;
use crate::config;
use crate::error::Error;
use serde_json::json;
use std::path::{Path, PathBuf};

/// On a terminal: the wizard completes the answers (the given ones, over the
/// default preset), shows a summary, and asks before writing. A complete
/// `--config` needs no questions.
pub(super) fn new_interactive(
    dir: &Path,
    inputs: &Inputs,
    force: bool,
    prompter: &mut dyn crate::wizard::Prompter,
) -> Result<Report, Error> {
    if inputs.config.is_some()
        && let Ok(resolved) = resolve_inputs(inputs)
    {
        let files = generate(inputs, dir, &resolved)?;
        let write = format!("Write to {}", dir.display());
        return match menu(&write, &resolved, &files, false, prompter)? {
            Next::Write => write_after_summary(dir, &resolved, &files, force),
            Next::Change | Next::Stop => Ok(nothing_written()),
        };
    }
    let mut start = sources(inputs);
    start.yes = true;
    let layered =
        config::layer(&start, read_file, crate::model::defaults::fit).map_err(Error::Invalid)?;
    let (answers, problems) = config::answers_from_value(layered.doc);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let write = format!("Write to {}", dir.display());
    let render = |resolved: &Resolved| generate(inputs, dir, resolved);
    match interview(answers, &write, prompter, render)? {
        Some((resolved, files)) => write_after_summary(dir, &resolved, &files, force),
        None => Ok(nothing_written()),
    }
}

/// The wizard from `answers`, then the summary of what `render` makes of
/// them, until the person chooses `write` (the resolved answers and their
/// files) or to stop (None). Changing an answer goes back to it.
pub(super) fn interview(
    answers: crate::config::Answers,
    write: &str,
    prompter: &mut dyn crate::wizard::Prompter,
    render: impl Fn(&Resolved) -> Result<Vec<crate::render::RenderedFile>, Error>,
) -> Result<Option<(Resolved, Vec<crate::render::RenderedFile>)>, Error> {
    let mut wizard = crate::wizard::Wizard::new(answers);
    let mut asked = wizard.ask(prompter, None).map_err(wizard_error)?;
    loop {
        let answers = wizard.answers().clone();
        let (zone, warnings) = crate::model::build(&answers).map_err(Error::Invalid)?;
        let resolved = Resolved {
            answers,
            units: crate::infra::Units::derive(&zone),
            zone,
            warnings,
            defaulted: Vec::new(),
        };
        let files = render(&resolved)?;
        match menu(write, &resolved, &files, true, prompter)? {
            Next::Write => return Ok(Some((resolved, files))),
            Next::Stop => return Ok(None),
            Next::Change => {
                // Back to one question; every other answer stays.
                let questions = crate::wizard::changeable(&asked);
                let labels: Vec<String> = questions
                    .iter()
                    .map(|q| format!("{}: {}", q.prompt, q.answer))
                    .collect();
                let i = prompter
                    .choose("change", "Change which answer?", &labels)
                    .map_err(wizard_error)?;
                asked = wizard
                    .ask(prompter, Some(&questions[i].key))
                    .map_err(wizard_error)?;
            }
        }
    }
}

/// What the person chose at the summary.
enum Next {
    Write,
    Change,
    Stop,
}

/// Shows the warnings and the summary, and asks what next: write, go back
/// to an answer (when the wizard asked any), or stop.
fn menu(
    write: &str,
    resolved: &Resolved,
    files: &[crate::render::RenderedFile],
    can_change: bool,
    prompter: &mut dyn crate::wizard::Prompter,
) -> Result<Next, Error> {
    for warning in &resolved.warnings {
        prompter.warn(&format!("warning: {warning}"));
    }
    prompter.show(&summary::before_writing(&resolved.zone, files));
    let mut items = vec![(Next::Write, write.to_string())];
    if can_change {
        items.push((
            Next::Change,
            "Change an answer (the others are kept)".to_string(),
        ));
    }
    items.push((Next::Stop, "Stop without writing anything".to_string()));
    let labels: Vec<String> = items.iter().map(|(_, l)| l.clone()).collect();
    let i = prompter
        .select("write", "What next?", &labels, 0)
        .map_err(wizard_error)?;
    Ok(items.swap_remove(i).0)
}

pub(super) fn nothing_written() -> Report {
    let mut report = Report {
        text: "Nothing was written.\n".into(),
        ..Report::default()
    };
    report.json.insert("written".into(), json!(false));
    report
}

fn write_after_summary(
    dir: &Path,
    resolved: &Resolved,
    files: &[crate::render::RenderedFile],
    force: bool,
) -> Result<Report, Error> {
    let mut report = write_and_report(dir, resolved, files, force)?;
    // The warnings were shown before the summary.
    report.warnings.clear();
    Ok(report)
}

fn wizard_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::Interrupted {
        Error::Interrupted
    } else {
        Error::Io {
            path: PathBuf::from("<terminal>"),
            source: e,
        }
    }
}
