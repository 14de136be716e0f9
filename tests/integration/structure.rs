//! The shape the source keeps (issue 14): files small enough to read in one
//! sitting, a model that knows AWS but not the generated files' layout, and
//! top-level modules that depend on each other in one direction only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src())
        .expect("under src")
        .to_string_lossy()
        .replace('\\', "/")
}

/// A file's code without its unit tests and comments: what ships.
fn shipped_code(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
        .collect()
}

fn is_test_file(rel: &str) -> bool {
    rel.split('/')
        .any(|part| part == "tests" || part == "tests.rs")
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 40, "found only {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).expect("utf-8").lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", relative(f)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by concern: {}",
        long.join(", ")
    );
}

/// What only the generated files' layout knows: where files go, what a
/// template's parameters and a Terraform state are called. `lzgen.yaml` is
/// the user's file, not output, and may be named.
const LAYOUT_MARKERS: &[&str] = &[
    "cloudformation/",
    "terraform/",
    "policies/",
    "scripts/",
    "workloads/",
    ".parameters.json",
    ".tfstate",
    ".json\"",
    ".tf\"",
    ".sh\"",
    "AccountId\"",
    "id_parameter",
    "parameters_file",
    "key_parameter",
    "state_key:",
    "taskdef",
];

#[test]
fn the_model_names_no_file_path_parameter_or_state_key() {
    let mut files = Vec::new();
    rust_files(&src().join("model"), &mut files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !is_test_file(&relative(f))) {
        let text = std::fs::read_to_string(file).expect("utf-8");
        for (line, code) in shipped_code(&text) {
            let code = code.replace("lzgen.yaml", "");
            for marker in LAYOUT_MARKERS {
                if code.contains(marker) {
                    found.push(format!("{}:{line}: `{marker}`", relative(file)));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "file layout belongs in infra or render:\n{}",
        found.join("\n")
    );
}

/// The planted case: the check above does find a marker in shipped code.
#[test]
fn the_layout_check_sees_a_path_in_code_but_not_in_comments_or_tests() {
    let text = "/// cloudformation/ in a comment\nfn f() -> &'static str { \"cloudformation/x.yaml\" }\n#[cfg(test)]\nmod tests { const P: &str = \"terraform/\"; }\n";
    let code = shipped_code(text);
    assert_eq!(code.len(), 1);
    assert!(code[0].1.contains("cloudformation/"));
}

/// Top-level module `from` uses `to` when its shipped code says `crate::to`
/// (or the binary's `lzgen::to`).
fn module_uses() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = relative(file);
        if is_test_file(&rel) {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(file).expect("utf-8");
        let entry = uses.entry(module.clone()).or_default();
        for (_, code) in shipped_code(&text) {
            for part in code.split("crate::").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    entry.insert(name);
                }
            }
        }
    }
    uses
}

#[test]
fn top_level_modules_depend_one_way() {
    let uses = module_uses();
    // The flow of ARCHITECTURE.md: the model never reaches forward.
    for later in ["infra", "render", "verify", "output", "commands", "wizard"] {
        assert!(
            !uses["model"].contains(later),
            "model uses {later}: {:?}",
            uses["model"]
        );
    }
    assert!(!uses["infra"].contains("render"), "{:?}", uses["infra"]);
    assert!(!uses["render"].contains("output"), "{:?}", uses["render"]);
    // No circle at all: repeatedly remove modules that use nothing left.
    let mut left: BTreeMap<String, BTreeSet<String>> = uses.clone();
    loop {
        let leaves: Vec<String> = left
            .iter()
            .filter(|(_, to)| to.iter().all(|t| !left.contains_key(t)))
            .map(|(m, _)| m.clone())
            .collect();
        if leaves.is_empty() {
            break;
        }
        for leaf in leaves {
            left.remove(&leaf);
        }
    }
    assert!(
        left.is_empty(),
        "these modules use each other in a circle: {:?}",
        left
    );
}
