//! `lzgen blueprints list|eject`, and the `--blueprints DIR` every
//! rendering command takes: a user's own blueprints over lzgen's.

use super::Report;
use crate::error::Error;
use crate::output;
use crate::problem::Problem;
use crate::render::{Blueprints, RenderedFile, overrides};
use serde_json::json;
use std::path::{Component, Path, PathBuf};

/// The blueprint set to render with: lzgen's, or with the folder `dir`
/// over it; and how `.lzgen/` in the repo at `repo` records that folder
/// (relative to the repo where it can be).
pub(super) fn load(dir: Option<&Path>, repo: &Path) -> Result<(Blueprints, Option<String>), Error> {
    let Some(dir) = dir else {
        return Ok((Blueprints::embedded(), None));
    };
    let own = overrides::read(dir).map_err(|e| {
        Error::invalid(
            Problem::new(
                "--blueprints",
                format!("{}: {}", e.path.display(), e.message),
            )
            .with_hint("`lzgen blueprints eject DIR` writes lzgen's blueprints out to start from"),
        )
    })?;
    let recorded = relative_to(repo, dir);
    Ok((Blueprints::with_overrides(own), Some(recorded)))
}

/// The blueprints folder `.lzgen/` recorded, found again from the repo.
pub(super) fn recorded(repo: &Path, recorded: &str) -> Result<Blueprints, Error> {
    let dir = repo.join(recorded);
    let own = overrides::read(&dir).map_err(|e| {
        Error::invalid(
            Problem::new(
                "--blueprints",
                format!(
                    "the repo was rendered with the blueprints in `{recorded}` (.lzgen/ records it), and {}: {}",
                    e.path.display(),
                    e.message
                ),
            )
            .with_hint("restore that folder, or pass --blueprints DIR to render with another"),
        )
    })?;
    Ok(Blueprints::with_overrides(own))
}

/// `dir` as seen from `repo`: `../my-blueprints`, or an absolute path when
/// the two share nothing but the root.
fn relative_to(repo: &Path, dir: &Path) -> String {
    let absolute = |p: &Path| -> PathBuf {
        if let Ok(real) = p.canonicalize() {
            return real;
        }
        // A repo not written yet: its parent, made real, and its name.
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => {
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                parent
                    .canonicalize()
                    .map(|real| real.join(name))
                    .unwrap_or_else(|_| p.to_path_buf())
            }
            _ => p.to_path_buf(),
        }
    };
    let (repo, dir) = (absolute(repo), absolute(dir));
    let repo_parts: Vec<Component> = repo.components().collect();
    let dir_parts: Vec<Component> = dir.components().collect();
    let shared = repo_parts
        .iter()
        .zip(&dir_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if shared <= 1 {
        return dir.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_string(); repo_parts.len() - shared];
    parts.extend(
        dir_parts[shared..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `lzgen blueprints list`.
pub(super) fn list() -> Result<Report, Error> {
    let listed = Blueprints::embedded()
        .list()
        .map_err(|e| Error::Bug(e.to_string()))?;
    let width = listed.iter().map(|l| l.blueprint.len()).max().unwrap_or(0);
    let mut text = String::new();
    for item in &listed {
        text.push_str(&format!(
            "{:width$}  {}\n{:width$}    {}\n",
            item.blueprint, item.renders, "", item.when
        ));
    }
    text.push_str(
        "\n`lzgen blueprints eject DIR [NAME...]` writes them out to edit; `--blueprints DIR` renders with them.\n",
    );
    let mut report = Report {
        text,
        ..Report::default()
    };
    report.json.insert("blueprints".into(), json!(listed));
    Ok(report)
}

/// `lzgen blueprints eject DIR [NAME...]`: the named blueprints (a name or
/// a folder of them; all when none is named) written into DIR, a missing or
/// empty folder, all or nothing.
pub(super) fn eject(dir: &Path, names: &[String]) -> Result<Report, Error> {
    let set = Blueprints::embedded();
    let all: Vec<&str> = set.names().collect();
    let mut chosen: Vec<&str> = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let name = name.trim_end_matches('/');
        let matches: Vec<&str> = all
            .iter()
            .copied()
            .filter(|b| {
                *b == name
                    || b.strip_suffix(".hbs") == Some(name)
                    || b.starts_with(&format!("{name}/"))
            })
            .collect();
        if matches.is_empty() {
            problems.push(
                Problem::new(
                    "NAME",
                    format!("expected a blueprint or a folder of them, found `{name}`"),
                )
                .with_hint("`lzgen blueprints list` names every blueprint"),
            );
        }
        chosen.extend(matches);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    if names.is_empty() {
        chosen = all;
    }
    chosen.sort_unstable();
    chosen.dedup();
    let files: Vec<RenderedFile> = chosen
        .iter()
        .map(|name| RenderedFile {
            path: (*name).to_string(),
            bytes: set.text(name).unwrap_or_default().as_bytes().to_vec(),
            executable: false,
        })
        .collect();
    // Into a new folder only: an ejected blueprint never replaces one the
    // user may have edited.
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(Error::invalid(
            Problem::new(
                "DIR",
                format!(
                    "expected a missing or empty folder for the blueprints, found {} with files in it",
                    dir.display()
                ),
            )
            .with_hint("eject into a new folder and copy over the files you want"),
        ));
    }
    let written = output::write_repo(dir, &files, false)?;
    let mut report = Report {
        text: format!(
            "Wrote {} blueprint(s) ({} bytes) to {}.\n\
             Edit them, delete the ones you keep as lzgen's, and render with\n  \
             lzgen new my-lz --blueprints {}\n",
            written.files,
            written.bytes,
            dir.display(),
            dir.display()
        ),
        ..Report::default()
    };
    report
        .json
        .insert("target".into(), json!(dir.display().to_string()));
    report.json.insert("blueprints".into(), json!(chosen));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_recorded_relative_to_the_repo() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        std::fs::create_dir_all(root.join("bp")).expect("mkdir");
        std::fs::create_dir_all(root.join("repo/own")).expect("mkdir");
        assert_eq!(relative_to(&root.join("repo"), &root.join("bp")), "../bp");
        assert_eq!(
            relative_to(&root.join("repo"), &root.join("repo/own")),
            "own"
        );
        // A repo not written yet.
        assert_eq!(relative_to(&root.join("new"), &root.join("bp")), "../bp");
    }
}
