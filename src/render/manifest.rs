//! `blueprints/manifest.yaml`: which file each blueprint becomes, for which
//! items of the landing zone, and when. Read and checked against the
//! blueprint set before anything renders.

use super::{Listed, MANIFEST, RenderError};
use crate::infra::StackKind;
use crate::infra::terraform::{ROOT_KINDS, SHARED_ROOTS};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Which items of the landing zone an entry renders once for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Each {
    #[default]
    Once,
    Stack,
    Scp,
    /// One file per Terraform root module folder; `path` names it from
    /// `root`. A shared root (one folder for many accounts) renders once,
    /// without an account.
    Root,
    /// One file per account a shared Terraform root is applied to: its
    /// values and its backend key.
    Instance,
}

/// Which IaC flavour an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Flavour {
    #[default]
    Any,
    Cloudformation,
    Terraform,
}

/// One line of `blueprints/manifest.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Entry {
    /// The blueprint, relative to `blueprints/`.
    pub(super) template: String,
    /// The output path, itself a template; for `each: stack` it defaults to
    /// the stack's template path.
    #[serde(default)]
    pub(super) path: Option<String>,
    #[serde(default)]
    pub(super) each: Each,
    /// With `each: stack`: only stacks of this kind; with `each: root`, only
    /// Terraform root modules of this kind.
    #[serde(default)]
    pub(super) stack: Option<String>,
    #[serde(default)]
    pub(super) iac: Flavour,
    /// A condition for the file to exist: a dotted path into the context that
    /// must be true, or `path == value` (`!=`) for a string value; several
    /// joined with ` and `.
    #[serde(default)]
    pub(super) when: Option<String>,
    #[serde(default)]
    pub(super) executable: bool,
}

/// What an entry renders and when, in words, for `lzgen blueprints list`.
pub(super) fn describe(entry: &Entry) -> Listed {
    let items = match entry.each {
        Each::Once => "once".to_string(),
        Each::Stack => match &entry.stack {
            Some(kind) => format!("once per CloudFormation stack of kind {kind}"),
            None => "once per CloudFormation stack".to_string(),
        },
        Each::Scp => "once per guardrail in guardrails.scps".to_string(),
        Each::Root => match &entry.stack {
            Some(kind) => format!("once per Terraform root of kind {kind}"),
            None => "once per Terraform root".to_string(),
        },
        Each::Instance => "once per account a shared Terraform root is applied to".to_string(),
    };
    let mut when = vec![items];
    match entry.iac {
        Flavour::Any => {}
        Flavour::Cloudformation => when.push("CloudFormation only".into()),
        Flavour::Terraform => when.push("Terraform only".into()),
    }
    if let Some(condition) = &entry.when {
        when.push(format!("when {condition}"));
    }
    if entry.executable {
        when.push("executable".into());
    }
    Listed {
        blueprint: entry.template.clone(),
        renders: entry
            .path
            .clone()
            .unwrap_or_else(|| "the stack's template path".to_string()),
        when: when.join(", "),
    }
}

/// The manifest's entries, each checked: its blueprint exists, its `stack`
/// names a kind of unit its `each` renders for, and it has a `path` where
/// one cannot be derived.
pub(super) fn parse(files: &BTreeMap<String, String>) -> Result<Vec<Entry>, RenderError> {
    let text = files
        .get(MANIFEST)
        .ok_or_else(|| RenderError::Manifest("blueprints/manifest.yaml is missing".into()))?;
    // Read quickly (`crate::yaml`); a manifest that does not fit is read
    // again by serde_yaml_ng, whose error names the line.
    let entries: Vec<Entry> = crate::yaml::read(text)
        .and_then(serde_yaml::from_value)
        .or_else(|_| serde_yaml::from_str(text))
        .map_err(|e| RenderError::Manifest(e.to_string()))?;
    for entry in &entries {
        if !files.contains_key(&entry.template) {
            return Err(RenderError::Manifest(format!(
                "`{}` names no blueprint",
                entry.template
            )));
        }
        if let Some(kind) = &entry.stack {
            let known: Vec<String> = match entry.each {
                Each::Stack => StackKind::ALL.iter().map(|k| k.name()).collect(),
                Each::Root => ROOT_KINDS.iter().map(|k| k.to_string()).collect(),
                Each::Instance => SHARED_ROOTS.iter().map(|k| k.to_string()).collect(),
                Each::Once | Each::Scp => Vec::new(),
            };
            if !known.contains(kind) {
                return Err(RenderError::Manifest(format!(
                    "`{}`: `stack: {kind}` names no kind of unit it renders for; expected one of {}",
                    entry.template,
                    known.join(", ")
                )));
            }
        }
        if entry.each != Each::Stack && entry.path.is_none() {
            return Err(RenderError::Manifest(format!(
                "`{}` needs a `path`",
                entry.template
            )));
        }
    }
    Ok(entries)
}

/// Whether a manifest condition holds. A path the context does not have is
/// an error (`Err(path)`), never false: a misspelt name must not silently
/// drop a file.
pub(super) fn truthy(root: &serde_json::Value, condition: &str) -> Result<bool, String> {
    if condition.contains(" and ") {
        for part in condition.split(" and ") {
            if !truthy(root, part)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let found = |path: &str| lookup(root, path.trim()).ok_or_else(|| path.trim().to_string());
    if let Some((path, value)) = condition.split_once("!=") {
        return Ok(found(path)?.as_str() != Some(value.trim()));
    }
    if let Some((path, value)) = condition.split_once("==") {
        return Ok(found(path)?.as_str() == Some(value.trim()));
    }
    Ok(match found(condition)? {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => true,
    })
}

fn lookup<'v>(root: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    let mut node = root;
    for part in path.split('.') {
        node = node.get(part)?;
    }
    Some(node)
}
