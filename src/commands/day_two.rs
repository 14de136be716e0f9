//! Day two: a generated repo rendered again from its own `lzgen.yaml`, and
//! compared with what is there (`check`), merged into it (`update`), or
//! guarded against an overwrite that would lose an edit (`new --force`).
//!
//! Every comparison has three sides: the repo as it is (`ours`), the new
//! render (`theirs`), and the last render as lzgen wrote it, kept in
//! `.lzgen/` (`base`). A file whose repo copy equals its base was not
//! edited; one that differs was.

use super::Report;
use crate::error::Error;
use crate::problem::Problem;
use crate::render::RenderedFile;
use crate::state::{self, Pristine};
use crate::{Resolved, config, generate_with, resolve};
use serde_json::json;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// What became of one generated path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// The repo holds what lzgen renders now.
    Current,
    /// New in this render; not in the repo.
    Added,
    /// Unedited since the last render, and lzgen renders it differently now.
    Updated,
    /// Edited by hand, and lzgen renders it as before: the edit stays.
    Kept,
    /// Edited by hand and rendered differently now, on other lines: both.
    Merged,
    /// Edited by hand and rendered differently on the same lines: marked.
    Conflicted,
    /// No longer generated, and unedited: taken out.
    Removed,
    /// No longer generated, but edited by hand: left in place.
    KeptRemoved,
    /// Removed by hand; lzgen still generates it: left out.
    KeptDeleted,
    /// A file lzgen never wrote stands where it now writes one: untouched.
    Blocked,
    /// No base to compare with (no `.lzgen/`), and it differs.
    Differs,
}

impl Change {
    /// Whether `update` writes or removes the file.
    fn writes(self) -> bool {
        matches!(
            self,
            Change::Added | Change::Updated | Change::Merged | Change::Conflicted | Change::Removed
        )
    }

    fn word(self) -> &'static str {
        match self {
            Change::Current => "current",
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Kept => "kept",
            Change::Merged => "merged",
            Change::Conflicted => "conflict",
            Change::Removed => "removed",
            Change::KeptRemoved => "kept",
            Change::KeptDeleted => "kept deleted",
            Change::Blocked => "not touched",
            Change::Differs => "differs",
        }
    }

    fn why(self) -> &'static str {
        match self {
            Change::Current => "as lzgen renders it",
            Change::Added => "new in this render",
            Change::Updated => "you had not edited it; replaced by the new render",
            Change::Kept => "your edit; lzgen renders this file as before",
            Change::Merged => "your edit and lzgen's change, on different lines",
            Change::Conflicted => {
                "you and lzgen changed the same lines: resolve the <<<<<<< markers"
            }
            Change::Removed => "lzgen no longer generates it and you had not edited it",
            Change::KeptRemoved => "lzgen no longer generates it, but you edited it: yours now",
            Change::KeptDeleted => "you deleted it; lzgen still generates it",
            Change::Blocked => "a file lzgen never wrote is there; lzgen leaves it alone",
            Change::Differs => "differs from the render, and .lzgen/ has no base to tell why",
        }
    }
}

/// A repo rendered again: its answers resolved, the new render, the base.
struct Again {
    resolved: Resolved,
    render: Vec<RenderedFile>,
    base: Option<Pristine>,
}

fn usage(key: &str, message: String, hint: &str) -> Error {
    Error::invalid(Problem::new(key, message).with_hint(hint))
}

/// Reads DIR's answers (unless `given`) and pristine state and renders
/// again, with the blueprints `--blueprints` names, or else those the state
/// recorded.
fn render_again(
    dir: &Path,
    blueprints: Option<&Path>,
    given: Option<Resolved>,
) -> Result<Again, Error> {
    let answers = dir.join(state::ANSWERS);
    if !answers.is_file() {
        return Err(usage(
            "DIR",
            format!(
                "expected a repository lzgen generated, with lzgen.yaml at its top; found none in {}",
                dir.display()
            ),
            "run this inside the repository (or name it: lzgen check path/to/repo)",
        ));
    }
    let sources = config::Sources {
        config: Some(answers),
        ..config::Sources::default()
    };
    let resolved = match given {
        Some(resolved) => resolved,
        None => resolve(&sources, super::read_file)?,
    };
    let base = match fs::read(dir.join(state::PRISTINE)) {
        Ok(bytes) => Some(Pristine::decode(&bytes).map_err(|e| {
            usage(
                state::PRISTINE,
                format!("expected lzgen's state, found a file that is {e}"),
                "it is not for editing: restore it from version control",
            )
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Error::Io {
                path: dir.join(state::PRISTINE),
                source: e,
            });
        }
    };
    let recorded = base.as_ref().and_then(|b| b.blueprints.clone());
    let render = match (blueprints, recorded) {
        (Some(_), _) | (None, None) => {
            let (set, recorded) = super::blueprints::load(blueprints, dir)?;
            generate_with(&resolved, &set, recorded.as_deref())?
        }
        (None, Some(recorded)) => {
            let set = super::blueprints::recorded(dir, &recorded)?;
            generate_with(&resolved, &set, Some(&recorded))?
        }
    };
    Ok(Again {
        resolved,
        render,
        base,
    })
}

/// A file of the repo as text (`state::read_file`).
fn read_repo(dir: &Path, path: &str) -> Result<Option<String>, Error> {
    state::read_file(dir, path).map_err(|source| Error::Io {
        path: dir.join(path),
        source,
    })
}

/// One generated path, three ways.
struct Sides {
    path: String,
    ours: Option<String>,
    theirs: Option<String>,
    base: Option<String>,
}

fn sides(dir: &Path, again: &Again) -> Result<Vec<Sides>, Error> {
    let mut paths: BTreeMap<String, Option<String>> = again
        .render
        .iter()
        .filter(|f| state::is_generated(&f.path))
        .map(|f| {
            (
                f.path.clone(),
                Some(String::from_utf8_lossy(&f.bytes).into_owned()),
            )
        })
        .collect();
    if let Some(base) = &again.base {
        for path in base.files.keys() {
            paths.entry(path.clone()).or_insert(None);
        }
    }
    paths
        .into_iter()
        .map(|(path, theirs)| {
            Ok(Sides {
                ours: read_repo(dir, &path)?,
                base: again
                    .base
                    .as_ref()
                    .and_then(|b| b.files.get(&path))
                    .map(|f| f.text.clone()),
                theirs,
                path,
            })
        })
        .collect()
}

/// What `update` does with one path (and, for `check`, what state it is
/// in): the change, and the text to write, if any.
fn decide(s: &Sides, has_base: bool) -> (Change, Option<String>) {
    let (ours, theirs, base) = (s.ours.as_deref(), s.theirs.as_deref(), s.base.as_deref());
    match (ours, theirs, base) {
        (Some(o), Some(t), _) if o == t => (Change::Current, None),
        (None, Some(t), None) => (Change::Added, Some(t.to_string())),
        (None, Some(_), Some(_)) => (Change::KeptDeleted, None),
        (Some(_), Some(_), None) if has_base => (Change::Blocked, None),
        (Some(_), Some(_), None) => (Change::Differs, None),
        (Some(o), Some(t), Some(b)) if o == b => (Change::Updated, Some(t.to_string())),
        (Some(_), Some(t), Some(b)) if t == b => (Change::Kept, None),
        (Some(o), Some(t), Some(b)) => match diffy::merge(b, o, t) {
            Ok(merged) => (Change::Merged, Some(merged)),
            Err(marked) => (Change::Conflicted, Some(relabel(&marked))),
        },
        (Some(o), None, Some(b)) if o == b => (Change::Removed, None),
        (Some(_), None, _) => (Change::KeptRemoved, None),
        (None, None, _) => (Change::Current, None),
    }
}

/// diffy labels the sides `ours` and `theirs`; say whose they are.
fn relabel(marked: &str) -> String {
    marked
        .split_inclusive('\n')
        .map(|line| match line.trim_end_matches('\n') {
            "<<<<<<< ours" => "<<<<<<< yours (the repository)\n",
            ">>>>>>> theirs" => ">>>>>>> lzgen (the new render)\n",
            "||||||| original" => "||||||| the last render (.lzgen/)\n",
            _ => line,
        })
        .collect()
}

/// A unified diff from the repo's file to the render's.
fn diff(path: &str, ours: &str, theirs: &str) -> String {
    let mut options = diffy::DiffOptions::new();
    options
        .set_original_filename(format!("a/{path}"))
        .set_modified_filename(format!("b/{path}"));
    options.create_patch(ours, theirs).to_string()
}

/// `lzgen check [DIR]`: exit 0 when every generated file is as lzgen
/// renders it now, 1 (with a diff of each) when any is stale or edited.
pub(super) fn check(dir: &Path, blueprints: Option<&Path>) -> Result<Report, Error> {
    let again = render_again(dir, blueprints, None)?;
    let has_base = again.base.is_some();
    let mut listed = Vec::new();
    let mut diffs = String::new();
    for s in sides(dir, &again)? {
        let status = match (s.ours.as_deref(), s.theirs.as_deref(), s.base.as_deref()) {
            (Some(o), Some(t), _) if o == t => continue,
            (None, None, _) => continue,
            (None, Some(_), _) => "missing",
            (Some(_), None, _) => "no longer generated",
            (Some(o), Some(_), Some(b)) if o == b => "stale",
            (Some(_), Some(_), Some(_)) => "edited by hand",
            (Some(_), Some(_), None) if has_base => "not written by lzgen",
            (Some(_), Some(_), None) => "differs",
        };
        diffs.push_str(&diff(
            &s.path,
            s.ours.as_deref().unwrap_or_default(),
            s.theirs.as_deref().unwrap_or_default(),
        ));
        listed.push((s.path, status));
    }
    let mut report = Report {
        warnings: again.resolved.warnings.clone(),
        ..Report::default()
    };
    if listed.is_empty() {
        report.text = format!(
            "{}: every generated file is as lzgen {} renders it from lzgen.yaml.\n",
            dir.display(),
            env!("CARGO_PKG_VERSION")
        );
    } else {
        report.exit = 1;
        let width = listed.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
        for (path, status) in &listed {
            report.text.push_str(&format!("{status:width$}  {path}\n"));
        }
        report.text.push_str(&format!(
            "\n{} file(s) differ from the render of lzgen.yaml. \"stale\": lzgen.yaml or lzgen changed since \
             the last render, `lzgen update` brings them up to date; \"edited by hand\": someone changed a \
             generated file, `lzgen update` keeps the edit.{}\n\n{diffs}",
            listed.len(),
            if has_base {
                ""
            } else {
                " (This repository has no .lzgen/ state, so lzgen cannot tell which.)"
            }
        ));
    }
    report
        .json
        .insert("current".into(), json!(listed.is_empty()));
    report.json.insert(
        "files".into(),
        json!(
            listed
                .iter()
                .map(|(path, status)| json!({"path": path, "status": status}))
                .collect::<Vec<_>>()
        ),
    );
    report.json.insert("diff".into(), json!(diffs));
    Ok(report)
}

/// `lzgen update [DIR]`: renders again and merges into the repo.
pub(super) fn update(
    dir: &Path,
    dry_run: bool,
    blueprints: Option<&Path>,
) -> Result<Report, Error> {
    update_with(dir, dry_run, blueprints, None)
}

/// `lzgen update --ask`: the wizard over DIR's answers, its summary, then
/// the update with the new answers, lzgen.yaml among the files written.
pub(super) fn update_asking(
    dir: &Path,
    dry_run: bool,
    blueprints: Option<&Path>,
    prompter: &mut dyn crate::wizard::Prompter,
) -> Result<Report, Error> {
    let current = render_again(dir, blueprints, None)?;
    let verb = if dry_run {
        "Show what updating"
    } else {
        "Update"
    };
    let write = format!("{verb} {} with these answers", dir.display());
    let render =
        |resolved: &Resolved| Ok(render_again(dir, blueprints, Some(resolved.clone()))?.render);
    let start = current.resolved.answers;
    match super::interactive::interview(start, &write, prompter, render)? {
        Some((resolved, _)) => update_with(dir, dry_run, blueprints, Some(resolved)),
        None => Ok(super::interactive::nothing_written()),
    }
}

/// `lzgen.yaml` with the new answers: a three-way merge of the repo's
/// (with the user's comments and edits), the last render's and the new
/// one's; refused when they touch the same lines, or when the merge would
/// read back as other answers than those given.
fn merged_answers(dir: &Path, again: &Again) -> Result<RenderedFile, Error> {
    let theirs = again
        .render
        .iter()
        .find(|f| f.path == state::ANSWERS)
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .ok_or_else(|| Error::Bug("the render has no lzgen.yaml".into()))?;
    let base = again
        .base
        .as_ref()
        .map(|b| b.answers.clone())
        .unwrap_or_default();
    let ours = read_repo(dir, state::ANSWERS)?.unwrap_or_default();
    let refuse = |why: &str| {
        Error::invalid(
            Problem::new(
                state::ANSWERS,
                format!("expected to merge the new answers into lzgen.yaml, but {why}"),
            )
            .with_hint(
                "nothing was written: edit lzgen.yaml by hand and run `lzgen update` without --ask",
            ),
        )
    };
    let text = if ours == base {
        theirs
    } else {
        diffy::merge(&base, &ours, &theirs)
            .map_err(|_| refuse("your edits there and the new answers change the same lines"))?
    };
    let read_back: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|_| refuse("the merge does not parse"))?;
    let (answers, problems) = config::answers_from_value(read_back);
    if !problems.is_empty() || answers != again.resolved.answers {
        return Err(refuse(
            "the merge would read back as other answers than yours",
        ));
    }
    Ok(RenderedFile {
        path: state::ANSWERS.into(),
        bytes: text.into_bytes(),
        executable: false,
    })
}

fn update_with(
    dir: &Path,
    dry_run: bool,
    blueprints: Option<&Path>,
    asked: Option<Resolved>,
) -> Result<Report, Error> {
    let asking = asked.is_some();
    let again = render_again(dir, blueprints, asked)?;
    if again.base.is_none() {
        return Err(usage(
            state::PRISTINE,
            format!(
                "expected lzgen's record of the last render in {}, found none; without it lzgen cannot \
                 tell your edits from its own files",
                dir.display()
            ),
            "`lzgen check` shows what differs; or render into a new folder with `lzgen new` and compare",
        ));
    }
    let executable: BTreeMap<&str, bool> = again
        .render
        .iter()
        .map(|f| (f.path.as_str(), f.executable))
        .collect();
    let mut writes: Vec<RenderedFile> = Vec::new();
    let mut removes: Vec<String> = Vec::new();
    let mut changes: Vec<(String, Change)> = Vec::new();
    for s in sides(dir, &again)? {
        let (change, text) = decide(&s, true);
        if let Some(text) = text {
            writes.push(RenderedFile {
                executable: executable.get(s.path.as_str()).copied().unwrap_or(false),
                path: s.path.clone(),
                bytes: text.into_bytes(),
            });
        }
        if change == Change::Removed {
            removes.push(s.path.clone());
        }
        if change != Change::Current {
            changes.push((s.path, change));
        }
    }
    if asking && again.base.is_some() {
        let answers = merged_answers(dir, &again)?;
        if read_repo(dir, state::ANSWERS)?
            .as_deref()
            .map(str::as_bytes)
            != Some(&answers.bytes[..])
        {
            writes.push(answers);
        }
    }
    // The new render becomes the base of the next update.
    writes.extend(
        again
            .render
            .iter()
            .filter(|f| state::is_state(&f.path))
            .cloned(),
    );
    let conflicts = changes
        .iter()
        .filter(|(_, c)| matches!(c, Change::Conflicted | Change::Blocked))
        .count();
    let mut report = Report {
        warnings: again.resolved.warnings.clone(),
        exit: u8::from(conflicts > 0),
        ..Report::default()
    };
    if !dry_run {
        crate::output::update_repo(
            dir,
            &writes,
            &removes,
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )?;
    }
    // Grouped by what happened, conflicts last, where they are seen.
    let order = [
        Change::Added,
        Change::Updated,
        Change::Merged,
        Change::Removed,
        Change::Kept,
        Change::KeptRemoved,
        Change::KeptDeleted,
        Change::Blocked,
        Change::Conflicted,
    ];
    for kind in order {
        let paths: Vec<&str> = changes
            .iter()
            .filter(|(_, c)| *c == kind)
            .map(|(p, _)| p.as_str())
            .collect();
        if paths.is_empty() {
            continue;
        }
        report
            .text
            .push_str(&format!("{} ({}):\n", kind.word(), kind.why()));
        for path in paths {
            report.text.push_str(&format!("  {path}\n"));
        }
    }
    let verb = if dry_run { "would change" } else { "changed" };
    let written = changes.iter().filter(|(_, c)| c.writes()).count();
    report.text.push_str(&match (written, conflicts) {
        (0, 0) => format!(
            "{}: up to date with lzgen.yaml; nothing to change.\n",
            dir.display()
        ),
        (n, 0) if asking => format!("{n} file(s) {verb}; lzgen.yaml has the new answers, its comments kept.\n"),
        (n, 0) => format!("{n} file(s) {verb}; lzgen.yaml untouched.\n"),
        (n, c) => format!(
            "{n} file(s) {verb}; {c} need you: resolve the conflict markers (or move the file lzgen \
             left alone), then run `lzgen check`.\n"
        ),
    });
    report.json.insert("dry_run".into(), json!(dry_run));
    report.json.insert(
        "files".into(),
        json!(
            changes
                .iter()
                .map(|(path, c)| json!({"path": path, "change": c.word()}))
                .collect::<Vec<_>>()
        ),
    );
    report.json.insert("conflicts".into(), json!(conflicts));
    Ok(report)
}

#[cfg(test)]
#[path = "day_two_tests.rs"]
mod tests;
