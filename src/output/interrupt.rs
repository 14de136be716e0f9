//! Ctrl-C while a repo is being written. The handler does not kill the
//! process then: it raises a flag that the writer checks between files, so the
//! writer can remove its staging folder, or put back the files it already
//! moved, and only then exit. Before a write the handler exits at once. Once
//! the repo is in place the interrupt has come too late to stop anything:
//! the handler lets the run finish and report what it wrote (exit 0), so
//! the exit code never says "nothing was written" over a new repo.

use std::sync::atomic::{AtomicBool, Ordering};

static WRITING: AtomicBool = AtomicBool::new(false);
static REQUESTED: AtomicBool = AtomicBool::new(false);
static WRITTEN: AtomicBool = AtomicBool::new(false);

/// Called by the Ctrl-C handler. `true` when the handler must not exit: a
/// write in progress will stop at its next file and undo itself, or the
/// repo is already written and the run is finishing.
pub fn request() -> bool {
    REQUESTED.store(true, Ordering::SeqCst);
    WRITING.load(Ordering::SeqCst) || WRITTEN.load(Ordering::SeqCst)
}

/// Marks the repo as in place: from here on, Ctrl-C cannot undo the write.
/// Set before the write's guard is dropped, so no instant is left where the
/// handler would see neither.
pub(super) fn written() {
    WRITTEN.store(true, Ordering::SeqCst);
}

/// Whether Ctrl-C came since the write began.
pub(super) fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Marks a write in progress for as long as the guard lives.
#[derive(Debug)]
pub(super) struct Writing;

impl Writing {
    pub(super) fn begin() -> Self {
        WRITING.store(true, Ordering::SeqCst);
        Writing
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        WRITING.store(false, Ordering::SeqCst);
    }
}
