//! Writing a repo: never through a link, never half done, and an earlier
//! run that was killed half way is undone by the next one.

use crate::support::{fresh_target, lzgen, read_tree};
use predicates::prelude::*;
use std::fs;

/// Issue 13, defect 9: `--force` wrote `deploy.sh` and friends into the
/// folder a `scripts` link pointed at.
#[cfg(unix)]
#[test]
fn force_never_writes_through_a_link_to_a_folder() {
    let (tmp, target) = fresh_target();
    lzgen()
        .arg("new")
        .arg(&target)
        .arg("--yes")
        .assert()
        .success();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).expect("mkdir");
    fs::remove_dir_all(target.join("scripts")).expect("rm");
    std::os::unix::fs::symlink(&elsewhere, target.join("scripts")).expect("link");
    let before = read_tree(&target);
    lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--force", "--set", "organization.name=other"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symbolic link"))
        .stderr(predicate::str::contains("scripts"));
    assert_eq!(fs::read_dir(&elsewhere).expect("ls").count(), 0);
    assert_eq!(read_tree(&target), before);
    // Nothing but the target and the outside folder is left beside it.
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 2);
}

/// A link where lzgen writes a file is replaced by the file; what it
/// pointed at is left alone.
#[cfg(unix)]
#[test]
fn force_replaces_a_link_to_a_file_without_following_it() {
    let (tmp, target) = fresh_target();
    fs::create_dir(&target).expect("mkdir");
    let outside = tmp.path().join("outside.md");
    fs::write(&outside, "not lzgen's\n").expect("write");
    std::os::unix::fs::symlink(&outside, target.join("README.md")).expect("link");
    lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--force"])
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&outside).expect("read"), "not lzgen's\n");
    let meta = fs::symlink_metadata(target.join("README.md")).expect("meta");
    assert!(meta.is_file());
}

/// Issue 13, defect 10: a process killed while moving files into place
/// left a mix of old and new files. Now the mix is journalled, and the next
/// run (even one that then refuses to write) puts the old tree back.
#[cfg(unix)]
#[test]
fn a_run_killed_while_moving_files_is_undone_by_the_next_run() {
    let (tmp, target) = fresh_target();
    lzgen()
        .arg("new")
        .arg(&target)
        .arg("--yes")
        .assert()
        .success();
    fs::write(target.join("notes.md"), "mine\n").expect("write");
    let before = read_tree(&target);
    let killed = lzgen()
        .arg("new")
        .arg(&target)
        .args(["--yes", "--force", "--set", "organization.name=other"])
        .env("LZGEN_ABORT_AT_MOVE", "7")
        .output()
        .expect("runs");
    assert!(!killed.status.success());
    // Killed half way: some files are new, and the staging folder says so.
    assert_ne!(read_tree(&target), before);
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".lz.lzgen-"))
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    // The next run, refused for want of --force, first puts things back.
    lzgen()
        .arg("new")
        .arg(&target)
        .arg("--yes")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stopped half way"))
        .stderr(predicate::str::contains("7 moved file(s)"));
    assert_eq!(read_tree(&target), before);
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 1);
}

/// Issue 13, defect 11: a staging folder left by a killed run is removed by
/// the next run beside the same target.
#[test]
fn a_staging_folder_left_by_a_killed_run_is_removed_by_the_next() {
    let (tmp, target) = fresh_target();
    let leftover = tmp.path().join(".lz.lzgen-AbC123");
    fs::create_dir_all(leftover.join("new/scripts")).expect("mkdir");
    fs::write(leftover.join("new/scripts/deploy.sh"), "half").expect("write");
    let out = lzgen()
        .args(["--json", "new"])
        .arg(&target)
        .arg("--yes")
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed the staging folder"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["recovered"], 1, "{report}");
    assert!(!leftover.exists());
    assert!(target.join("scripts/deploy.sh").is_file());
}

/// Issue 13, defect 13: `lzgen new .` in an empty folder exited 3, and
/// `new $PWD` replaced the folder, leaving the shell in a deleted one.
#[cfg(unix)]
#[test]
fn new_into_the_current_empty_folder_keeps_that_folder() {
    use std::os::unix::fs::MetadataExt;
    let (_tmp, target) = fresh_target();
    fs::create_dir(&target).expect("mkdir");
    let inode = fs::metadata(&target).expect("meta").ino();
    lzgen()
        .current_dir(&target)
        .args(["new", ".", "--yes"])
        .assert()
        .success();
    assert!(target.join("lzgen.yaml").is_file());
    assert_eq!(fs::metadata(&target).expect("meta").ino(), inode);
    let other = target.parent().expect("parent").join("second");
    fs::create_dir(&other).expect("mkdir");
    let inode = fs::metadata(&other).expect("meta").ino();
    lzgen()
        .current_dir(&other)
        .arg("new")
        .arg(&other)
        .arg("--yes")
        .assert()
        .success();
    assert_eq!(fs::metadata(&other).expect("meta").ino(), inode);
}

/// Issue 13, defect 13: a failed write left the parent folders it created.
#[test]
fn a_failed_write_removes_the_parent_folders_it_created() {
    let (tmp, _) = fresh_target();
    let target = tmp.path().join("a/b/c/lz");
    lzgen()
        .arg("new")
        .arg(&target)
        .arg("--yes")
        .env("LZGEN_FAIL_AFTER_WRITES", "3")
        .assert()
        .code(3);
    assert_eq!(fs::read_dir(tmp.path()).expect("ls").count(), 0);
}
