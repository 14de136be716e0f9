//! The hostile-input suite (issue 13): for every free-text key, a table of
//! hostile values, rendered with `organization.iac: both` in every variant
//! where the key lands somewhere else (source providers, compute kinds).
//!
//! Each hostile render is compared with a render of the same answers where
//! the value is a plain marker. Every YAML, JSON and HCL file is parsed in
//! both and reduced to its meaning (CloudFormation `!Sub` strings split into
//! text and references, HCL templates into literals and interpolations);
//! after the hostile value is replaced by the marker in the hostile file's
//! text leaves, the two must be equal. So the value is held exactly where the
//! marker is, and nowhere did it change a document's structure. Shell,
//! JavaScript and Markdown files are compared as text after each of the
//! value's quoted forms is replaced by the marker's, and the shell scripts
//! must pass `bash -n`. Values the rules refuse must be refused as invalid
//! input (exit 2), never rendered and never a bug.

use lzgen::render::RenderedFile;
use lzgen::render::helpers;
use serde_json::{Value as Json, json};
use serde_yaml::Value as Yaml;
use std::collections::BTreeMap;

/// Fragments that are syntax somewhere lzgen writes.
const FRAGMENTS: &[&str] = &[
    "'",
    "\"",
    "`",
    "``",
    "${HOME}",
    "${!x}",
    "%{if x}",
    "$(id)",
    "|",
    "<img src=x onerror=alert(1)>",
    "#",
    "\\",
    "\\u0041",
    "&",
    "*!",
    "{}",
    "]]",
    ": ",
    "; rm -rf /",
    "\\\"${",
];

/// Fragments the rules refuse wherever they appear.
const REFUSED: &[&str] = &[
    "\n",
    "\r",
    "\0",
    "\u{202e}",
    "\u{200b}",
    "\u{2028}",
    "\u{1b}[2J",
];

struct Key {
    /// The key the value goes to.
    key: &'static str,
    /// Answers that make the key land where this variant renders it.
    variant: &'static [&'static str],
    /// The value around a fragment, and the plain marker.
    shape: fn(&str) -> String,
    marker: &'static str,
}

fn keys() -> Vec<Key> {
    let ou = &["accounts[0].ou={v}", "accounts[1].ou={v}"][..];
    // Prod adopted (an existing account): the README then names its OU.
    let adopted_ou = &[
        "accounts[5].ou=Workloads/{v}",
        "accounts[5].id=\"222222222222\"",
    ][..];
    vec![
        Key {
            key: "pipeline.source.repository",
            variant: &["pipeline.source.provider=codeconnections"],
            shape: |f| format!("acme/lzmark{f}repo"),
            marker: "acme/lzmarkrepo",
        },
        Key {
            key: "pipeline.source.repository",
            variant: &["pipeline.source.provider=codecommit"],
            shape: |f| format!("lzmark{f}repo"),
            marker: "lzmarkrepo",
        },
        Key {
            key: "pipeline.source.repository",
            variant: &["pipeline.source.provider=s3"],
            shape: |f| format!("lzmark-bucket/lzmark{f}key.zip"),
            marker: "lzmark-bucket/lzmarkkey.zip",
        },
        Key {
            key: "pipeline.source.branch",
            variant: &["pipeline.source.provider=codeconnections"],
            shape: |f| format!("lzmark{f}branch"),
            marker: "lzmarkbranch",
        },
        Key {
            key: "pipeline.source.branch",
            variant: &[
                "pipeline.source.provider=codecommit",
                "pipeline.source.repository=lzmarkrepo",
            ],
            shape: |f| format!("lzmark{f}branch"),
            marker: "lzmarkbranch",
        },
        Key {
            key: "pipeline.deploy.health_check_path",
            variant: &[],
            shape: |f| format!("/lzmark{f}health"),
            marker: "/lzmarkhealth",
        },
        Key {
            key: "pipeline.deploy.health_check_path",
            variant: &[
                "pipeline.deploy.compute=lambda",
                "pipeline.deploy.strategy=all-at-once",
            ],
            shape: |f| format!("/lzmark{f}health"),
            marker: "/lzmarkhealth",
        },
        Key {
            key: "pipeline.deploy.health_check_path",
            variant: &[
                "pipeline.deploy.compute=ec2",
                "pipeline.deploy.strategy=in-place",
            ],
            shape: |f| format!("/lzmark{f}health"),
            marker: "/lzmarkhealth",
        },
        Key {
            key: "accounts[4].email",
            variant: &[],
            shape: |f| format!("lz{f}mark@acme.example"),
            marker: "lzmark@acme.example",
        },
        Key {
            key: "notifications.email",
            variant: &[],
            shape: |f| format!("lz{f}note@acme.example"),
            marker: "lznote@acme.example",
        },
        Key {
            key: "organizational_units[0].name",
            variant: ou,
            shape: |f| format!("LzMark{f}Ou"),
            marker: "LzMarkOu",
        },
        Key {
            key: "organizational_units[2].children[1].name",
            variant: adopted_ou,
            shape: |f| format!("LzMark{f}Prod"),
            marker: "LzMarkProd",
        },
        // Keys whose rules allow no syntax at all: every hostile value is
        // refused, and the marker shows where they land.
        Key {
            key: "organization.name",
            variant: &[],
            shape: |f| format!("lz{f}org"),
            marker: "lzorg",
        },
        Key {
            key: "pipeline.application",
            variant: &[],
            shape: |f| format!("lz{f}app"),
            marker: "lzapp",
        },
        Key {
            key: "accounts[4].name",
            variant: &["pipeline.stages=null"],
            shape: |f| format!("lz{f}dev"),
            marker: "lzdev",
        },
        Key {
            key: "notifications.slack.team_id",
            variant: &["notifications.slack.channel_id=C0123ABCD"],
            shape: |f| format!("T0{f}ABCD"),
            marker: "T0LZABCD",
        },
        Key {
            key: "notifications.slack.channel_id",
            variant: &["notifications.slack.team_id=T0123ABCD"],
            shape: |f| format!("C0{f}ABCD"),
            marker: "C0LZABCD",
        },
        Key {
            key: "accounts[4].cidr",
            variant: &[],
            shape: |f| format!("10.42.0.0{f}/16"),
            marker: "10.42.0.0/16",
        },
        Key {
            key: "accounts[5].id",
            variant: &[],
            shape: |f| format!("2222{f}22222222"),
            marker: "222222222222",
        },
    ]
}

/// The answers for one case: the standard preset as both flavours, the
/// variant, and the value, written as a JSON string (which YAML reads as a
/// double-quoted scalar, so the value is never YAML syntax on the way in).
fn sets(key: &Key, value: &str) -> Vec<String> {
    let quoted = serde_json::to_string(value).expect("json");
    let mut sets = vec!["organization.iac=both".to_string()];
    for set in key.variant {
        // `{v}` stands for the value (an OU renamed by the case: its
        // accounts follow it); the whole answer is then written as JSON.
        let (k, template) = set.split_once('=').expect("k=v");
        if template.contains("{v}") {
            let answer = serde_json::to_string(&template.replace("{v}", value)).expect("json");
            sets.push(format!("{k}={answer}"));
        } else {
            sets.push((*set).to_string());
        }
    }
    sets.push(format!("{}={quoted}", key.key));
    sets
}

fn resolve(
    sets: &[String],
) -> Result<(lzgen::model::LandingZone, Vec<RenderedFile>), lzgen::error::Error> {
    let sources = lzgen::config::Sources {
        preset: Some("standard".into()),
        sets: sets.to_vec(),
        ..lzgen::config::Sources::default()
    };
    let resolved = lzgen::resolve(&sources, |p| std::fs::read_to_string(p))?;
    let files = lzgen::generate(&resolved)?;
    Ok((resolved.zone, files))
}

/// Pairs of (hostile text, marker text) to replace, longest first: the
/// value itself, its JSON-escaped inside, and for an OU the identifiers
/// derived from its name.
fn replacements(
    value: &str,
    marker: &str,
    hostile: &lzgen::model::LandingZone,
    benign: &lzgen::model::LandingZone,
) -> Vec<(String, String)> {
    let inner = |s: &str| {
        let q = serde_json::to_string(s).expect("json");
        q[1..q.len() - 1].to_string()
    };
    let mut pairs = vec![
        (value.to_string(), marker.to_string()),
        (inner(value), inner(marker)),
    ];
    // `bucket/key` and `owner/name` are also used by their parts.
    if let (Some((_, v)), Some((_, m))) = (value.split_once('/'), marker.split_once('/')) {
        pairs.push((v.to_string(), m.to_string()));
    }
    for (h, b) in hostile.ous.iter().zip(&benign.ous) {
        if h.path != b.path {
            // An OU's path holds its name: quoted as a whole where it lands.
            pairs.push((h.path.clone(), b.path.clone()));
        }
        if h.logical_id != b.logical_id {
            let snake = |s: &str| helpers::snake(&Json::String(s.into()));
            pairs.push((h.logical_id.clone(), b.logical_id.clone()));
            pairs.push((snake(&h.logical_id), snake(&b.logical_id)));
        }
    }
    pairs.sort_by_key(|(h, _)| std::cmp::Reverse(h.len()));
    pairs.dedup();
    pairs
}

fn substitute(text: &str, pairs: &[(String, String)], count: &mut usize) -> String {
    let mut out = text.to_string();
    for (h, b) in pairs {
        if h != b && out.contains(h.as_str()) {
            *count += out.matches(h.as_str()).count();
            out = out.replace(h.as_str(), b);
        }
    }
    out
}

/// A CloudFormation `!Sub` string as text and references: `${Name}` is a
/// reference, `${!Name}` the text `${Name}`.
fn sub_parts(text: &str, pairs: &[(String, String)], count: &mut usize) -> Json {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        literal.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        if let Some(stripped) = after.strip_prefix('!') {
            literal.push_str("${");
            rest = stripped;
        } else if let Some(end) = after.find('}') {
            parts.push(json!({"text": substitute(&literal, pairs, count)}));
            literal.clear();
            parts.push(json!({"ref": &after[..end]}));
            rest = &after[end + 1..];
        } else {
            literal.push_str("${");
            rest = after;
        }
    }
    literal.push_str(rest);
    parts.push(json!({"text": substitute(&literal, pairs, count)}));
    Json::Array(parts)
}

fn text_leaf(text: &str, pairs: &[(String, String)], count: &mut usize) -> Json {
    let trimmed = text.trim();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(doc) = serde_json::from_str::<Json>(trimmed)
    {
        return json!({"json": canon_json(&doc, pairs, count)});
    }
    json!({"s": substitute(text, pairs, count)})
}

fn canon_yaml(v: &Yaml, pairs: &[(String, String)], count: &mut usize) -> Json {
    match v {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => json!(b),
        Yaml::Number(n) => json!({"n": n.to_string()}),
        Yaml::String(s) => text_leaf(s, pairs, count),
        Yaml::Sequence(items) => {
            Json::Array(items.iter().map(|i| canon_yaml(i, pairs, count)).collect())
        }
        Yaml::Mapping(map) => Json::Array(
            map.iter()
                .map(|(k, v)| json!([canon_yaml(k, pairs, count), canon_yaml(v, pairs, count)]))
                .collect(),
        ),
        Yaml::Tagged(t) if t.tag == "!Sub" => match &t.value {
            Yaml::String(s) => json!({"sub": sub_parts(s, pairs, count)}),
            Yaml::Sequence(items) if !items.is_empty() => {
                let template = match &items[0] {
                    Yaml::String(s) => sub_parts(s, pairs, count),
                    other => canon_yaml(other, pairs, count),
                };
                let vars: Vec<Json> = items[1..]
                    .iter()
                    .map(|i| canon_yaml(i, pairs, count))
                    .collect();
                json!({"sub": template, "vars": vars})
            }
            other => json!({"sub?": canon_yaml(other, pairs, count)}),
        },
        Yaml::Tagged(t) => {
            json!({"tag": t.tag.to_string(), "v": canon_yaml(&t.value, pairs, count)})
        }
    }
}

fn canon_json(v: &Json, pairs: &[(String, String)], count: &mut usize) -> Json {
    match v {
        Json::String(s) => text_leaf(s, pairs, count),
        Json::Array(items) => {
            Json::Array(items.iter().map(|i| canon_json(i, pairs, count)).collect())
        }
        Json::Object(map) => Json::Array(
            map.iter()
                .map(|(k, v)| json!([substitute(k, pairs, count), canon_json(v, pairs, count)]))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn canon_hcl_body(body: &hcl::Body, pairs: &[(String, String)], count: &mut usize) -> Json {
    let mut out = Vec::new();
    for structure in body.iter() {
        match structure {
            hcl::Structure::Attribute(a) => {
                out.push(json!({"attr": a.key(), "v": canon_hcl_expr(a.expr(), pairs, count)}));
            }
            hcl::Structure::Block(b) => {
                let labels: Vec<Json> = b
                    .labels()
                    .iter()
                    .map(|l| json!(substitute(l.as_str(), pairs, count)))
                    .collect();
                out.push(json!({
                    "block": b.identifier(),
                    "labels": labels,
                    "body": canon_hcl_body(b.body(), pairs, count),
                }));
            }
        }
    }
    Json::Array(out)
}

fn canon_hcl_expr(e: &hcl::Expression, pairs: &[(String, String)], count: &mut usize) -> Json {
    use hcl::Expression as E;
    match e {
        E::String(s) => text_leaf(s, pairs, count),
        E::TemplateExpr(t) => {
            let template = hcl::Template::from_expr(t).expect("a template that parses");
            let parts: Vec<Json> = template
                .elements()
                .iter()
                .map(|el| match el {
                    hcl::template::Element::Literal(text) => text_leaf(text, pairs, count),
                    hcl::template::Element::Interpolation(i) => {
                        json!({"interp": substitute(&i.expr.to_string(), pairs, count)})
                    }
                    hcl::template::Element::Directive(d) => json!({"directive": format!("{d:?}")}),
                })
                .collect();
            json!({"template": parts})
        }
        E::Array(items) => Json::Array(
            items
                .iter()
                .map(|i| canon_hcl_expr(i, pairs, count))
                .collect(),
        ),
        E::Object(map) => Json::Array(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        hcl::ObjectKey::Expression(e) => canon_hcl_expr(e, pairs, count),
                        hcl::ObjectKey::Identifier(i) => {
                            json!({"id": substitute(i.as_str(), pairs, count)})
                        }
                        other => json!(format!("{other:?}")),
                    };
                    json!([key, canon_hcl_expr(v, pairs, count)])
                })
                .collect(),
        ),
        E::FuncCall(f) => json!({
            "call": f.name.to_string(),
            "args": f.args.iter().map(|a| canon_hcl_expr(a, pairs, count)).collect::<Vec<_>>(),
        }),
        // Anything else (references, operators, numbers): its source, with
        // derived identifiers replaced.
        other => json!({"expr": substitute(&other.to_string(), pairs, count)}),
    }
}

/// Shell text where the value may appear only single-quoted (whole, or as
/// part of a longer quoted word), on comment lines, or inside quoted
/// heredocs, where it is text: those occurrences are replaced by the
/// marker; one anywhere else stays and shows as a difference.
fn canon_shell(text: &str, pairs: &[(String, String)], count: &mut usize) -> String {
    let inner = |s: &str| s.replace('\'', "'\\''");
    let quoted: Vec<(String, String)> = pairs.iter().map(|(h, b)| (inner(h), inner(b))).collect();
    let mut heredoc_end: Option<String> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let mut line = line.to_string();
        if let Some(end) = &heredoc_end {
            if line.trim() == end {
                heredoc_end = None;
            } else {
                line = substitute(&line, pairs, count);
            }
        } else if line.trim_start().starts_with('#') {
            line = substitute(&line, pairs, count);
        } else {
            line = replace_in_single_quotes(&line, &quoted, count);
            if let Some(at) = line.find("<<'").or_else(|| line.find("<<-'")) {
                let tag = line[at..]
                    .trim_start_matches("<<-")
                    .trim_start_matches("<<");
                let tag = tag.trim_start_matches('\'');
                heredoc_end = tag.split('\'').next().map(str::to_string);
            }
        }
        out.push(line);
    }
    out.join("\n")
}

/// Replaces each `(from, to)` that starts inside a single-quoted part of a
/// shell line (outside double quotes, before a comment).
fn replace_in_single_quotes(line: &str, pairs: &[(String, String)], count: &mut usize) -> String {
    // The quoting state before each byte: 0 plain, 1 single, 2 double; a
    // `$(` opens a plain context again, even inside double quotes.
    let bytes = line.as_bytes();
    let mut state = vec![0u8; bytes.len()];
    let mut stack = vec![0u8];
    let mut i = 0;
    while i < bytes.len() {
        let s = *stack.last().unwrap_or(&0);
        state[i] = s;
        match (s, bytes[i]) {
            (0, b'\'') => stack.push(1),
            (1, b'\'') | (2, b'"') => {
                stack.pop();
            }
            (0, b'"') => stack.push(2),
            (0 | 2, b'$') if bytes.get(i + 1) == Some(&b'(') => {
                stack.push(0);
                i += 1;
            }
            (0, b')') if stack.len() > 1 => {
                stack.pop();
            }
            (0 | 2, b'\\') => {
                if i + 1 < bytes.len() {
                    state[i + 1] = s;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    let mut at = 0;
    'scan: while at < line.len() {
        for (from, to) in pairs {
            if from != to && line[at..].starts_with(from.as_str()) && at > 0 && state[at] == 1 {
                out.push_str(to);
                *count += 1;
                at += from.len();
                continue 'scan;
            }
        }
        let c = line[at..].chars().next().expect("a char");
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// Text with each of the value's escaped forms for `escapers` replaced by
/// the marker's.
fn canon_text(
    text: &str,
    pairs: &[(String, String)],
    escapers: &[fn(&Json) -> String],
    count: &mut usize,
) -> String {
    let mut forms = Vec::new();
    for (h, b) in pairs {
        for escape in escapers {
            let (h, b) = (
                escape(&Json::String(h.clone())),
                escape(&Json::String(b.clone())),
            );
            forms.push((h.clone(), b.clone()));
            // The inside of a quoted form, for a value set in a longer label.
            if let (Some(hi), Some(bi)) = (
                h.strip_prefix('"').and_then(|x| x.strip_suffix('"')),
                b.strip_prefix('"').and_then(|x| x.strip_suffix('"')),
            ) {
                forms.push((hi.to_string(), bi.to_string()));
            }
        }
    }
    forms.sort_by_key(|(h, _)| std::cmp::Reverse(h.len()));
    substitute(text, &forms, count)
}

fn meaning(path: &str, text: &str, pairs: &[(String, String)], count: &mut usize) -> Json {
    let ext = path.rsplit('.').next().unwrap_or_default();
    match ext {
        "yaml" | "yml" => {
            let doc: Yaml =
                serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            canon_yaml(&doc, pairs, count)
        }
        "json" => {
            let doc: Json =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            canon_json(&doc, pairs, count)
        }
        "tf" => {
            let body: hcl::Body =
                hcl::from_str(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            canon_hcl_body(&body, pairs, count)
        }
        "sh" => json!(canon_shell(text, pairs, count)),
        "md" => json!(canon_text(
            text,
            pairs,
            &[
                helpers::md_code,
                helpers::md_cell_code,
                helpers::md,
                helpers::mermaid
            ],
            count
        )),
        "js" | "py" => json!(canon_text(text, pairs, &[helpers::json], count)),
        // Files no value reaches (Makefile, Dockerfile, .gitignore...):
        // compared byte for byte.
        _ => json!(text),
    }
}

fn bash_syntax_ok(path: &str, text: &str) {
    let tmp = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(tmp.path(), text).expect("write");
    let out = std::process::Command::new("bash")
        .arg("-n")
        .arg(tmp.path())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{path}: bash -n: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn no_hostile_value_changes_what_a_generated_file_means() {
    let mut rendered = 0;
    let mut refused = 0;
    let mut compared_files = 0;
    let mut failures = Vec::new();
    let only = std::env::var("HOSTILE_ONLY").ok();
    for key in keys() {
        if only.as_deref().is_some_and(|o| !key.key.contains(o)) {
            continue;
        }
        let (benign_zone, benign_files) = resolve(&sets(&key, key.marker))
            .unwrap_or_else(|e| panic!("{} marker renders: {:?}", key.key, e.problems()));
        let benign: BTreeMap<&str, &RenderedFile> =
            benign_files.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut cases: Vec<(String, bool)> =
            FRAGMENTS.iter().map(|f| ((key.shape)(f), false)).collect();
        cases.push(((key.shape)(&FRAGMENTS.concat()), false));
        cases.extend(REFUSED.iter().map(|f| ((key.shape)(f), true)));
        cases.push(((key.shape)(&"a".repeat(1 << 20)), true));
        for (value, must_refuse) in cases {
            let label = format!(
                "{} {:?} = {:?}",
                key.key,
                key.variant,
                lzgen::config::limits::printable(&value, 60)
            );
            match resolve(&sets(&key, &value)) {
                Err(lzgen::error::Error::Invalid(_)) => {
                    refused += 1;
                }
                Err(other) => failures.push(format!("{label}: not exit 2 but {other}")),
                Ok(_) if must_refuse => failures.push(format!("{label}: rendered, not refused")),
                Ok((zone, files)) => {
                    rendered += 1;
                    let pairs = replacements(&value, key.marker, &zone, &benign_zone);
                    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
                    let benign_paths: Vec<&str> = benign.keys().copied().collect();
                    if paths != benign_paths {
                        failures.push(format!("{label}: a different set of files"));
                        continue;
                    }
                    let mut replaced = 0;
                    for file in &files {
                        // lzgen's state is a compressed copy of the others.
                        if lzgen::state::is_state(&file.path)
                            || file.bytes == benign[file.path.as_str()].bytes
                        {
                            // The value does not reach this file.
                            continue;
                        }
                        let text = std::str::from_utf8(&file.bytes).expect("utf-8");
                        let plain =
                            std::str::from_utf8(&benign[file.path.as_str()].bytes).expect("utf-8");
                        if file.path.ends_with(".sh") {
                            bash_syntax_ok(&file.path, text);
                        }
                        let mut ignored = 0;
                        let got = meaning(&file.path, text, &pairs, &mut replaced);
                        let want = meaning(&file.path, plain, &[], &mut ignored);
                        compared_files += 1;
                        if got != want {
                            failures.push(format!("{label}: {} means something else", file.path));
                            if std::env::var_os("HOSTILE_DEBUG").is_some() {
                                let show = |v: &Json| match v {
                                    Json::String(s) => s.clone(),
                                    other => {
                                        serde_json::to_string_pretty(other).unwrap_or_default()
                                    }
                                };
                                let _ = std::fs::write("/tmp/hostile-got.txt", show(&got));
                                let _ = std::fs::write("/tmp/hostile-want.txt", show(&want));
                                eprintln!(
                                    "--- {label} {}: see /tmp/hostile-got.txt and /tmp/hostile-want.txt",
                                    file.path
                                );
                            }
                        }
                    }
                    if replaced == 0 {
                        failures.push(format!("{label}: the value is nowhere in the output"));
                    }
                }
            }
        }
    }
    eprintln!(
        "hostile suite: {} keys/variants, {rendered} values rendered ({compared_files} files compared), {refused} refused",
        keys().len()
    );
    let mut by_place: BTreeMap<String, usize> = BTreeMap::new();
    for f in &failures {
        let key = f.split(" = ").next().unwrap_or_default().to_string()
            + " ... "
            + f.rsplit(": ").next().unwrap_or_default();
        *by_place.entry(key).or_default() += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failure(s), by key and file:\n{}\nfirst: {}",
        failures.len(),
        by_place
            .iter()
            .map(|(k, n)| format!("{n:4} {k}"))
            .collect::<Vec<_>>()
            .join("\n"),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every hostile case of one variant per key, run through the binary as
/// `validate` and as `new`: the two give the same exit code (0 or 2), and a
/// refused `new` writes nothing.
#[test]
fn validate_and_new_agree_on_every_hostile_case() {
    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for key in keys() {
        if !seen.insert(key.key) {
            continue;
        }
        let mut values: Vec<String> = FRAGMENTS.iter().map(|f| (key.shape)(f)).collect();
        values.extend(REFUSED.iter().map(|f| (key.shape)(f)));
        for value in values {
            cases.push(sets(&key, &value));
        }
    }
    let total = cases.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(sets) = cases.get(i) else { break };
                    let mut args = vec!["--preset".to_string(), "standard".to_string()];
                    args.extend(sets.iter().flat_map(|s| ["--set".to_string(), s.clone()]));
                    let runs = crate::support::validate_and_new(&args);
                    results.lock().expect("lock").push((
                        sets.clone(),
                        runs.validate.status.code(),
                        runs.new.status.code(),
                        runs.written,
                    ));
                }
            });
        }
    });
    let results = results.into_inner().expect("results");
    assert_eq!(results.len(), total);
    let mut refused = 0;
    for (sets, validate, new, written) in &results {
        assert_eq!(validate, new, "{sets:?}");
        assert!(matches!(new, Some(0 | 2)), "{sets:?}: exit {new:?}");
        if *new == Some(2) {
            refused += 1;
            assert!(!written, "{sets:?}: a refused new wrote");
        }
    }
    eprintln!("validate and new agree on {total} hostile cases ({refused} refused by both)");
}
