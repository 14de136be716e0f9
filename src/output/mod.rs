//! The only module that writes. A repo is written all or nothing: every file
//! goes into a staging folder beside the target, and only when all of them
//! are written are they moved into place, in a way that an interrupt, an
//! error or a killed process can always undo (see `transaction`).

pub mod interrupt;
mod plan;
mod transaction;

pub use plan::{plan_tree, total_bytes};
pub use transaction::Recovery;

use transaction::Journal;

use crate::render::RenderedFile;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target holds files and `--force` was not given: a usage error.
    #[error("{} is not empty", .0.display())]
    NotEmpty(PathBuf),
    /// The target exists and is not a folder.
    #[error("{} exists and is not a folder", .0.display())]
    NotADirectory(PathBuf),
    /// Something of the user's stands where lzgen must write, and writing
    /// would follow a link or remove a folder: a usage error, nothing written.
    #[error("{}: {reason}", path.display())]
    Blocked { path: PathBuf, reason: &'static str },
    /// `--force` over a repo lzgen generated, some of whose generated files
    /// (or lzgen.yaml) were edited since: a usage error, nothing written.
    #[error("{} has edited files: {}", target.display(), files.join(", "))]
    Edited { target: PathBuf, files: Vec<String> },
    /// Ctrl-C came while writing; everything was put back.
    #[error("interrupted")]
    Interrupted,
    #[error("could not write {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What `write_repo` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    /// Writes of earlier runs, killed half way, that this run cleaned up
    /// before its own.
    pub recovered: Vec<Recovery>,
}

/// Writes `files` into `target`: a missing or empty folder, or with `force`
/// a non-empty one, where only the generated files are replaced and every
/// other file is left alone.
pub fn write_repo(
    target: &Path,
    files: &[RenderedFile],
    force: bool,
) -> Result<Written, OutputError> {
    write_repo_with_progress(target, files, force, false)
}

/// Repos at least this large show a progress bar on a terminal.
const PROGRESS_FROM_FILES: usize = 150;

/// How long a write waits for another lzgen writing beside the same target.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The prefix of the staging folders of a target named `name`.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.lzgen-")
}

/// `write_repo`, with a progress bar on stderr for large repos when `terminal`.
///
/// The order of steps is what makes the write all or nothing:
/// 1. create the target's parent folders if missing (removed again on error);
/// 2. lock the parent folder, so two lzgen runs beside one target take turns;
/// 3. finish or undo any write of an earlier run that was killed half way;
/// 4. stage every file in a folder beside the target;
/// 5. move it into place: one rename for a missing target, otherwise the
///    journalled moves of `transaction`, which an interrupt or an error undoes.
pub fn write_repo_with_progress(
    target: &Path,
    files: &[RenderedFile],
    force: bool,
    terminal: bool,
) -> Result<Written, OutputError> {
    write(target, files, &[], Mode::New { force }, terminal)
}

/// `lzgen update`: writes `files` into the existing repo `target` and takes
/// out `removes` (files it no longer generates), all or nothing, as
/// `write_repo_with_progress` does. Every other file is left alone.
pub fn update_repo(
    target: &Path,
    files: &[RenderedFile],
    removes: &[String],
    terminal: bool,
) -> Result<Written, OutputError> {
    write(target, files, removes, Mode::Update, terminal)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    New { force: bool },
    Update,
}

fn write(
    target: &Path,
    files: &[RenderedFile],
    removes: &[String],
    mode: Mode,
    terminal: bool,
) -> Result<Written, OutputError> {
    let _writing = interrupt::Writing::begin();
    let target = resolve_target(target)?;
    let (parent, name) = match (target.parent(), target.file_name()) {
        (Some(parent), Some(name)) => (parent.to_path_buf(), name.to_string_lossy().into_owned()),
        _ => return Err(OutputError::NotADirectory(target)),
    };
    let mut created = CreatedFolders::create(&parent)?;
    let _lock = lock(&parent)?;
    let mut recovered = Vec::new();
    for leftover in transaction::leftovers(&parent, &name)? {
        let recovery = transaction::recover(&leftover, &target)?;
        eprintln!("note: {}", recovery_note(&recovery, &target));
        recovered.push(recovery);
    }
    let state = target_state(&target, files)?;
    match (mode, &state) {
        (Mode::New { force: false }, TargetState::NonEmpty) => {
            return Err(OutputError::NotEmpty(target));
        }
        // Checked here, under the lock and after an earlier run's leftovers
        // were dealt with, so another lzgen writing the same repo is never
        // seen half way.
        (Mode::New { force: true }, TargetState::NonEmpty) => {
            let files = crate::state::edited_files(&target).map_err(io_err(&target))?;
            if !files.is_empty() {
                return Err(OutputError::Edited { target, files });
            }
        }
        (Mode::Update, TargetState::Missing) => return Err(OutputError::NotADirectory(target)),
        _ => {}
    }
    // Check every destination before staging, so a clash is found before
    // anything is written.
    let journal = match state {
        TargetState::Missing => None,
        TargetState::Empty | TargetState::NonEmpty => Some(plan_moves(&target, files, removes)?),
    };
    // Dropping `staging` removes it, so an error leaves nothing behind.
    let staging = tempfile::Builder::new()
        .prefix(&staging_prefix(&name))
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    let new = staging.path().join(transaction::NEW);
    fs::create_dir(&new).map_err(io_err(&new))?;
    let bar = if terminal && files.len() >= PROGRESS_FROM_FILES {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    for (n, file) in files.iter().enumerate() {
        if interrupt::requested() {
            return Err(OutputError::Interrupted);
        }
        fault::before_write(n).map_err(io_err(&new.join(&file.path)))?;
        write_file(&new, file)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    match journal {
        // One rename: the target appears whole or not at all.
        None => fs::rename(&new, &target).map_err(io_err(&target))?,
        // Files move one by one into a folder that exists (so a shell
        // standing in it stays there), journalled so they can be put back.
        Some(journal) => {
            transaction::commit(staging.path(), &target, &journal)?;
            remove_emptied_folders(&target, removes);
        }
    }
    interrupt::written();
    created.keep();
    Ok(Written {
        files: files.len(),
        bytes: total_bytes(files),
        recovered,
    })
}

fn recovery_note(recovery: &Recovery, target: &Path) -> String {
    match recovery {
        Recovery::Discarded => format!(
            "removed the staging folder of an earlier lzgen run beside {} that was stopped before it wrote anything",
            target.display()
        ),
        Recovery::RolledBack(n) => format!(
            "an earlier lzgen run into {} was stopped half way; its {n} moved file(s) were taken out and the files they replaced put back",
            target.display()
        ),
        Recovery::Finished => format!(
            "an earlier lzgen run into {} had written every file before it was stopped; removed its staging folder",
            target.display()
        ),
    }
}

/// An absolute path whose last component names the target, so that `.` and
/// `..` work and the staging folder can go beside it.
fn resolve_target(target: &Path) -> Result<PathBuf, OutputError> {
    let absolute = std::path::absolute(target).map_err(io_err(target))?;
    if fs::symlink_metadata(&absolute).is_ok() {
        fs::canonicalize(&absolute).map_err(io_err(target))
    } else {
        Ok(absolute)
    }
}

/// For a target that exists: the folders to create and, for each file,
/// whether it replaces one. Refuses to write through a symbolic link (it
/// could lead outside the target) or over a folder.
fn plan_moves(
    target: &Path,
    files: &[RenderedFile],
    removes: &[String],
) -> Result<Journal, OutputError> {
    for path in removes {
        let dest = target.join(path);
        match fs::symlink_metadata(&dest) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(OutputError::Blocked {
                    path: dest,
                    reason: "is not a plain file, so lzgen does not remove it",
                });
            }
            Err(e) => return Err(io_err(&dest)(e)),
        }
    }
    let mut folders: Vec<String> = Vec::new();
    let mut known = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(files.len());
    for file in files {
        let parts: Vec<&str> = file.path.split('/').collect();
        let mut prefix = String::new();
        for part in &parts[..parts.len() - 1] {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if !known.insert(prefix.clone()) {
                continue;
            }
            let path = target.join(&prefix);
            match fs::symlink_metadata(&path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => folders.push(prefix.clone()),
                Err(e) => return Err(io_err(&path)(e)),
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(OutputError::Blocked {
                        path,
                        reason: "is a symbolic link where lzgen writes a folder; lzgen never writes through a link, which could lead outside the target",
                    });
                }
                Ok(meta) if !meta.is_dir() => {
                    return Err(OutputError::Blocked {
                        path,
                        reason: "is a file where lzgen writes a folder",
                    });
                }
                Ok(_) => {}
            }
        }
        let dest = target.join(&file.path);
        let replaces = match fs::symlink_metadata(&dest) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_err(&dest)(e)),
            Ok(meta) if meta.is_dir() => {
                return Err(OutputError::Blocked {
                    path: dest,
                    reason: "is a folder where lzgen writes a file",
                });
            }
            // A file, or a link, which the move replaces without following.
            Ok(_) => true,
        };
        entries.push(transaction::Entry {
            path: file.path.clone(),
            replaces,
        });
    }
    Ok(Journal {
        folders,
        files: entries,
        removes: removes.to_vec(),
    })
}

/// After files were taken out: their folders, where nothing else is left in
/// them (a removed region's folder), deepest first.
fn remove_emptied_folders(target: &Path, removes: &[String]) {
    for path in removes {
        let mut folder = Path::new(path).parent();
        while let Some(dir) = folder.filter(|d| !d.as_os_str().is_empty()) {
            if fs::remove_dir(target.join(dir)).is_err() {
                break;
            }
            folder = dir.parent();
        }
    }
}

/// The parent folders a write created, removed again unless the write
/// succeeds, so a failed write leaves nothing behind.
struct CreatedFolders {
    created: Vec<PathBuf>,
}

impl CreatedFolders {
    fn create(folder: &Path) -> Result<Self, OutputError> {
        let mut missing = Vec::new();
        let mut at = Some(folder);
        while let Some(path) = at {
            if fs::symlink_metadata(path).is_ok() {
                break;
            }
            missing.push(path.to_path_buf());
            at = path.parent();
        }
        let mut created = CreatedFolders {
            created: Vec::new(),
        };
        for path in missing.into_iter().rev() {
            fs::create_dir(&path).map_err(io_err(&path))?;
            created.created.push(path);
        }
        Ok(created)
    }

    fn keep(&mut self) {
        self.created.clear();
    }
}

impl Drop for CreatedFolders {
    fn drop(&mut self) {
        for path in self.created.iter().rev() {
            let _ = fs::remove_dir(path);
        }
    }
}

/// Holds an exclusive lock on the folder beside which the target is written,
/// so two lzgen runs writing there take turns; waits up to `LOCK_WAIT`.
#[cfg(unix)]
fn lock(folder: &Path) -> Result<fs::File, OutputError> {
    let file = fs::File::open(folder).map_err(io_err(folder))?;
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io_err(folder)(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "another lzgen run has been writing here for {} s; try again when it has finished",
                        LOCK_WAIT.as_secs()
                    ),
                )));
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err(folder)(e)),
        }
    }
}

#[cfg(not(unix))]
fn lock(_: &Path) -> Result<(), OutputError> {
    Ok(())
}

fn write_file(root: &Path, file: &RenderedFile) -> Result<(), OutputError> {
    let path = root.join(&file.path);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    fs::write(&path, &file.bytes).map_err(io_err(&path))?;
    set_mode(&path, file.executable).map_err(io_err(&path))?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, executable: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: bool) -> io::Result<()> {
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum TargetState {
    Missing,
    Empty,
    NonEmpty,
}

/// A folder counts as empty when it holds only hidden entries (`.git`, a
/// `.gitignore`: what a fresh clone has) and none of them is where lzgen
/// writes (`.github`, `.lzgen`, ...).
fn target_state(target: &Path, files: &[RenderedFile]) -> Result<TargetState, OutputError> {
    match fs::metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TargetState::Missing),
        Err(e) => Err(io_err(target)(e)),
        Ok(meta) if !meta.is_dir() => Err(OutputError::NotADirectory(target.to_path_buf())),
        Ok(_) => {
            let written: std::collections::HashSet<&str> = files
                .iter()
                .map(|f| f.path.split('/').next().unwrap_or_default())
                .collect();
            for entry in fs::read_dir(target).map_err(io_err(target))? {
                let name = entry.map_err(io_err(target))?.file_name();
                let name = name.to_string_lossy();
                if !name.starts_with('.') || written.contains(name.as_ref()) {
                    return Ok(TargetState::NonEmpty);
                }
            }
            Ok(TargetState::Empty)
        }
    }
}

/// Fault injection for the tests of all-or-nothing writing. Only debug builds
/// read these switches; release builds have none:
/// - `LZGEN_FAIL_AFTER_WRITES=N` makes the staging of file N fail as a full
///   disk would;
/// - `LZGEN_ABORT_AT_MOVE=N` kills the process (as SIGKILL would) just before
///   file N is moved into an existing target.
mod fault {
    use std::io;

    #[cfg(debug_assertions)]
    fn switch(name: &str) -> Option<usize> {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    }

    #[cfg(debug_assertions)]
    pub fn before_write(n: usize) -> io::Result<()> {
        match switch("LZGEN_FAIL_AFTER_WRITES") {
            Some(limit) if n >= limit => Err(io::Error::other(
                "injected failure (LZGEN_FAIL_AFTER_WRITES)",
            )),
            _ => Ok(()),
        }
    }

    #[cfg(debug_assertions)]
    pub fn before_move(n: usize) {
        if switch("LZGEN_ABORT_AT_MOVE") == Some(n) {
            std::process::abort();
        }
    }

    #[cfg(not(debug_assertions))]
    pub fn before_write(_: usize) -> io::Result<()> {
        Ok(())
    }

    #[cfg(not(debug_assertions))]
    pub fn before_move(_: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str, executable: bool) -> RenderedFile {
        RenderedFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            executable,
        }
    }

    #[test]
    fn writes_a_new_folder_with_modes() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("repo");
        let files = [
            file("a/b.txt", "b\n", false),
            file("run.sh", "#!/bin/sh\n", true),
        ];
        let written = write_repo(&target, &files, false).expect("writes");
        assert_eq!(
            written,
            Written {
                files: 2,
                bytes: 12,
                recovered: Vec::new(),
            }
        );
        assert_eq!(
            fs::read_to_string(target.join("a/b.txt")).expect("read"),
            "b\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                fs::metadata(target.join(p))
                    .expect("meta")
                    .permissions()
                    .mode()
                    & 0o777
            };
            assert_eq!(mode("run.sh"), 0o755);
            assert_eq!(mode("a/b.txt"), 0o644);
        }
        // Nothing but the target is left beside it.
        let beside: Vec<_> = fs::read_dir(tmp.path()).expect("ls").collect();
        assert_eq!(beside.len(), 1);
    }

    #[test]
    fn refuses_a_non_empty_folder_without_force_and_keeps_other_files_with_it() {
        let tmp = tempfile::tempdir().expect("tmp");
        let target = tmp.path().join("repo");
        fs::create_dir_all(&target).expect("mkdir");
        fs::write(target.join("notes.txt"), "mine\n").expect("write");
        let files = [file("a.txt", "new\n", false)];
        let err = write_repo(&target, &files, false).expect_err("refused");
        assert!(matches!(err, OutputError::NotEmpty(_)));
        assert!(!target.join("a.txt").exists());
        write_repo(&target, &files, true).expect("forced");
        assert_eq!(
            fs::read_to_string(target.join("notes.txt")).expect("read"),
            "mine\n"
        );
        assert_eq!(
            fs::read_to_string(target.join("a.txt")).expect("read"),
            "new\n"
        );
    }
}
