//! Your own blueprints: `lzgen blueprints list|eject`, and `--blueprints
//! DIR` on new, plan, validate, check and update.

use crate::support::{lzgen, read_tree};
use std::fs;
use std::path::Path;

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = lzgen().current_dir(cwd).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn list_names_each_blueprint_with_what_it_renders_and_when() {
    let (code, out, _) = run(Path::new("."), &["blueprints", "list", "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let listed = json["blueprints"].as_array().expect("a list");
    let find = |name: &str| {
        listed
            .iter()
            .find(|b| b["blueprint"] == name)
            .unwrap_or_else(|| panic!("{name} is not listed"))
    };
    assert_eq!(find("README.md.hbs")["renders"], "README.md");
    assert_eq!(find(".gitignore.hbs")["when"], "once, Terraform only");
    assert_eq!(
        find("policies/scp.json.hbs")["when"],
        "once per guardrail in guardrails.scps"
    );
    assert!(
        find("partials/network.hbs")["renders"]
            .as_str()
            .is_some_and(|r| r.contains("{{> network}}"))
    );
    assert_eq!(find("manifest.yaml")["when"], "read first");
    // Every embedded blueprint, once.
    let names: Vec<&str> = listed
        .iter()
        .filter_map(|b| b["blueprint"].as_str())
        .collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    assert!(names.len() > 100, "{}", names.len());
}

#[test]
fn eject_writes_the_named_blueprints_or_all_into_a_new_folder_only() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (code, _, err) = run(
        tmp.path(),
        &[
            "blueprints",
            "eject",
            "some",
            "README.md",
            "cloudformation/tooling",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let some = read_tree(&tmp.path().join("some"));
    assert!(some.contains_key("README.md.hbs"), "{:?}", some.keys());
    assert!(
        some.keys()
            .any(|k| k.starts_with("cloudformation/tooling/"))
    );
    assert!(
        some.keys()
            .all(|k| k == "README.md.hbs" || k.starts_with("cloudformation/tooling/"))
    );

    let (code, _, _) = run(tmp.path(), &["blueprints", "eject", "all"]);
    assert_eq!(code, 0);
    let (_, listed, _) = run(tmp.path(), &["blueprints", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("json");
    assert_eq!(
        read_tree(&tmp.path().join("all")).len(),
        listed["blueprints"].as_array().expect("list").len()
    );

    // Never over a folder with files, never an unknown name; nothing written.
    let before = read_tree(&tmp.path().join("some"));
    let (code, _, err) = run(tmp.path(), &["blueprints", "eject", "some", "Makefile"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: DIR: expected a missing or empty folder"),
        "{err}"
    );
    assert_eq!(read_tree(&tmp.path().join("some")), before);
    let (code, _, err) = run(tmp.path(), &["blueprints", "eject", "none", "nope.hbs"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: NAME: expected a blueprint or a folder of them, found `nope.hbs`"),
        "{err}"
    );
    assert!(!tmp.path().join("none").exists());
}

/// An ejected and edited blueprint changes the output; the repo records
/// the folder, so `check` and `update` render with it again.
#[test]
fn an_edited_blueprint_changes_the_output_and_check_and_update_honour_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cwd = tmp.path();
    assert_eq!(run(cwd, &["blueprints", "eject", "mine", "README.md"]).0, 0);
    let readme = cwd.join("mine/README.md.hbs");
    let text = fs::read_to_string(&readme).expect("read");
    fs::write(
        &readme,
        format!("{text}\nOur team's runbook: see the wiki.\n"),
    )
    .expect("write");

    let (code, _, err) = run(cwd, &["new", "repo", "--yes", "--blueprints", "mine"]);
    assert_eq!(code, 0, "{err}");
    let rendered = fs::read_to_string(cwd.join("repo/README.md")).expect("README");
    assert!(
        rendered.ends_with("\nOur team's runbook: see the wiki.\n"),
        "{rendered}"
    );
    // Without the folder the same answers render lzgen's own README.
    let (code, plain, _) = run(cwd, &["plan", "--yes", "--json"]);
    assert_eq!(code, 0);
    let (_, mine, _) = run(cwd, &["plan", "--yes", "--json", "--blueprints", "mine"]);
    assert_ne!(plain, mine);

    assert_eq!(
        run(cwd, &["check", "repo"]).0,
        0,
        "check uses the recorded folder"
    );
    fs::write(&readme, format!("{text}\nOur runbook moved.\n")).expect("write");
    let (code, out, _) = run(cwd, &["check", "repo"]);
    assert_eq!(code, 1);
    assert!(out.contains("stale  README.md"), "{out}");
    let (code, _, err) = run(cwd, &["update", "repo"]);
    assert_eq!(code, 0, "{err}");
    let rendered = fs::read_to_string(cwd.join("repo/README.md")).expect("README");
    assert!(rendered.ends_with("\nOur runbook moved.\n"), "{rendered}");

    // A folder that went away is named, with the way out.
    fs::rename(cwd.join("mine"), cwd.join("moved")).expect("mv");
    let (code, _, err) = run(cwd, &["check", "repo"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("rendered with the blueprints in `../mine`"),
        "{err}"
    );
    assert_eq!(run(cwd, &["check", "repo", "--blueprints", "moved"]).0, 0);
}

/// A broken override: exit 2 naming the blueprint and its line, and
/// nothing written; `validate` refuses it too.
#[test]
fn a_broken_blueprint_is_named_with_its_line_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cwd = tmp.path();
    fs::create_dir_all(cwd.join("mine")).expect("mkdir");
    fs::write(
        cwd.join("mine/README.md.hbs"),
        "# {{lz.organization.name}}\n\n{{#if lz.organization.name}}\nnever closed\n",
    )
    .expect("write");
    for command in ["new", "validate"] {
        let args: Vec<&str> = match command {
            "new" => vec!["new", "repo", "--yes", "--blueprints", "mine"],
            _ => vec!["validate", "--yes", "--blueprints", "mine"],
        };
        let (code, _, err) = run(cwd, &args);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("error: --blueprints: mine: blueprint `README.md.hbs`"),
            "{err}"
        );
        assert!(err.contains("\"README.md.hbs\":5:1"), "{err}");
        assert!(!cwd.join("repo").exists());
    }
    // A file that renders but does not parse back is the folder's too.
    fs::write(cwd.join("mine/README.md.hbs"), "fine\n").expect("write");
    fs::write(cwd.join("mine/.yamllint.yaml.hbs"), "rules: [\n").expect("write");
    let (code, _, err) = run(cwd, &["new", "repo", "--yes", "--blueprints", "mine"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("a file rendered from these blueprints does not parse back"),
        "{err}"
    );
    assert!(err.contains(".yamllint.yaml: YAML does not parse"), "{err}");
    assert!(!cwd.join("repo").exists());
}
