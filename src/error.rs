//! One error type for the binary, with the exit code each kind maps to.

use crate::problem::Problem;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The answers, or the flags, are invalid: exit 2.
    #[error("invalid input")]
    Invalid(Vec<Problem>),
    /// `check` found differences or `update` left conflicts: exit 1.
    #[error("{0}")]
    Differences(String),
    /// Could not read or write the file system: exit 3.
    #[error("could not write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Ctrl-C: nothing was written; exit 130, as a shell reports an interrupt.
    #[error("interrupted; nothing was written")]
    Interrupted,
    /// A blueprint rendered a file that does not parse, or broke an invariant.
    /// Always lzgen's fault: exit 3, with a request to report it.
    #[error("lzgen produced a broken file; this is a bug in lzgen, please report it:\n{0}")]
    Bug(String),
}

/// The exit code of an interrupted run.
pub const INTERRUPTED: u8 = 130;

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => 2,
            Error::Differences(_) => 1,
            Error::Io { .. } | Error::Bug(_) => 3,
            Error::Interrupted => INTERRUPTED,
        }
    }

    pub fn invalid(problem: Problem) -> Self {
        Error::Invalid(vec![problem])
    }

    /// The problems to show: the invalid-input list, or one line for the rest.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Error::Invalid(problems) => problems.clone(),
            other => vec![Problem::new("", other.to_string())],
        }
    }
}

impl From<crate::output::OutputError> for Error {
    fn from(e: crate::output::OutputError) -> Self {
        use crate::output::OutputError;
        match e {
            OutputError::NotEmpty(path) => Error::invalid(
                Problem::new(
                    "DIR",
                    format!("expected a missing or empty folder, found {} with files in it", path.display()),
                )
                .with_hint(if path.join(crate::state::PRISTINE).is_file() {
                    format!("nothing was written; lzgen generated this repo: to render it again and keep edits, run `lzgen update {}`", path.display())
                } else {
                    "nothing was written; pass --force to write the generated files into it, leaving its other files alone".to_string()
                }),
            ),
            OutputError::NotADirectory(path) => Error::invalid(Problem::new(
                "DIR",
                format!("expected a folder, found the file {}", path.display()),
            )),
            OutputError::Blocked { path, reason } => Error::invalid(
                Problem::new("DIR", format!("{} {reason}", path.display()))
                    .with_hint("nothing was written; move it out of the way, or choose another folder"),
            ),
            OutputError::Edited { target, files } => Error::invalid(
                Problem::new(
                    "--force",
                    format!(
                        "expected a repo whose generated files are as lzgen last wrote them, found {} edited since: {}",
                        files.len(),
                        files.join(", ")
                    ),
                )
                .with_hint(format!(
                    "nothing was written; `lzgen update {}` keeps your edits and merges the new render into them",
                    target.display()
                )),
            ),
            OutputError::Interrupted => Error::Interrupted,
            OutputError::Io { path, source } => Error::Io { path, source },
        }
    }
}
