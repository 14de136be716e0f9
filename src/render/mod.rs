//! Blueprints → files, in memory. Rendering reads no disk: the blueprints are
//! embedded in the binary, and the output is a list of files for `verify` and
//! `output` to handle.

pub mod hcl_fmt;
pub mod helpers;
pub mod shell_check;

pub use helpers::{hcl, json, mermaid, sh, yaml};

mod context;
pub mod policy;

use crate::infra::terraform::ROOT_KINDS;
use crate::infra::{StackKind, Units};
use crate::model::LandingZone;
use context::{Context, ZoneView, pipeline_edges};
use handlebars::Handlebars;
use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/blueprints");

const MANIFEST: &str = "manifest.yaml";
const PARTIALS: &str = "partials/";
const SUFFIX: &str = ".hbs";

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Relative, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// Rendering failed: a blueprint is broken. Always a bug in lzgen or in an
/// ejected blueprint, never the user's answers (those were validated).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("blueprint manifest: {0}")]
    Manifest(String),
    #[error("blueprint `{template}`: {message}")]
    Template { template: String, message: String },
}

/// Which items of the landing zone an entry renders once for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
enum Each {
    #[default]
    Once,
    Stack,
    Scp,
    /// One file per Terraform root module; `path` names it from `root`.
    Root,
}

/// Which IaC flavour an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
enum Flavour {
    #[default]
    Any,
    Cloudformation,
    Terraform,
}

/// One line of `blueprints/manifest.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The blueprint, relative to `blueprints/`.
    template: String,
    /// The output path, itself a template; for `each: stack` it defaults to
    /// the stack's template path.
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    each: Each,
    /// With `each: stack`: only stacks of this kind; with `each: root`, only
    /// Terraform root modules of this kind.
    #[serde(default)]
    stack: Option<String>,
    #[serde(default)]
    iac: Flavour,
    /// A condition for the file to exist: a dotted path into the context that
    /// must be true, or `path == value` (`!=`) for a string value; several
    /// joined with ` and `.
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    executable: bool,
}

/// The blueprint set: the embedded one (later, with a user's overrides).
#[derive(Debug)]
pub struct Blueprints {
    files: BTreeMap<String, String>,
}

impl Blueprints {
    pub fn embedded() -> Self {
        let mut files = BTreeMap::new();
        collect(&EMBEDDED, &mut files);
        Blueprints { files }
    }

    /// Blueprint names, for listing.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    fn registry(&self) -> Result<Handlebars<'static>, RenderError> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        helpers::register(&mut hb);
        for (name, text) in &self.files {
            if name == MANIFEST {
                continue;
            }
            let key = name.strip_prefix(PARTIALS).unwrap_or(name);
            let key = key.strip_suffix(SUFFIX).unwrap_or(key);
            let result = if name.starts_with(PARTIALS) {
                hb.register_partial(key, text.as_str())
            } else {
                hb.register_template_string(name, text.as_str())
            };
            result.map_err(|e| RenderError::Template {
                template: name.clone(),
                message: e.to_string(),
            })?;
        }
        Ok(hb)
    }

    fn manifest(&self) -> Result<Vec<Entry>, RenderError> {
        let text = self
            .files
            .get(MANIFEST)
            .ok_or_else(|| RenderError::Manifest("blueprints/manifest.yaml is missing".into()))?;
        let entries: Vec<Entry> =
            serde_yaml::from_str(text).map_err(|e| RenderError::Manifest(e.to_string()))?;
        for entry in &entries {
            if !self.files.contains_key(&entry.template) {
                return Err(RenderError::Manifest(format!(
                    "`{}` names no blueprint",
                    entry.template
                )));
            }
            if let Some(kind) = &entry.stack {
                let known: Vec<String> = match entry.each {
                    Each::Stack => StackKind::ALL.iter().map(|k| k.name()).collect(),
                    Each::Root => ROOT_KINDS.iter().map(|k| k.to_string()).collect(),
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

    /// Renders every file the landing zone gets, sorted by path.
    pub fn render(
        &self,
        lz: &LandingZone,
        units: &Units,
    ) -> Result<Vec<RenderedFile>, RenderError> {
        Ok(self
            .render_traced(lz, units)?
            .into_iter()
            .map(|(_, file)| file)
            .collect())
    }

    /// Like `render`, with the blueprint each file came from.
    fn render_traced(
        &self,
        lz: &LandingZone,
        units: &Units,
    ) -> Result<Vec<(String, RenderedFile)>, RenderError> {
        let hb = self.registry()?;
        let entries = self.manifest()?;
        let view = ZoneView::new(lz, units);
        let policies: BTreeMap<&'static str, policy::RenderedPolicy> = units
            .policies
            .all()
            .into_iter()
            .map(|(name, p)| (name, policy::RenderedPolicy::new(p)))
            .collect();
        let pick = |name: &str| {
            view.account(name).ok_or_else(|| {
                RenderError::Manifest(format!("the model names no account `{name}`"))
            })
        };
        let base = Context {
            lzgen_version: env!("CARGO_PKG_VERSION"),
            policies: &policies,
            lz: &view,
            tooling: pick(lz.holders.tooling())?,
            artifact: pick(lz.holders.artifact())?,
            log_archive: pick(lz.holders.log_archive())?,
            security: match lz.holders.security() {
                Some(name) => pick(name)?,
                None => pick(lz.holders.log_archive())?,
            },
            workloads: view
                .accounts
                .iter()
                .filter(|a| a.account.workload)
                .copied()
                .collect(),
            home_store: units
                .artifact_stores
                .first()
                .ok_or_else(|| RenderError::Manifest("the model has no artifact store".into()))?,
            reversed_stacks: units.stacks.iter().rev().collect(),
            pipeline_edges: pipeline_edges(lz),
            strategy_sentence: &lz.pipeline.deploy.deployment_config.sentence,
            stack: None,
            scp: None,
            root: None,
            account: None,
            vpc: None,
        };
        let base_json = to_json(&base)?;
        let mut out: BTreeMap<String, (String, RenderedFile)> = BTreeMap::new();
        // Every condition is read, whichever flavour it is for, so that a
        // misspelt name fails on every answer set.
        let holds: Vec<bool> = entries
            .iter()
            .map(|entry| match &entry.when {
                None => Ok(true),
                Some(condition) => truthy(&base_json, condition).map_err(|path| {
                    RenderError::Manifest(format!(
                        "`{}`: `when` names `{path}`, which the landing zone does not have",
                        entry.template
                    ))
                }),
            })
            .collect::<Result<_, _>>()?;
        for (i, entry) in entries.iter().enumerate() {
            let wanted = match entry.iac {
                Flavour::Any => true,
                Flavour::Cloudformation => lz.organization.iac.cloudformation(),
                Flavour::Terraform => lz.organization.iac.terraform(),
            };
            if !wanted {
                continue;
            }
            if !holds[i] {
                continue;
            }
            let items: Vec<Context<'_>> = match entry.each {
                Each::Once => vec![base.with(None, None)],
                Each::Stack => units
                    .stacks
                    .iter()
                    .filter(|s| entry.stack.as_deref().is_none_or(|k| s.kind.name() == k))
                    .map(|s| base.with(Some(s), None))
                    .collect(),
                Each::Scp => lz
                    .guardrails
                    .iter()
                    .map(|scp| base.with(None, Some(scp)))
                    .collect(),
                Each::Root => units
                    .terraform_roots
                    .iter()
                    .filter(|r| entry.stack.as_deref().is_none_or(|k| r.kind == k))
                    .map(|root| Context {
                        root: Some(root),
                        account: view.account(&root.account),
                        ..base.with(None, None)
                    })
                    .collect(),
            };
            for ctx in items {
                let path = match (&entry.path, ctx.stack) {
                    (Some(p), _) => hb
                        .render_template(p, &ctx)
                        .map_err(|e| template_error(&entry.template, e))?,
                    (None, Some(stack)) => stack.template.clone(),
                    (None, None) => {
                        return Err(RenderError::Manifest(format!(
                            "`{}` needs a `path`",
                            entry.template
                        )));
                    }
                };
                let mut text = hb
                    .render(&entry.template, &ctx)
                    .map_err(|e| template_error(&entry.template, e))?;
                if path.ends_with(".tf") {
                    text = hcl_fmt::format(&text);
                }
                if out.contains_key(&path) {
                    return Err(RenderError::Manifest(format!("two entries write `{path}`")));
                }
                out.insert(
                    path.clone(),
                    (
                        entry.template.clone(),
                        RenderedFile {
                            path,
                            bytes: text.into_bytes(),
                            executable: entry.executable,
                        },
                    ),
                );
            }
        }
        Ok(out.into_values().collect())
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, RenderError> {
    serde_json::to_value(value).map_err(|e| RenderError::Manifest(e.to_string()))
}

/// Whether a manifest condition holds. A path the context does not have is
/// an error (`Err(path)`), never false: a misspelt name must not silently
/// drop a file.
fn truthy(root: &serde_json::Value, condition: &str) -> Result<bool, String> {
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

fn template_error(template: &str, e: handlebars::RenderError) -> RenderError {
    RenderError::Template {
        template: template.to_string(),
        message: e.to_string(),
    }
}

fn collect(dir: &Dir<'_>, files: &mut BTreeMap<String, String>) {
    for file in dir.files() {
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            files.insert(path.replace('\\', "/"), text.to_string());
        }
    }
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Answers, PRESETS};
    use std::collections::BTreeSet;

    fn zones() -> Vec<(LandingZone, Units)> {
        let mut texts: Vec<&str> = PRESETS.iter().map(|p| p.yaml).collect();
        texts.push(include_str!("../../examples/multi-region.yaml"));
        texts.push(include_str!("../../examples/ecs-linear.yaml"));
        texts.push(include_str!("../../examples/ec2-blue-green.yaml"));
        texts.push(include_str!("../../examples/lambda-canary.yaml"));
        texts.push(include_str!("../../examples/terraform.yaml"));
        // A Python function too, so every runtime's blueprints render.
        let python_lambda = include_str!("../../examples/lambda-canary.yaml")
            .replace("runtime: nodejs", "runtime: python");
        // Both flavours, so the Terraform blueprints render as well.
        let both = PRESETS
            .iter()
            .find(|p| p.name == "standard")
            .map(|p| p.yaml.replace("iac: cloudformation", "iac: both"))
            .unwrap_or_default();
        let lockfile = "\nterraform:\n  state_locking: lockfile\n";
        let ec2_both = include_str!("../../examples/ec2-blue-green.yaml")
            .replace("iac: cloudformation", "iac: both")
            + lockfile;
        let lambda_both = include_str!("../../examples/lambda-canary.yaml")
            .replace("iac: cloudformation", "iac: both")
            + lockfile;
        texts
            .into_iter()
            .chain([
                python_lambda.as_str(),
                both.as_str(),
                ec2_both.as_str(),
                lambda_both.as_str(),
            ])
            .map(|text| {
                let answers: Answers = serde_yaml::from_str(text).expect("answers");
                let zone = crate::model::build(&answers).expect("valid").0;
                let units = Units::derive(&zone);
                (zone, units)
            })
            .collect()
    }

    /// Every blueprint is named in the manifest, every manifest entry renders
    /// for at least one preset or example, and every partial is used.
    #[test]
    fn every_blueprint_is_known_and_renders() {
        let blueprints = Blueprints::embedded();
        let manifest = blueprints.manifest().expect("manifest");
        let named: BTreeSet<&str> = manifest.iter().map(|e| e.template.as_str()).collect();
        let templates: BTreeSet<&str> = blueprints
            .names()
            .filter(|n| *n != MANIFEST && !n.starts_with(PARTIALS))
            .collect();
        assert_eq!(named, templates, "blueprints and manifest disagree");

        let mut rendered = BTreeSet::new();
        for (zone, units) in zones() {
            for (template, _) in blueprints.render_traced(&zone, &units).expect("renders") {
                rendered.insert(template);
            }
        }
        let rendered: BTreeSet<&str> = rendered.iter().map(String::as_str).collect();
        assert_eq!(rendered, templates, "some blueprints never rendered");

        let all_text: String = blueprints.files.values().cloned().collect();
        for partial in blueprints.names().filter(|n| n.starts_with(PARTIALS)) {
            let key = partial
                .trim_start_matches(PARTIALS)
                .trim_end_matches(SUFFIX);
            assert!(
                all_text.contains(&format!("{{{{> {key}")),
                "partial {key} is never used"
            );
        }
    }

    #[test]
    fn strict_mode_refuses_a_missing_value() {
        let mut blueprints = Blueprints::embedded();
        blueprints.files.insert(
            "README.md.hbs".into(),
            "{{lz.organization.no_such_key}}\n".into(),
        );
        let (zone, units) = zones().remove(0);
        let err = blueprints.render(&zone, &units).expect_err("strict mode");
        assert!(err.to_string().contains("README.md.hbs"), "{err}");
    }

    fn with_manifest_line(from: &str, to: &str) -> Blueprints {
        let mut blueprints = Blueprints::embedded();
        let manifest = blueprints.files.get_mut(MANIFEST).expect("manifest");
        assert!(manifest.contains(from), "{from}");
        *manifest = manifest.replacen(from, to, 1);
        blueprints
    }

    /// A misspelt name in a `when` condition is an error, not a file
    /// silently left out.
    #[test]
    fn a_misspelt_condition_is_refused() {
        let (zone, units) = zones().remove(0);
        for (from, to) in [
            (
                "when: lz.logging.cloudwatch_logs_to_s3",
                "when: lz.logging.cloudwatch_log_to_s3",
            ),
            (
                "when: lz.pipeline.deploy.compute == ec2",
                "when: lz.pipeline.deploy.compte == ec2",
            ),
            ("when: lz.adopted_accounts", "when: lz.adopted_account"),
        ] {
            let Err(err) = with_manifest_line(from, to).render(&zone, &units) else {
                panic!("{to}: rendered");
            };
            let misspelt = to
                .trim_start_matches("when: ")
                .split(" ==")
                .next()
                .unwrap_or_default();
            assert!(err.to_string().contains(&format!("`{misspelt}`")), "{err}");
        }
    }

    #[test]
    fn a_misspelt_unit_kind_is_refused() {
        let (zone, units) = zones().remove(0);
        let Err(err) = with_manifest_line("stack: workload-roles", "stack: workload-role")
            .render(&zone, &units)
        else {
            panic!("rendered");
        };
        assert!(
            err.to_string()
                .contains("`stack: workload-role` names no kind"),
            "{err}"
        );
        let Err(err) =
            with_manifest_line("stack: workload\n", "stack: workloads\n").render(&zone, &units)
        else {
            panic!("rendered");
        };
        assert!(err.to_string().contains("`stack: workloads`"), "{err}");
    }

    /// Every kind the units have is one the manifest may name, and each
    /// stack kind has its own name.
    #[test]
    fn the_kind_lists_cover_every_unit() {
        let names: BTreeSet<String> = StackKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), StackKind::ALL.len());
        for (_, units) in zones() {
            for stack in &units.stacks {
                assert!(StackKind::ALL.contains(&stack.kind), "{:?}", stack.kind);
            }
            for root in &units.terraform_roots {
                assert!(ROOT_KINDS.contains(&root.kind.as_str()), "{}", root.kind);
            }
        }
    }
}
