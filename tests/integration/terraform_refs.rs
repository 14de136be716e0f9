//! What `terraform validate` would catch first, checked without Terraform
//! (which cannot be installed here): every name a `.tf` file uses is declared
//! in its module, every module call passes exactly the variables its module
//! declares (the required ones included), every module output and every other
//! root's output that is read exists, and every provider alias that is used is
//! configured.

use crate::support::rendered;
use lzgen::render::RenderedFile;
use std::collections::{BTreeMap, BTreeSet};

/// Names that Terraform itself provides, not the module.
const BUILT_IN: &[&str] = &["each", "count", "path", "self", "terraform"];

/// One module folder: what it declares and what it uses.
#[derive(Debug, Default)]
struct Folder {
    variables: BTreeSet<String>,
    required: BTreeSet<String>,
    locals: BTreeSet<String>,
    resources: BTreeSet<String>,
    data: BTreeSet<String>,
    outputs: BTreeSet<String>,
    /// `module "name"`: its source folder and the arguments it passes.
    modules: BTreeMap<String, (String, BTreeSet<String>)>,
    /// `aws.<alias>` providers configured here (or passed in).
    aliases: BTreeSet<String>,
    /// The state key each `terraform_remote_state` reads.
    remote_states: BTreeMap<String, String>,
    /// This root's own state key (backend "s3").
    state_key: Option<String>,
    /// Every traversal used: its root name and the attribute names after it.
    uses: Vec<(String, Vec<String>)>,
}

fn string(expr: &hcl::Expression) -> String {
    match expr {
        hcl::Expression::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn attribute<'a>(body: &'a hcl::Body, key: &str) -> Option<&'a hcl::Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// Collects the traversals of an expression, leaving out names bound by a
/// `for` expression or a template `for` directive.
fn walk(expr: &hcl::Expression, bound: &BTreeSet<String>, out: &mut Vec<(String, Vec<String>)>) {
    use hcl::Expression as E;
    match expr {
        E::Variable(v) if !bound.contains(v.as_str()) => out.push((v.to_string(), Vec::new())),
        E::Traversal(t) => {
            let mut names = Vec::new();
            let mut chain = true;
            for op in &t.operators {
                match op {
                    hcl::TraversalOperator::GetAttr(name) if chain => names.push(name.to_string()),
                    hcl::TraversalOperator::Index(index) => {
                        chain = false;
                        walk(index, bound, out);
                    }
                    _ => chain = false,
                }
            }
            match &t.expr {
                E::Variable(v) if !bound.contains(v.as_str()) => out.push((v.to_string(), names)),
                E::Variable(_) => {}
                other => walk(other, bound, out),
            }
        }
        E::Array(items) => items.iter().for_each(|e| walk(e, bound, out)),
        E::Object(object) => {
            for (key, value) in object {
                if let hcl::ObjectKey::Expression(k) = key {
                    // A bare word as a key is a name, not a reference.
                    if !matches!(k, E::Variable(_)) {
                        walk(k, bound, out);
                    }
                }
                walk(value, bound, out);
            }
        }
        E::TemplateExpr(t) => {
            let template = hcl::Template::from_expr(t).expect("a template");
            walk_template(&template, bound, out);
        }
        E::FuncCall(f) => f.args.iter().for_each(|e| walk(e, bound, out)),
        E::Parenthesis(e) => walk(e, bound, out),
        E::Conditional(c) => {
            walk(&c.cond_expr, bound, out);
            walk(&c.true_expr, bound, out);
            walk(&c.false_expr, bound, out);
        }
        E::Operation(op) => match op.as_ref() {
            hcl::Operation::Unary(u) => walk(&u.expr, bound, out),
            hcl::Operation::Binary(b) => {
                walk(&b.lhs_expr, bound, out);
                walk(&b.rhs_expr, bound, out);
            }
        },
        E::ForExpr(f) => {
            walk(&f.collection_expr, bound, out);
            let mut inner = bound.clone();
            inner.insert(f.value_var.to_string());
            if let Some(k) = &f.key_var {
                inner.insert(k.to_string());
            }
            if let Some(k) = &f.key_expr {
                walk(k, &inner, out);
            }
            walk(&f.value_expr, &inner, out);
            if let Some(c) = &f.cond_expr {
                walk(c, &inner, out);
            }
        }
        _ => {}
    }
}

fn walk_template(
    template: &hcl::Template,
    bound: &BTreeSet<String>,
    out: &mut Vec<(String, Vec<String>)>,
) {
    use hcl::template::{Directive, Element};
    for element in template.elements() {
        match element {
            Element::Interpolation(i) => walk(&i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    walk(&d.cond_expr, bound, out);
                    walk_template(&d.true_template, bound, out);
                    if let Some(f) = &d.false_template {
                        walk_template(f, bound, out);
                    }
                }
                Directive::For(d) => {
                    walk(&d.collection_expr, bound, out);
                    let mut inner = bound.clone();
                    inner.insert(d.value_var.to_string());
                    if let Some(k) = &d.key_var {
                        inner.insert(k.to_string());
                    }
                    walk_template(&d.template, &inner, out);
                }
            },
            Element::Literal(_) => {}
        }
    }
}

/// The references of a body, skipping what names rather than refers:
/// `ignore_changes` lists attributes, `configuration_aliases` declares, a
/// variable's `type` is a type, and the keys of a module's `providers` are
/// the module's own provider names.
fn walk_body(body: &hcl::Body, bound: &BTreeSet<String>, out: &mut Vec<(String, Vec<String>)>) {
    walk_body_skipping(body, &[], bound, out);
}

fn walk_body_skipping(
    body: &hcl::Body,
    skip: &[&str],
    bound: &BTreeSet<String>,
    out: &mut Vec<(String, Vec<String>)>,
) {
    for a in body.attributes() {
        match (a.key(), a.expr()) {
            (key, _) if skip.contains(&key) => {}
            ("ignore_changes" | "configuration_aliases", _) => {}
            ("providers", hcl::Expression::Object(o)) => {
                o.values().for_each(|v| walk(v, bound, out));
            }
            _ => walk(a.expr(), bound, out),
        }
    }
    for block in body.blocks() {
        if block.identifier() == "variable" {
            walk_body_skipping(block.body(), &["type"], bound, out);
        } else if block.identifier() == "dynamic" {
            // The block's label names its iterator inside `content`.
            let mut inner = bound.clone();
            inner.insert(block.labels()[0].as_str().to_string());
            walk_body(block.body(), &inner, out);
        } else {
            walk_body(block.body(), bound, out);
        }
    }
}

/// The aliases a module's `required_providers` says it is given:
/// `configuration_aliases = [aws.management]`.
fn configuration_aliases(required_providers: &hcl::Body) -> Vec<String> {
    let mut out = Vec::new();
    for provider in required_providers.attributes() {
        let hcl::Expression::Object(settings) = provider.expr() else {
            continue;
        };
        for (key, value) in settings {
            if let (true, hcl::Expression::Array(items)) =
                (key.to_string() == "configuration_aliases", value)
            {
                out.extend(
                    items
                        .iter()
                        .map(|i| i.to_string().trim_start_matches("aws.").to_string()),
                );
            }
        }
    }
    out
}

/// A module's `source`, relative to the folder that calls it, as a folder
/// of the tree: `terraform/artifact` and `../modules/x` give `terraform/modules/x`.
fn folder_of(dir: &str, source: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').collect();
    for part in source.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            name => parts.push(name),
        }
    }
    parts.join("/")
}

fn folders(files: &[RenderedFile]) -> BTreeMap<String, Folder> {
    let mut out: BTreeMap<String, Folder> = BTreeMap::new();
    for file in files.iter().filter(|f| f.path.ends_with(".tf")) {
        let (dir, _) = file.path.rsplit_once('/').expect("in a folder");
        let folder = out.entry(dir.to_string()).or_default();
        let body: hcl::Body =
            hcl::from_str(std::str::from_utf8(&file.bytes).expect("utf-8")).expect("parses");
        walk_body(&body, &BTreeSet::new(), &mut folder.uses);
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
            let b = block.body();
            match block.identifier() {
                "variable" => {
                    folder.variables.insert(labels[0].into());
                    if attribute(b, "default").is_none() {
                        folder.required.insert(labels[0].into());
                    }
                }
                "locals" => folder
                    .locals
                    .extend(b.attributes().map(|a| a.key().to_string())),
                "resource" => {
                    folder
                        .resources
                        .insert(format!("{}.{}", labels[0], labels[1]));
                }
                "data" => {
                    folder.data.insert(format!("{}.{}", labels[0], labels[1]));
                    if labels[0] == "terraform_remote_state" {
                        let config = attribute(b, "config").expect("config");
                        let hcl::Expression::Object(o) = config else {
                            panic!("{}: config is not an object", file.path)
                        };
                        let key = o
                            .iter()
                            .find(|(k, _)| k.to_string() == "key")
                            .map(|(_, v)| string(v))
                            .expect("a state key");
                        folder.remote_states.insert(labels[1].into(), key);
                    }
                }
                "output" => {
                    folder.outputs.insert(labels[0].into());
                }
                "module" => {
                    let source = string(attribute(b, "source").expect("source"));
                    let args = b
                        .attributes()
                        .map(|a| a.key().to_string())
                        .filter(|k| {
                            !["source", "providers", "depends_on", "count", "for_each"]
                                .contains(&k.as_str())
                        })
                        .collect();
                    folder
                        .modules
                        .insert(labels[0].into(), (folder_of(dir, &source), args));
                }
                "provider" => {
                    if let Some(alias) = attribute(b, "alias") {
                        folder.aliases.insert(string(alias));
                    }
                }
                "terraform" => {
                    for inner in b.blocks() {
                        match inner.identifier() {
                            "backend" => {
                                folder.state_key = attribute(inner.body(), "key").map(string);
                            }
                            "required_providers" => {
                                folder.aliases.extend(configuration_aliases(inner.body()));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// `data.terraform_remote_state.NAME.outputs.OUTPUT`: the root that writes
/// that state (found by its key) must have that output.
fn remote_output_problem(
    dir: &str,
    f: &Folder,
    names: &[String],
    roots_by_key: &BTreeMap<&str, &str>,
    folders: &BTreeMap<String, Folder>,
) -> Option<String> {
    let [name, outputs, output, ..] = names else {
        return None;
    };
    if outputs != "outputs" {
        return None;
    }
    let key = &f.remote_states[name];
    match roots_by_key.get(key.as_str()) {
        None => Some(format!(
            "{dir}: remote state {name} reads {key}, which no root writes"
        )),
        Some(other) if !folders[*other].outputs.contains(output) => {
            Some(format!("{dir}: {other} has no output {output}"))
        }
        Some(_) => None,
    }
}

/// Every problem `terraform validate` would report about names, across the
/// whole tree.
fn problems(files: &[RenderedFile]) -> Vec<String> {
    let folders = folders(files);
    let roots_by_key: BTreeMap<&str, &str> = folders
        .iter()
        .filter_map(|(dir, f)| f.state_key.as_deref().map(|k| (k, dir.as_str())))
        .collect();
    let mut out = Vec::new();
    for (dir, f) in &folders {
        for (root, names) in &f.uses {
            let first = names.first().map(String::as_str).unwrap_or_default();
            let missing = match root.as_str() {
                "var" => !f.variables.contains(first),
                "local" => !f.locals.contains(first),
                "data" => {
                    let name = names.get(1).map(String::as_str).unwrap_or_default();
                    let declared = f.data.contains(&format!("{first}.{name}"));
                    if declared && first == "terraform_remote_state" {
                        out.extend(remote_output_problem(
                            dir,
                            f,
                            &names[1..],
                            &roots_by_key,
                            &folders,
                        ));
                    }
                    !declared
                }
                "module" => match f.modules.get(first) {
                    None => true,
                    Some((source, _)) => {
                        if let Some(output) = names.get(1) {
                            let declared = folders
                                .get(source)
                                .is_some_and(|m| m.outputs.contains(output));
                            if !declared {
                                out.push(format!(
                                    "{dir}: module {first} ({source}) has no output {output}"
                                ));
                            }
                        }
                        false
                    }
                },
                // `aws` alone is the default provider.
                "aws" => !first.is_empty() && !f.aliases.contains(first),
                r if BUILT_IN.contains(&r) => false,
                resource => !f.resources.contains(&format!("{resource}.{first}")),
            };
            if missing {
                out.push(format!("{dir}: {root}.{} is not declared", names.join(".")));
            }
        }
        for (name, (source, args)) in &f.modules {
            let Some(module) = folders.get(source) else {
                out.push(format!("{dir}: module {name}: no folder {source}"));
                continue;
            };
            for extra in args.difference(&module.variables) {
                out.push(format!(
                    "{dir}: module {name} passes {extra}, which {source} does not declare"
                ));
            }
            for required in module.required.difference(args) {
                out.push(format!(
                    "{dir}: module {name} does not pass {required}, which {source} requires"
                ));
            }
        }
    }
    out
}

#[test]
fn every_name_a_tf_file_uses_is_declared() {
    let terraform = ["organization.iac=terraform"];
    let lockfile = [
        "organization.iac=terraform",
        "terraform.state_locking=lockfile",
    ];
    let mut sets: Vec<(String, &[&str])> = vec![
        ("preset:lab".into(), &terraform),
        ("preset:standard".into(), &terraform),
        ("preset:standard".into(), &lockfile),
        ("preset:enterprise".into(), &terraform),
        ("examples/terraform.yaml".into(), &[]),
    ];
    for example in [
        "multi-region",
        "ec2-blue-green",
        "lambda-canary",
        "ecs-linear",
    ] {
        sets.push((format!("examples/{example}.yaml"), &lockfile));
    }
    for (source, set) in sets {
        let files = rendered(&source, set);
        let found = problems(&files);
        assert!(found.is_empty(), "{source} {set:?}:\n{}", found.join("\n"));
        let uses: usize = folders(&files).values().map(|f| f.uses.len()).sum();
        println!("{source} {set:?}: {uses} references, all declared");
    }
}

/// The check finds what it is for: an undeclared local, a variable a module
/// does not take, a required one not passed, a missing module output, an
/// output another root does not have, and an unconfigured provider alias.
#[test]
fn the_reference_check_sees_each_kind_of_mistake() {
    let files = rendered("examples/terraform.yaml", &[]);
    let change = |path: &str, from: &str, to: &str| -> Vec<String> {
        let mut changed = files.clone();
        let file = changed
            .iter_mut()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"));
        let text = String::from_utf8(file.bytes.clone()).expect("utf-8");
        assert!(text.contains(from), "{path} lacks {from}");
        file.bytes = text.replacen(from, to, 1).into_bytes();
        problems(&changed)
    };
    assert!(problems(&files).is_empty());
    for (path, from, to, expected) in [
        (
            "terraform/tooling/main.tf",
            "local.artifact_key_arns[",
            "local.artifact_keys[",
            "terraform/tooling: local.artifact_keys is not declared",
        ),
        (
            "terraform/artifact/main.tf",
            "  tooling_account_id",
            "  tooling_account",
            "passes tooling_account, which terraform/modules/artifact-store does not declare",
        ),
        (
            "terraform/modules/artifact-store/variables.tf",
            "variable \"",
            "variable \"key_alias\" {\n  type = string\n}\n\nvariable \"",
            "does not pass key_alias, which terraform/modules/artifact-store requires",
        ),
        (
            "terraform/artifact/outputs.tf",
            ".key_arn",
            ".key",
            "has no output key",
        ),
        (
            "terraform/tooling/main.tf",
            ".outputs.artifact_key_arns",
            ".outputs.artifact_keys",
            "terraform/tooling: terraform/artifact has no output artifact_keys",
        ),
        (
            "terraform/artifact/main.tf",
            "aws = aws.eu_north_1",
            "aws = aws.eu_south_1",
            "terraform/artifact: aws.eu_south_1 is not declared",
        ),
    ] {
        let found = change(path, from, to);
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "{from} -> {to}: expected `{expected}`, found {found:?}"
        );
    }
}
