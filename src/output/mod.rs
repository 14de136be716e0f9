//! The only module that writes. A repo is written all or nothing: every file
//! goes into a temporary folder beside the target, and only when all of them
//! are written is that folder moved into place.

mod plan;

pub use plan::{plan_tree, total_bytes};

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

/// The staging folder being written, so that an interrupt can remove it.
static STAGING: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

fn set_staging(path: Option<PathBuf>) {
    if let Ok(mut guard) = STAGING.lock() {
        *guard = path;
    }
}

/// Removes the staging folder of a write in progress: for the interrupt
/// handler, so that Ctrl-C leaves nothing behind.
pub fn abandon_staging() {
    if let Ok(mut guard) = STAGING.lock()
        && let Some(path) = guard.take()
    {
        let _ = fs::remove_dir_all(path);
    }
}

/// `write_repo`, with a progress bar on stderr for large repos when `terminal`.
pub fn write_repo_with_progress(
    target: &Path,
    files: &[RenderedFile],
    force: bool,
    terminal: bool,
) -> Result<Written, OutputError> {
    let state = target_state(target)?;
    if state == TargetState::NonEmpty && !force {
        return Err(OutputError::NotEmpty(target.to_path_buf()));
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repo".into());
    // Dropping `staging` removes it, so an error leaves nothing behind.
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.lzgen-"))
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    set_staging(Some(staging.path().to_path_buf()));
    let bar = if terminal && files.len() >= PROGRESS_FROM_FILES {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    for (n, file) in files.iter().enumerate() {
        fault::before_write(n).map_err(io_err(&staging.path().join(&file.path)))?;
        write_file(staging.path(), file)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    match state {
        TargetState::Missing => move_into_place(staging, target)?,
        TargetState::Empty => {
            fs::remove_dir(target).map_err(io_err(target))?;
            move_into_place(staging, target)?;
        }
        TargetState::NonEmpty => {
            // Check every destination first, so a clash is found before
            // anything is moved.
            for file in files {
                let dest = target.join(&file.path);
                if dest.is_dir() {
                    return Err(OutputError::Io {
                        path: dest,
                        source: io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            "a folder stands where lzgen writes a file",
                        ),
                    });
                }
            }
            for file in files {
                let from = staging.path().join(&file.path);
                let dest = target.join(&file.path);
                if let Some(dir) = dest.parent() {
                    fs::create_dir_all(dir).map_err(io_err(dir))?;
                }
                fs::rename(&from, &dest).map_err(io_err(&dest))?;
            }
        }
    }
    set_staging(None);
    Ok(Written {
        files: files.len(),
        bytes: total_bytes(files),
    })
}

fn move_into_place(staging: tempfile::TempDir, target: &Path) -> Result<(), OutputError> {
    let path = staging.keep();
    fs::rename(&path, target).map_err(|source| {
        let _ = fs::remove_dir_all(&path);
        OutputError::Io {
            path: target.to_path_buf(),
            source,
        }
    })
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

fn target_state(target: &Path) -> Result<TargetState, OutputError> {
    match fs::metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TargetState::Missing),
        Err(e) => Err(io_err(target)(e)),
        Ok(meta) if !meta.is_dir() => Err(OutputError::NotADirectory(target.to_path_buf())),
        Ok(_) => {
            let mut entries = fs::read_dir(target).map_err(io_err(target))?;
            Ok(if entries.next().is_some() {
                TargetState::NonEmpty
            } else {
                TargetState::Empty
            })
        }
    }
}

/// Fault injection for the tests of all-or-nothing writing. Only debug builds
/// read `LZGEN_FAIL_AFTER_WRITES=N`, which makes the write of file N fail as
/// a full disk would; release builds have no such switch.
mod fault {
    use std::io;

    #[cfg(debug_assertions)]
    pub fn before_write(n: usize) -> io::Result<()> {
        match std::env::var("LZGEN_FAIL_AFTER_WRITES")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(limit) if n >= limit => Err(io::Error::other(
                "injected failure (LZGEN_FAIL_AFTER_WRITES)",
            )),
            _ => Ok(()),
        }
    }

    #[cfg(not(debug_assertions))]
    pub fn before_write(_: usize) -> io::Result<()> {
        Ok(())
    }
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
                bytes: 12
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
