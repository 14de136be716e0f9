//! Helpers shared by the integration tests.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The binary, with a clean environment: no colour, no inherited fault switch,
/// and a time limit so that a test can never hang on a prompt.
pub fn lzgen() -> Command {
    let mut cmd = Command::cargo_bin("lzgen").expect("the lzgen binary is built");
    cmd.env_remove("LZGEN_FAIL_AFTER_WRITES")
        .env_remove("LZGEN_ABORT_AT_MOVE")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

/// A fresh temporary folder and, inside it, the path of a target that does
/// not exist yet. Keep the folder alive as long as the target is used.
pub fn fresh_target() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let target = tmp.path().join("lz");
    (tmp, target)
}

/// `lzgen new TARGET --yes`: the standard landing zone written there.
pub fn new_standard(target: &Path) {
    lzgen()
        .args(["new", target.to_str().expect("utf-8"), "--yes"])
        .assert()
        .success();
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, by relative path, with its bytes and whether it is
/// executable.
pub fn read_tree(dir: &Path) -> BTreeMap<String, (Vec<u8>, bool)> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, bool)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path).expect("readable file");
            out.insert(rel, (bytes, is_executable(&path)));
        }
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    false
}

/// Renders with `args` into a fresh folder and returns the tree.
pub fn render(args: &[&str]) -> BTreeMap<String, (Vec<u8>, bool)> {
    let tmp = tempfile::tempdir().expect("tmp");
    let target = tmp.path().join("repo");
    lzgen()
        .arg("new")
        .arg(&target)
        .args(args)
        .assert()
        .success();
    read_tree(&target)
}

/// Renders `preset:NAME` or an answers file with `--set` values, in memory,
/// as `lzgen new` does (verification included).
pub fn rendered(source: &str, sets: &[&str]) -> Vec<lzgen::render::RenderedFile> {
    resolved_and_rendered(source, sets).1
}

/// The landing zone of `preset:NAME` or an answers file with `--set`
/// values, and its files rendered in memory.
pub fn resolved_and_rendered(
    source: &str,
    sets: &[&str],
) -> (lzgen::Resolved, Vec<lzgen::render::RenderedFile>) {
    let (preset, config) = match source.strip_prefix("preset:") {
        Some(name) => (Some(name.to_string()), None),
        None => (None, Some(source.into())),
    };
    let sources = lzgen::config::Sources {
        preset,
        config,
        sets: sets.iter().map(ToString::to_string).collect(),
        ..lzgen::config::Sources::default()
    };
    let resolved = lzgen::resolve(&sources, |p| std::fs::read_to_string(p)).expect("valid answers");
    let files = lzgen::generate(&resolved).expect("renders");
    (resolved, files)
}

/// One rendered file's text.
pub fn text<'a>(files: &'a [lzgen::render::RenderedFile], path: &str) -> &'a str {
    let file = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"));
    std::str::from_utf8(&file.bytes).expect("utf-8")
}

/// What `validate ARGS` and `new DIR ARGS` did with one answer set, run
/// from the repository's root.
#[derive(Debug)]
pub struct BothRuns {
    pub validate: std::process::Output,
    pub new: std::process::Output,
    /// Whether `new` left anything at its target.
    pub written: bool,
}

/// Runs `validate` and `new` on the same arguments, for the tests that
/// check they agree.
pub fn validate_and_new<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> BothRuns {
    let root = repo_root();
    let validate = lzgen()
        .arg("validate")
        .args(args)
        .current_dir(&root)
        .output()
        .expect("validate runs");
    let (_tmp, target) = fresh_target();
    let new = lzgen()
        .arg("new")
        .arg(&target)
        .args(args)
        .current_dir(&root)
        .output()
        .expect("new runs");
    BothRuns {
        validate,
        new,
        written: target.exists(),
    }
}
