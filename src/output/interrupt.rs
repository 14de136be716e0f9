//! Ctrl-C while a repo is being written. The handler does not kill the
//! process then: it raises a flag that the writer checks between files, so the
//! writer can remove its staging folder, or put back the files it already
//! moved, and only then exit. Outside a write the handler exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

static WRITING: AtomicBool = AtomicBool::new(false);
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Called by the Ctrl-C handler. `true` when a write in progress will stop
/// at its next file and undo itself, so the handler must not exit.
pub fn request() -> bool {
    REQUESTED.store(true, Ordering::SeqCst);
    WRITING.load(Ordering::SeqCst)
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
