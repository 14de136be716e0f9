//! Every insertion in the blueprints either goes through the quoting helper
//! of the place it lands, or inserts a value whose validation rule makes it
//! safe there (issue 13). This test reads every template and refuses:
//! - a raw `{{...}}` of a free-text answer (repository, branch, health
//!   path, an email, an OU name or path) outside a comment line: those must
//!   be quoted (`yaml`, `hcl`, `sub_text`, `sh`, `md_code`...);
//! - a raw insertion of anything not in `SAFE` below, which says for each
//!   value why it can never carry syntax. A new raw insertion fails here
//!   until it is quoted or added to the table with its reason.

use std::path::Path;

/// Helpers whose output is quoted for a format, or is a number or a fixed
/// word: an insertion that starts with one of them is not raw.
const QUOTING: &[&str] = &[
    "yaml",
    "json",
    "hcl",
    "hcl_text",
    "hcl_heredoc_json",
    "sub_text",
    "sh",
    "md",
    "md_code",
    "md_cell_code",
    "mermaid",
    // Identifiers made of [a-z0-9_] from an identifier.
    "snake",
    "lower",
    // Sums of numbers.
    "add",
];

/// Free-text answers: never inserted raw outside a comment.
const FREE_TEXT: &[&str] = &[
    "lz.pipeline.source.repository",
    "lz.pipeline.source.branch",
    "lz.pipeline.deploy.health_check_path",
    "lz.notifications.email",
    "email",
    "ou",
];

/// Raw insertions that are safe, by exact path or by prefix (ending in `.`),
/// each with the rule that makes it so.
const SAFE: &[(&str, &str)] = &[
    ("lz.organization.name", "validated [a-z][a-z0-9-]{1,19}"),
    ("lz.pipeline.application", "validated [a-z][a-z0-9-]{1,29}"),
    (
        "lz.names.",
        "resource names derived from organization.name and pipeline.application with fixed words and hyphens",
    ),
    (
        "lz.organization.home_region",
        "a region code from the built-in table",
    ),
    (
        "lz.organization.partition",
        "aws, aws-cn or aws-us-gov, from the region table",
    ),
    ("region", "a region code from the built-in table"),
    (
        "vpc",
        "a position in a workload target's Networks list: a number lzgen counts (NetworkSlots)",
    ),
    (
        "roles",
        "an account's roles from lzgen's fixed list, joined with commas, in a comment",
    ),
    (
        "after",
        "the logical ID stem of the account created before: letters and digits lzgen derives",
    ),
    ("public1", "a position in Networks, as above"),
    ("public2", "a position in Networks, as above"),
    ("private1", "a position in Networks, as above"),
    ("private2", "a position in Networks, as above"),
    ("home_store.region", "a region code from the built-in table"),
    ("stack.region", "a region code from the built-in table"),
    ("lz.logging.", "numbers (retention days)"),
    ("lz.pipeline.rollback.", "numbers (alarm thresholds)"),
    (
        "lz.pipeline.deploy.",
        "enums (compute, strategy), numbers (ports, percent, minutes) and lzgen's own deployment config names and sentences",
    ),
    ("lz.pipeline.source.provider", "an enum"),
    (
        "lz.pipeline.source.bucket",
        "the bucket part of bucket/key, validated [a-z0-9.-], 3 to 63 characters",
    ),
    ("lzgen_version", "lzgen's own version"),
    (
        "name",
        "an account name ([a-z][a-z0-9-]{1,29}) or a name lzgen makes (alarms, stages, parameters); OU names are refused by the OU check",
    ),
    (
        "account.name",
        "an account name, validated [a-z][a-z0-9-]{1,29}",
    ),
    ("artifact.name", "an account name"),
    ("tooling.name", "an account name"),
    ("log_archive.name", "an account name"),
    ("security.name", "an account name"),
    ("id", "an account ID, validated as 12 digits"),
    ("account", "an account name"),
    (
        "account_id_value",
        "an account ID or a shell parameter lzgen names",
    ),
    ("this", "in lists of account names, region codes and roles"),
    ("cidr", "a CIDR block, parsed and printed by lzgen"),
    ("vpc.cidr", "a CIDR block, parsed and printed by lzgen"),
    (
        "logical_id",
        "a CloudFormation logical ID lzgen derives: letters and digits",
    ),
    ("ou_logical_id", "a logical ID lzgen derives"),
    (
        "id_select",
        "a CloudFormation Fn::Select lzgen writes of a list parameter's name and a position",
    ),
    (
        "node_id",
        "a Mermaid node ID lzgen makes of logical IDs: letters and digits",
    ),
    ("parent", "a logical ID lzgen derives"),
    ("created_after", "a logical ID lzgen derives"),
    (
        "id_env",
        "a shell variable name lzgen derives from an account name",
    ),
    (
        "id_parameter",
        "a parameter name lzgen derives from an account name",
    ),
    ("artifact.id_parameter", "a parameter name lzgen derives"),
    ("tooling.id_parameter", "a parameter name lzgen derives"),
    ("tooling.id_env", "a shell variable name lzgen derives"),
    ("log_archive.id_parameter", "a parameter name lzgen derives"),
    (
        "home_store.key_parameter",
        "a parameter name lzgen derives from a region code",
    ),
    (
        "key_parameter",
        "a parameter name lzgen derives from a region code",
    ),
    (
        "stack.",
        "stack names, files and descriptions lzgen derives from account names and region codes",
    ),
    (
        "root.",
        "Terraform root folders, accounts and descriptions lzgen derives",
    ),
    ("output.", "stack and output names lzgen derives"),
    ("scp.file", "a file name lzgen chooses"),
    ("file", "a file name lzgen chooses"),
    ("folder", "a folder name lzgen derives from account names"),
    ("kind", "an enum"),
    ("key", "an output or parameter name lzgen chooses"),
    (
        "description",
        "a sentence lzgen writes, holding only names and IDs",
    ),
    ("note", "a sentence lzgen writes"),
    ("command", "a command lzgen writes, holding only names"),
    ("placeholder", "a shell variable name lzgen derives"),
    (
        "by_url",
        "a shell variable name lzgen derives from a region code (TEMPLATE_BUCKET_US_EAST_1)",
    ),
    ("purpose", "a sentence lzgen writes from roles"),
    ("strategy_sentence", "a sentence lzgen writes"),
    ("target_group", "a logical ID lzgen chooses"),
    (
        "label",
        "a Terraform resource name, a literal in the blueprints' bucket-protection calls",
    ),
    (
        "access_logs",
        "a logical ID or resource reference, a literal in the blueprints' bucket-protection calls",
    ),
    (
        "log_prefix",
        "a fixed prefix, a literal in the blueprints' bucket-protection calls",
    ),
    ("taskdef", "a file name lzgen chooses"),
    ("from", "a logical ID lzgen derives"),
    ("to", "a logical ID lzgen derives"),
    ("@index", "a number"),
    ("@../index", "a number"),
    (
        "github.ref",
        "GitHub Actions syntax, escaped in the template as \\{{",
    ),
];

/// Places where a free-text answer is inserted raw into text that no
/// character of a one-line, visible value can end (the rule every text
/// answer passes): file, line and why.
/// The line is found by a piece of its text, so that the places stay put
/// as the blueprints around them change.
const TEXT_PLACES: &[(&str, &str, &str)] = &[
    (
        "scripts/deploy.sh.hbs",
        "}}: the pipeline {{lz.names.pipeline}} builds and deploys it.",
        "the closing message, a quoted heredoc (<<'DONE'): an indented line is text and cannot end it",
    ),
    (
        "cloudformation/tooling/pipeline.yaml.hbs",
        "to create the connection to {{lz.pipeline.source.repository}} here;",
        "a folded block scalar (>-): every character of an indented line is text",
    ),
];

struct Insertion {
    file: String,
    line: usize,
    expr: String,
    comment_line: bool,
    /// Inside `{{#each lz.ous}}`, where `name` and `path` are an OU's.
    in_ous: bool,
}

fn insertions(root: &Path) -> Vec<Insertion> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("ls") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "hbs") {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let file = path
            .strip_prefix(root)
            .expect("under")
            .to_string_lossy()
            .into_owned();
        let comment_syntax =
            !file.ends_with(".md.hbs") && !path.starts_with(root.join("partials/readme"));
        // Block contexts: which `#each` (or other block) each `{{/x}}` closes.
        let mut blocks: Vec<String> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let comment_line = comment_syntax && line.trim_start().starts_with('#');
            let mut rest = line;
            while let Some(start) = rest.find("{{") {
                // `\{{` is literal text.
                if start > 0 && rest.as_bytes()[start - 1] == b'\\' {
                    rest = &rest[start + 2..];
                    continue;
                }
                let after = &rest[start..];
                let Some(end) = after.find("}}") else { break };
                let inner = after[2..end]
                    .trim_start_matches('{')
                    .trim_matches('~')
                    .trim();
                rest = &after[end + 2..];
                if let Some(block) = inner.strip_prefix('#') {
                    blocks.push(block.to_string());
                    continue;
                }
                if inner.starts_with('/') {
                    blocks.pop();
                    continue;
                }
                if inner.starts_with('>')
                    || inner.starts_with('!')
                    || inner == "else"
                    || inner.starts_with("else ")
                {
                    continue;
                }
                let in_ous = blocks
                    .iter()
                    .rev()
                    .find(|b| b.starts_with("each "))
                    .is_some_and(|b| b.starts_with("each lz.ous"));
                out.push(Insertion {
                    file: file.clone(),
                    line: n + 1,
                    expr: inner.to_string(),
                    comment_line,
                    in_ous,
                });
            }
        }
    }
    out
}

fn bare(expr: &str) -> String {
    let mut e = expr.trim();
    loop {
        if let Some(r) = e.strip_prefix("@root.") {
            e = r;
        } else if let Some(r) = e.strip_prefix("../") {
            e = r;
        } else {
            break;
        }
    }
    e.to_string()
}

#[test]
fn every_insertion_is_quoted_or_safe_by_its_rule() {
    let root = crate::support::repo_root().join("blueprints");
    let all = insertions(&root);
    assert!(all.len() > 400, "found only {} insertions", all.len());
    let mut quoted = 0;
    let mut raw_safe = 0;
    let mut raw_in_comments = 0;
    let mut problems = Vec::new();
    for ins in &all {
        let first = ins.expr.split_whitespace().next().unwrap_or_default();
        if QUOTING.contains(&first) {
            quoted += 1;
            continue;
        }
        let path = bare(first);
        let free_text = FREE_TEXT.contains(&path.as_str())
            || (ins.in_ous && matches!(path.as_str(), "name" | "path"));
        let place = format!("{}:{}: `{{{{{}}}}}`", ins.file, ins.line, ins.expr);
        if free_text {
            let text_place = TEXT_PLACES.iter().any(|(file, needle, _)| {
                *file == ins.file
                    && std::fs::read_to_string(format!("blueprints/{file}"))
                        .expect("blueprint")
                        .lines()
                        .nth(ins.line - 1)
                        .is_some_and(|l| l.contains(needle))
            });
            if ins.comment_line || text_place {
                raw_in_comments += 1;
            } else {
                problems.push(format!(
                    "{place} inserts a free-text answer raw; quote it for the place it lands"
                ));
            }
            continue;
        }
        if first == "indent" {
            // `indent` places a policy render::policy wrote, every value in
            // it quoted for its flavour (tested there with hostile text);
            // anything else through it would be raw.
            if ins
                .expr
                .split_whitespace()
                .nth(1)
                .is_some_and(|a| a.starts_with("policies."))
            {
                quoted += 1;
            } else {
                problems.push(format!(
                    "{place} indents something other than a policy lzgen wrote"
                ));
            }
            continue;
        }
        if first == "concat" || first == "join" {
            // `concat` and `join` build text raw: only inside a quoting helper,
            // or of values that are safe themselves.
            if ins.expr.contains("lz.pipeline.source") || ins.expr.contains("email") || ins.in_ous {
                problems.push(format!("{place} concatenates a free-text answer raw"));
            } else {
                raw_safe += 1;
            }
            continue;
        }
        let safe = SAFE.iter().any(|(p, _)| {
            if p.ends_with('.') {
                path.starts_with(p)
            } else {
                path == *p
            }
        });
        if safe {
            raw_safe += 1;
        } else {
            problems.push(format!(
                "{place} inserts `{path}` raw, which no rule in SAFE covers: quote it, or add it with the rule that makes it safe"
            ));
        }
    }
    eprintln!(
        "blueprint insertions: {} in all; {quoted} through a quoting helper, {raw_safe} raw of values safe by their rule, \
         {raw_in_comments} free text raw in comments or a quoted heredoc",
        all.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check finds what it must: a raw free-text insertion, and a raw
/// insertion no rule covers.
#[test]
fn the_insertion_check_refuses_raw_free_text() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("x.yaml.hbs"),
        "# {{lz.pipeline.source.branch}} in a comment is fine\nBranch: {{lz.pipeline.source.branch}}\n{{#each lz.ous}}\nName: {{name}}\n{{/each}}\nOther: {{mystery}}\n",
    )
    .expect("write");
    let found = insertions(tmp.path());
    let raw_free: Vec<_> = found
        .iter()
        .filter(|i| {
            !i.comment_line
                && (FREE_TEXT.contains(&bare(&i.expr).as_str()) || (i.in_ous && i.expr == "name"))
        })
        .map(|i| i.line)
        .collect();
    assert_eq!(raw_free, vec![2, 4]);
    assert!(
        found
            .iter()
            .any(|i| i.expr == "mystery" && !SAFE.iter().any(|(p, _)| *p == "mystery"))
    );
}

/// The bucket-protection partials insert their parameters raw; that is safe
/// only while every call passes literals the blueprints choose, never a
/// value from the answers.
#[test]
fn bucket_protection_is_called_with_literals_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
    let mut stack = vec![root];
    let mut calls = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("ls") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for line in text.lines().filter(|l| l.contains("-bucket-protection ")) {
                calls += 1;
                let args = line
                    .trim()
                    .trim_start_matches("{{>")
                    .trim_end_matches("}}")
                    .split_whitespace()
                    .skip(1);
                for arg in args {
                    let (_, value) = arg.split_once('=').expect("a hash argument");
                    assert!(
                        value.len() >= 2
                            && value.starts_with('"')
                            && value.ends_with('"')
                            && value[1..value.len() - 1]
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "_./".contains(c)),
                        "{}: `{line}` passes {arg}, not a plain literal",
                        path.display()
                    );
                }
            }
        }
    }
    assert_eq!(
        calls, 11,
        "two buckets each in log-archive and artifact, per flavour, the state bucket, and the \
         template bucket and its access-log bucket (CloudFormation only)"
    );
}
