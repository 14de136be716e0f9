//! Day two: change an answer, render again, keep every hand edit
//! (`lzgen update`), and tell in CI whether a repo is current (`lzgen check`).

use crate::support::{fresh_target, lzgen, new_standard, read_tree};
use std::fs;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = lzgen()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("lzgen runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn edit(dir: &Path, path: &str, f: impl FnOnce(String) -> String) {
    let text = read(dir, path);
    let edited = f(text.clone());
    assert_ne!(edited, text, "{path}: the edit changed nothing");
    fs::write(dir.join(path), edited).expect("write");
}

/// The status `check` gives a path in its list (`status  path` lines).
fn status<'o>(out: &'o str, path: &str) -> Option<&'o str> {
    out.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_suffix(path).map(str::trim))
        .filter(|s| !s.is_empty())
}

/// An answer changed in lzgen.yaml: a second region, eu-west-1.
fn add_a_region(repo: &Path) {
    edit(repo, "lzgen.yaml", |t| {
        t.replace(
            "  regions: [us-east-1]\n",
            "  regions: [us-east-1, eu-west-1]\n",
        )
    });
}

const ADDED_REGION: &str = "cloudformation/security/security-eu-west-1.yaml";

#[test]
fn update_keeps_edits_and_comments_adds_and_removes_a_region_and_marks_conflicts() {
    let (_tmp, repo) = fresh_target();
    new_standard(&repo);
    assert_eq!(run(&repo, &["check"]).0, 0, "a fresh render is current");

    // A hand edit to a generated file, and a comment in lzgen.yaml with a
    // changed answer: a second region.
    edit(&repo, "app/buildspec.yml", |t| t + "# my own step\n");
    edit(&repo, "lzgen.yaml", |t| {
        t.replace(
            "  regions: [us-east-1]\n",
            "  # eu-west-1 for the Dublin team\n  regions: [us-east-1, eu-west-1]\n",
        )
    });
    let answers = read(&repo, "lzgen.yaml");

    // Nothing is written on a dry run; it says what would happen.
    let before = read_tree(&repo);
    let (code, out) = run(&repo, &["update", "--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(ADDED_REGION), "{out}");
    assert_eq!(read_tree(&repo), before, "--dry-run wrote");

    let (code, out) = run(&repo, &["update"]);
    assert_eq!(code, 0, "{out}");
    assert!(repo.join(ADDED_REGION).is_file(), "the new region's files");
    assert!(read(&repo, "app/buildspec.yml").ends_with("# my own step\n"));
    assert_eq!(
        read(&repo, "lzgen.yaml"),
        answers,
        "lzgen.yaml is the user's"
    );
    // Current again, the edit aside: check names only that file.
    let (code, out) = run(&repo, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        status(&out, "app/buildspec.yml"),
        Some("edited by hand"),
        "{out}"
    );
    assert!(
        out.contains("+++ b/app/buildspec.yml"),
        "a unified diff: {out}"
    );
    let listed = out.lines().take_while(|l| !l.is_empty()).count();
    assert_eq!(listed, 1, "{out}");

    // The region removed again: its files go, the edit and comment stay.
    edit(&repo, "lzgen.yaml", |t| {
        t.replace(
            "  regions: [us-east-1, eu-west-1]\n",
            "  regions: [us-east-1]\n",
        )
    });
    let (code, out) = run(&repo, &["update"]);
    assert_eq!(code, 0, "{out}");
    assert!(!repo.join(ADDED_REGION).exists(), "{out}");
    let left: Vec<String> = read_tree(&repo)
        .into_keys()
        .filter(|p| p.contains("eu-west-1"))
        .collect();
    assert!(left.is_empty(), "files of the removed region: {left:?}");
    assert!(read(&repo, "app/buildspec.yml").ends_with("# my own step\n"));
    assert!(read(&repo, "lzgen.yaml").contains("# eu-west-1 for the Dublin team"));

    // The same lines changed by hand and by lzgen: marked, exit 1.
    edit(&repo, "policies/scp/restrict-regions.json", |t| {
        t.replacen("\"us-east-1\"", "\"us-east-1\", \"ap-south-1\"", 1)
    });
    add_a_region(&repo);
    let (code, out) = run(&repo, &["update"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("conflict"), "{out}");
    let marked = read(&repo, "policies/scp/restrict-regions.json");
    assert!(
        marked.contains("<<<<<<< yours (the repository)") && marked.contains("\"ap-south-1\""),
        "{marked}"
    );
    assert!(
        marked.contains(">>>>>>> lzgen (the new render)"),
        "{marked}"
    );
    assert!(marked.contains("\"eu-west-1\""), "{marked}");
}

#[test]
fn check_is_current_after_update_and_tells_stale_from_edited() {
    let (_tmp, repo) = fresh_target();
    new_standard(&repo);
    // An answer changed and not yet rendered: the files it touches are
    // stale, not edited.
    add_a_region(&repo);
    let (code, out) = run(&repo, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(status(&out, "README.md"), Some("stale"), "{out}");
    assert_eq!(status(&out, ADDED_REGION), Some("missing"), "{out}");
    let list: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert!(
        list.iter()
            .all(|l| l.starts_with("stale") || l.starts_with("missing")),
        "{out}"
    );
    assert_eq!(run(&repo, &["update"]).0, 0);
    assert_eq!(run(&repo, &["check"]).0, 0, "current after update");
    // --json lists the files.
    edit(&repo, "README.md", |t| t + "\nOur notes.\n");
    let (code, out) = run(&repo, &["--json", "check"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(doc["current"], false);
    assert_eq!(
        doc["files"],
        serde_json::json!([{"path": "README.md", "status": "edited by hand"}])
    );
}

#[test]
fn new_force_refuses_to_overwrite_an_edit_and_names_update() {
    let (_tmp, repo) = fresh_target();
    new_standard(&repo);
    let target = repo.to_str().expect("utf-8");
    // Unedited: --force may write again.
    lzgen()
        .args(["new", target, "--yes", "--force"])
        .assert()
        .success();
    edit(&repo, "scripts/deploy.sh", |t| t + "# mine\n");
    let before = read_tree(&repo);
    let out = lzgen()
        .args(["new", target, "--yes", "--force"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scripts/deploy.sh") && err.contains("lzgen update"),
        "{err}"
    );
    assert_eq!(read_tree(&repo), before, "nothing was written");
}

#[test]
fn a_folder_holding_only_what_a_fresh_clone_has_counts_as_empty() {
    let (_tmp, repo) = fresh_target();
    fs::create_dir_all(repo.join(".git/objects")).expect("mkdir");
    fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    fs::write(repo.join(".gitignore"), "*.tfstate\n").expect("write");
    new_standard(&repo);
    assert_eq!(read(&repo, ".gitignore"), "*.tfstate\n");
    assert!(repo.join("lzgen.yaml").is_file());
    // A generated path among the hidden entries (.github) is not empty.
    let (_tmp2, other) = fresh_target();
    fs::create_dir_all(other.join(".github")).expect("mkdir");
    lzgen()
        .args(["new", other.to_str().expect("utf-8"), "--yes"])
        .assert()
        .code(2);
}

#[test]
fn update_without_lzgens_state_refuses_and_writes_nothing() {
    let (_tmp, repo) = fresh_target();
    new_standard(&repo);
    fs::remove_dir_all(repo.join(".lzgen")).expect("rm");
    let before = read_tree(&repo);
    let out = lzgen()
        .current_dir(&repo)
        .arg("update")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".lzgen/pristine.json.gz"));
    assert_eq!(read_tree(&repo), before);
    // Outside a generated repo: exit 2, the folder named.
    let (_tmp, empty) = fresh_target();
    fs::create_dir(&empty).expect("mkdir");
    let out = lzgen()
        .args(["check", empty.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lzgen.yaml"));
}

#[test]
fn a_repo_rendered_by_the_previous_lzgen_updates_cleanly() {
    let state = include_bytes!("../fixtures/lzgen-0.1.0-standard/pristine.json.gz");
    let previous = lzgen::state::Pristine::decode(state).expect("the fixture decodes");
    let (_tmp, repo) = fresh_target();
    for (path, file) in &previous.files {
        let at = repo.join(path);
        fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
        fs::write(&at, &file.text).expect("write");
        #[cfg(unix)]
        if file.executable {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&at, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    fs::write(repo.join("lzgen.yaml"), &previous.answers).expect("write");
    fs::create_dir_all(repo.join(".lzgen")).expect("mkdir");
    fs::write(repo.join(".lzgen/pristine.json.gz"), state).expect("write");

    let (code, out) = run(&repo, &["update"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("conflict"), "{out}");
    // The previous README told users to run `lzgen new` again.
    assert!(out.contains("  README.md\n"), "{out}");
    assert_eq!(run(&repo, &["check"]).0, 0, "current after the update");
    // Every generated file is what the current lzgen renders from the same
    // answers, and the answers file is as it was.
    let (_tmp2, fresh) = fresh_target();
    let answers = repo.join("lzgen.yaml");
    lzgen()
        .args(["new", fresh.to_str().expect("utf-8"), "--config"])
        .arg(&answers)
        .assert()
        .success();
    let generated = |dir: &Path| {
        read_tree(dir)
            .into_iter()
            .filter(|(p, _)| p != "lzgen.yaml")
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(generated(&repo), generated(&fresh));
    assert_eq!(read(&repo, "lzgen.yaml"), previous.answers);
}

/// `plan DIR` on a generated repo shows what `update` would change there,
/// exactly as `update --dry-run` does, and writes nothing; answers beside
/// DIR are refused, as they would not be in the plan.
#[test]
fn plan_dir_is_update_dry_run() {
    let (_tmp, repo) = fresh_target();
    new_standard(&repo);
    add_a_region(&repo);
    let before = read_tree(&repo);
    let dir = repo.to_str().expect("utf-8");
    let planned = run(&repo, &["plan", dir]);
    assert_eq!(planned, run(&repo, &["update", "--dry-run", dir]));
    assert_eq!(planned.0, 0);
    assert!(planned.1.contains(ADDED_REGION), "{}", planned.1);
    assert_eq!(read_tree(&repo), before, "plan wrote");

    let out = lzgen().args(["plan", dir, "--yes"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: --yes: expected no answers beside DIR, found --yes"),
        "{stderr}"
    );
}
