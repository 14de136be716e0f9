//! Moving a staged repo into a folder that already exists, all or nothing.
//!
//! The staging folder beside the target holds `new/` (every generated file).
//! Before the first move, a journal is written there: each file, whether it
//! replaces one, and each folder that must be created. Each replaced file is
//! first moved to `old/`, then its new version into place. So at any instant
//! the staging folder says exactly how far the move got:
//!
//! | `new/P` | `old/P` | the target's `P` is |
//! | ------- | ------- | ------------------- |
//! | present | absent  | the user's file (or none): not moved yet |
//! | present | present | absent: the old one is set aside |
//! | absent  | either  | lzgen's new file |
//!
//! Rolling back reads that table backwards. A run that is interrupted rolls
//! back itself; a run that is killed leaves the journal, and the next lzgen
//! run beside that target rolls it back before doing anything else. Once all
//! files are in place the journal is renamed to `done` in one step, after
//! which only the clean-up of the staging folder remains.

use super::{OutputError, interrupt, io_err};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(super) const JOURNAL: &str = "journal";
const JOURNAL_TMP: &str = "journal.tmp";
const DONE: &str = "done";
pub(super) const NEW: &str = "new";
const OLD: &str = "old";

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Journal {
    /// Folders under the target that the move creates, parents first.
    pub folders: Vec<String>,
    pub files: Vec<Entry>,
    /// Files of the target that the move takes out (`lzgen update`: files
    /// lzgen no longer generates), set aside in `old/` like replaced ones.
    #[serde(default)]
    pub removes: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Entry {
    /// Relative to the target, `/`-separated.
    pub path: String,
    /// A file of the user's stands there and is replaced.
    pub replaces: bool,
}

/// How a leftover staging folder was dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// A write was killed while staging: its folder was removed.
    Discarded,
    /// A write was killed while moving files: `n` files were put back as they
    /// were before it.
    RolledBack(usize),
    /// A write was killed after every file was in place: only its clean-up
    /// was left to do.
    Finished,
}

/// Moves `staging/new/*` into `target`, or leaves `target` as it was.
pub(super) fn commit(staging: &Path, target: &Path, journal: &Journal) -> Result<(), OutputError> {
    write_journal(staging, journal)?;
    // Every file in place, and the journal marked done in one rename: only
    // then is the write finished. If marking fails, it is undone like any
    // other failure, so the error reported and the tree agree.
    let finished = apply(staging, target, journal).and_then(|()| {
        fs::rename(staging.join(JOURNAL), staging.join(DONE)).map_err(io_err(&staging.join(DONE)))
    });
    match finished {
        Ok(()) => Ok(()),
        Err(err) => {
            // Put everything back before reporting, so the message that
            // nothing was written is true.
            rollback(staging, target, journal).map_err(|source| OutputError::Io {
                path: target.to_path_buf(),
                source: io::Error::new(
                    source.kind(),
                    format!(
                        "{err}; and putting back the files failed too ({source}): \
                         the next lzgen run beside {} finishes the job",
                        target.display()
                    ),
                ),
            })?;
            Err(err)
        }
    }
}

fn write_journal(staging: &Path, journal: &Journal) -> Result<(), OutputError> {
    let tmp = staging.join(JOURNAL_TMP);
    let text = serde_json::to_vec(journal).map_err(|e| io_err(&tmp)(io::Error::other(e)))?;
    let mut file = fs::File::create(&tmp).map_err(io_err(&tmp))?;
    file.write_all(&text).map_err(io_err(&tmp))?;
    file.sync_all().map_err(io_err(&tmp))?;
    // The rename makes the journal appear whole or not at all.
    fs::rename(&tmp, staging.join(JOURNAL)).map_err(io_err(&staging.join(JOURNAL)))
}

fn apply(staging: &Path, target: &Path, journal: &Journal) -> Result<(), OutputError> {
    for folder in &journal.folders {
        let path = target.join(folder);
        fs::create_dir(&path).map_err(io_err(&path))?;
    }
    for (n, entry) in journal.files.iter().enumerate() {
        if interrupt::requested() {
            return Err(OutputError::Interrupted);
        }
        super::fault::before_move(n);
        let dest = target.join(&entry.path);
        if entry.replaces {
            let old = staging.join(OLD).join(&entry.path);
            if let Some(dir) = old.parent() {
                fs::create_dir_all(dir).map_err(io_err(dir))?;
            }
            fs::rename(&dest, &old).map_err(io_err(&dest))?;
        }
        let new = staging.join(NEW).join(&entry.path);
        fs::rename(&new, &dest).map_err(io_err(&dest))?;
    }
    for path in &journal.removes {
        if interrupt::requested() {
            return Err(OutputError::Interrupted);
        }
        set_aside(staging, target, path)?;
    }
    Ok(())
}

/// Moves a file of the target to `old/`, where a rollback finds it.
fn set_aside(staging: &Path, target: &Path, path: &str) -> Result<(), OutputError> {
    let dest = target.join(path);
    let old = staging.join(OLD).join(path);
    if let Some(dir) = old.parent() {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    fs::rename(&dest, &old).map_err(io_err(&dest))
}

/// Puts the target back as it was before `journal` began to be applied.
fn rollback(staging: &Path, target: &Path, journal: &Journal) -> io::Result<()> {
    let mut first_error = None;
    let mut keep = |r: io::Result<()>| {
        if let Err(e) = r
            && first_error.is_none()
        {
            first_error = Some(e);
        }
    };
    // Removed files first (they were taken out last): back from `old/`.
    for path in journal.removes.iter().rev() {
        let old = staging.join(OLD).join(path);
        if exists(&old) && !exists(&target.join(path)) {
            keep(fs::rename(&old, target.join(path)));
        }
    }
    for entry in journal.files.iter().rev() {
        let dest = target.join(&entry.path);
        if !exists(&staging.join(NEW).join(&entry.path)) {
            // Already moved in: the file at dest is lzgen's.
            keep(remove_if_present(&dest));
        }
        let old = staging.join(OLD).join(&entry.path);
        if exists(&old) {
            keep(fs::rename(&old, &dest));
        }
    }
    for folder in journal.folders.iter().rev() {
        // Only folders the move created, and only if they are empty again.
        let _ = fs::remove_dir(target.join(folder));
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Deals with a staging folder left by an earlier run that was killed, and
/// removes it. Call only while holding the lock beside the target.
pub(super) fn recover(staging: &Path, target: &Path) -> Result<Recovery, OutputError> {
    let recovery = if exists(&staging.join(DONE)) {
        Recovery::Finished
    } else if exists(&staging.join(JOURNAL)) {
        let path = staging.join(JOURNAL);
        let text = fs::read(&path).map_err(io_err(&path))?;
        let journal: Journal = serde_json::from_slice(&text)
            .map_err(|e| io_err(&path)(io::Error::new(io::ErrorKind::InvalidData, e)))?;
        rollback(staging, target, &journal).map_err(io_err(target))?;
        let moved = journal
            .files
            .iter()
            .filter(|e| !exists(&staging.join(NEW).join(&e.path)))
            .count();
        Recovery::RolledBack(moved)
    } else {
        Recovery::Discarded
    };
    fs::remove_dir_all(staging).map_err(io_err(staging))?;
    Ok(recovery)
}

/// The staging folders of `target`'s name beside it: `.NAME.lzgen-*`.
pub(super) fn leftovers(parent: &Path, name: &str) -> Result<Vec<PathBuf>, OutputError> {
    let prefix = super::staging_prefix(name);
    let mut found = Vec::new();
    for entry in fs::read_dir(parent).map_err(io_err(parent))? {
        let entry = entry.map_err(io_err(parent))?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir && file_name.starts_with(&prefix) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tree(dir: &Path) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(at) = stack.pop() {
            for entry in fs::read_dir(&at).expect("ls") {
                let path = entry.expect("entry").path();
                let rel = path
                    .strip_prefix(dir)
                    .expect("under")
                    .to_string_lossy()
                    .into_owned();
                if path.is_dir() {
                    out.insert(format!("{rel}/"), String::new());
                    stack.push(path);
                } else {
                    out.insert(rel, fs::read_to_string(&path).expect("read"));
                }
            }
        }
        out
    }

    /// A target with the user's files and a staging folder holding the new
    /// versions: `a` replaces the user's, `b/c` and `d/e/f` are new.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf, Journal) {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("t");
        fs::create_dir_all(target.join("b")).expect("mkdir");
        fs::write(target.join("a"), "user a").expect("w");
        fs::write(target.join("keep"), "user keep").expect("w");
        let staging = tmp.path().join(".t.lzgen-x");
        for (path, text) in [("a", "new a"), ("b/c", "new c"), ("d/e/f", "new f")] {
            let p = staging.join(NEW).join(path);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, text).expect("w");
        }
        let journal = Journal {
            folders: vec!["d".into(), "d/e".into()],
            files: vec![
                Entry {
                    path: "a".into(),
                    replaces: true,
                },
                Entry {
                    path: "b/c".into(),
                    replaces: false,
                },
                Entry {
                    path: "d/e/f".into(),
                    replaces: false,
                },
            ],
            removes: Vec::new(),
        };
        (tmp, target, staging, journal)
    }

    #[test]
    fn a_commit_moves_every_file_and_keeps_the_users_others() {
        let (_tmp, target, staging, journal) = setup();
        commit(&staging, &target, &journal).expect("commits");
        let after = tree(&target);
        assert_eq!(after["a"], "new a");
        assert_eq!(after["b/c"], "new c");
        assert_eq!(after["d/e/f"], "new f");
        assert_eq!(after["keep"], "user keep");
        assert!(staging.join(DONE).exists());
        assert_eq!(
            recover(&staging, &target).expect("cleans"),
            Recovery::Finished
        );
        assert!(!staging.exists());
        assert_eq!(tree(&target), after);
    }

    /// A process killed at any point of the move, replayed step by step:
    /// recovery always gives back exactly the tree from before.
    #[test]
    fn recovery_after_a_kill_at_any_step_puts_the_old_tree_back() {
        // Each file takes up to two renames; try stopping after each one.
        for stop in 0..=6 {
            let (_tmp, target, staging, journal) = setup();
            let before = tree(&target);
            write_journal(&staging, &journal).expect("journal");
            let mut steps = 0;
            'moves: {
                for folder in &journal.folders {
                    fs::create_dir(target.join(folder)).expect("mkdir");
                }
                for entry in &journal.files {
                    let dest = target.join(&entry.path);
                    if entry.replaces {
                        if steps == stop {
                            break 'moves;
                        }
                        let old = staging.join(OLD).join(&entry.path);
                        fs::create_dir_all(old.parent().expect("p")).expect("mkdir");
                        fs::rename(&dest, old).expect("aside");
                        steps += 1;
                    }
                    if steps == stop {
                        break 'moves;
                    }
                    fs::rename(staging.join(NEW).join(&entry.path), &dest).expect("in");
                    steps += 1;
                }
            }
            let recovery = recover(&staging, &target).expect("recovers");
            assert!(matches!(recovery, Recovery::RolledBack(_)), "{recovery:?}");
            assert_eq!(tree(&target), before, "stopped after {stop} renames");
            assert!(!staging.exists());
        }
    }

    #[test]
    fn removed_files_are_taken_out_and_put_back_on_failure_or_kill() {
        // Taken out on commit.
        let (_tmp, target, staging, mut journal) = setup();
        journal.removes = vec!["keep".into()];
        commit(&staging, &target, &journal).expect("commits");
        assert!(!target.join("keep").exists());
        // A removal that fails (the file vanished) puts back the others.
        let (_tmp, target, staging, mut journal) = setup();
        fs::write(target.join("b/gone"), "user gone").expect("w");
        let before = tree(&target);
        journal.removes = vec!["keep".into(), "b/gone".into(), "b/missing".into()];
        let err = commit(&staging, &target, &journal).expect_err("fails");
        assert!(matches!(err, OutputError::Io { .. }), "{err:?}");
        assert_eq!(tree(&target), before);
        // Killed after the moves and one removal: the next run's recovery
        // gives the tree back.
        let (_tmp, target, staging, mut journal) = setup();
        let before = tree(&target);
        journal.removes = vec!["keep".into()];
        write_journal(&staging, &journal).expect("journal");
        for folder in &journal.folders {
            fs::create_dir(target.join(folder)).expect("mkdir");
        }
        for entry in &journal.files {
            let dest = target.join(&entry.path);
            if entry.replaces {
                let old = staging.join(OLD).join(&entry.path);
                fs::create_dir_all(old.parent().expect("p")).expect("mkdir");
                fs::rename(&dest, old).expect("aside");
            }
            fs::rename(staging.join(NEW).join(&entry.path), &dest).expect("in");
        }
        set_aside(&staging, &target, "keep").expect("aside");
        assert!(matches!(
            recover(&staging, &target).expect("recovers"),
            Recovery::RolledBack(_)
        ));
        assert_eq!(tree(&target), before);
    }

    #[test]
    fn a_failed_move_is_undone_before_the_error_is_reported() {
        let (_tmp, target, staging, journal) = setup();
        let before = tree(&target);
        // The last file cannot be moved: its new version is missing.
        fs::remove_file(staging.join(NEW).join("d/e/f")).expect("rm");
        let err = commit(&staging, &target, &journal).expect_err("fails");
        assert!(matches!(err, OutputError::Io { .. }), "{err:?}");
        assert_eq!(tree(&target), before);
    }

    #[test]
    fn a_staging_folder_without_a_journal_is_discarded() {
        let (_tmp, target, staging, _journal) = setup();
        let before = tree(&target);
        assert_eq!(
            recover(&staging, &target).expect("recovers"),
            Recovery::Discarded
        );
        assert!(!staging.exists());
        assert_eq!(tree(&target), before);
    }
}
