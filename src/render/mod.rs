//! Blueprints → files, in memory. Rendering reads no disk: the blueprints are
//! embedded in the binary, and the output is a list of files for `verify` and
//! `output` to handle.

pub mod hcl_fmt;
pub mod helpers;
pub mod shell_check;

pub use helpers::{hcl, json, mermaid, sh, yaml};

mod context;
mod engine;
mod manifest;
pub mod overrides;
// Freezing runs in build.rs and in the tests; lzgen itself only thaws.
#[cfg_attr(not(test), allow(dead_code))]
mod frozen;
mod pieces;
pub mod policy;
mod prepare;
mod scan;

use crate::infra::{Stack, TerraformRoot, Units};
use crate::model::{LandingZone, ServiceControlPolicy};
use context::{Context, ZoneView, pipeline_edges};
use handlebars::Handlebars;
use include_dir::{Dir, include_dir};
use manifest::{Each, Entry, truthy};
use serde::Serialize;
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
#[derive(Debug, Clone, thiserror::Error)]
pub enum RenderError {
    #[error("blueprint manifest: {0}")]
    Manifest(String),
    #[error("blueprint `{template}`: {message}")]
    Template { template: String, message: String },
}

/// The blueprint set: the embedded one, with a user's own over it.
#[derive(Debug)]
pub struct Blueprints {
    files: BTreeMap<String, String>,
    /// The user's folder and the blueprints it replaced or added.
    own: Option<(std::path::PathBuf, Vec<String>)>,
}

/// One blueprint as `lzgen blueprints list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub blueprint: String,
    /// The output path (a template itself), or what else the file is.
    pub renders: String,
    /// For which items, in which flavour, when.
    pub when: String,
}

impl Blueprints {
    pub fn embedded() -> Self {
        let mut files = BTreeMap::new();
        collect(&EMBEDDED, &mut files);
        Blueprints { files, own: None }
    }

    /// The embedded set with the files of `overrides` replacing (or added
    /// beside) the embedded ones of the same path.
    pub fn with_overrides(overrides: overrides::Overrides) -> Self {
        let mut set = Self::embedded();
        let names: Vec<String> = overrides.files.keys().cloned().collect();
        set.files.extend(overrides.files);
        set.own = Some((overrides.dir, names));
        set
    }

    /// The user's blueprints folder, if any.
    pub fn own_dir(&self) -> Option<&std::path::Path> {
        self.own.as_ref().map(|(dir, _)| dir.as_path())
    }

    /// Blueprint names, for listing.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// A blueprint's text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Every blueprint with what it renders and when: the manifest's
    /// entries, then each partial and any other file.
    pub fn list(&self) -> Result<Vec<Listed>, RenderError> {
        let entries = self.manifest()?;
        // A blueprint several entries render (for stacks of different
        // kinds) is listed once, with each use.
        let mut out: Vec<Listed> = Vec::new();
        for entry in &entries {
            let listed = manifest::describe(entry);
            match out.iter_mut().find(|l| l.blueprint == listed.blueprint) {
                Some(seen) => {
                    if seen.renders != listed.renders {
                        seen.renders = format!("{}; {}", seen.renders, listed.renders);
                    }
                    seen.when = format!("{}; {}", seen.when, listed.when);
                }
                None => out.push(listed),
            }
        }
        for name in self.files.keys() {
            if entries.iter().any(|e| &e.template == name) {
                continue;
            }
            let (renders, when) = if name == MANIFEST {
                ("which file each blueprint becomes", "read first")
            } else if let Some(partial) = name.strip_prefix(PARTIALS) {
                let partial = partial.strip_suffix(SUFFIX).unwrap_or(partial);
                out.push(Listed {
                    blueprint: name.clone(),
                    renders: format!("the partial {{{{> {partial}}}}}, inside other blueprints"),
                    when: "where a blueprint includes it".into(),
                });
                continue;
            } else {
                ("nothing: the manifest names it nowhere", "never")
            };
            out.push(Listed {
                blueprint: name.clone(),
                renders: renders.into(),
                when: when.into(),
            });
        }
        Ok(out)
    }

    fn manifest(&self) -> Result<Vec<Entry>, RenderError> {
        manifest::parse(&self.files)
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
        // The fast way names a broken blueprint's piece, and its lines
        // shift where plain runs were taken out: on any error, the plain
        // way renders again and reports the blueprint and line as written.
        self.render_with(lz, units, true)
            .or_else(|_| self.render_with(lz, units, false))
    }

    /// Renders the fast way (`fast`: each entry's context pruned to the
    /// names its blueprint uses, each blueprint compiled in pieces) or the
    /// plain way (whole context, whole blueprints): the two must give the
    /// same bytes.
    fn render_with(
        &self,
        lz: &LandingZone,
        units: &Units,
        fast: bool,
    ) -> Result<Vec<(String, RenderedFile)>, RenderError> {
        std::thread::scope(|scope| {
            // One core reads the manifest, prepares every entry of the
            // answers' flavours (whether its `when` holds or not: that needs
            // the landing zone's context), hands them over, and thaws their
            // frozen templates; the other makes the context meanwhile. An
            // entry's error counts only if it is rendered.
            let (hand_over, entries_ready) = std::sync::mpsc::channel();
            let mut reader = Some(scope.spawn(move || {
                let (read, texts) = self.read_manifest(lz, fast);
                // The receiver is gone only if the renderer failed first.
                let _ = hand_over.send(read);
                engine::thaw_texts(texts.into_iter())
            }));
            let rendered = self.render_prepared(lz, units, fast, &entries_ready, &mut reader);
            // A render that failed first leaves the reader to finish here;
            // a panic of its own was reported as the render's error.
            if let Some(reader) = reader {
                let _ = reader.join();
            }
            rendered
        })
    }

    /// `render_with` given the manifest's entries as they are prepared
    /// (`entries_ready`) and their frozen templates as they thaw (`reader`).
    fn render_prepared<'a>(
        &'a self,
        lz: &LandingZone,
        units: &Units,
        fast: bool,
        entries_ready: &std::sync::mpsc::Receiver<prepare::Read<'a>>,
        reader: &mut Option<std::thread::ScopedJoinHandle<'_, engine::Thawed>>,
    ) -> Result<Vec<(String, RenderedFile)>, RenderError> {
        let prune = fast;
        let view = ZoneView::new(lz, units);
        let policies: BTreeMap<&'static str, policy::RenderedPolicy> = units
            .policies
            .all()
            .into_iter()
            .map(|(name, p)| (name, policy::RenderedPolicy::new(p, lz.organization.iac)))
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
            pipeline_targets: context::pipeline_id_selects(lz, units)
                .into_iter()
                .map(|(name, id_select)| {
                    pick(&name).map(|account| context::PipelineTargetView { account, id_select })
                })
                .collect::<Result<_, _>>()?,
            home_store: units
                .artifact_stores
                .first()
                .ok_or_else(|| RenderError::Manifest("the model has no artifact store".into()))?,
            reversed_stacks: units.stacks.iter().rev().collect(),
            pipeline_edges: pipeline_edges(lz),
            strategy_sentence: &lz.pipeline.deploy.deployment_config.sentence,
        };
        // The landing zone becomes JSON once; each entry prunes its copy.
        let base_json = to_json(&base)?;
        let (entries, prepared) = entries_ready.recv().map_err(|_| engine::panicked())??;
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
        // What to compile (each blueprint once), and what each entry sees.
        let mut kept: Vec<&Entry> = Vec::new();
        let mut sources: BTreeMap<String, (&str, bool)> = BTreeMap::new();
        let mut pieces: BTreeMap<&str, usize> = BTreeMap::new();
        let mut words_of = Vec::new();
        for ((entry, holds), prepared) in entries.iter().zip(holds).zip(&prepared) {
            let Some(prepared) = prepared.as_ref().filter(|_| holds) else {
                continue;
            };
            let prepared = prepared.as_ref().map_err(Clone::clone)?;
            kept.push(entry);
            pieces.insert(&entry.template, prepared.pieces);
            for (name, text, literals) in &prepared.sources {
                sources.insert(name.clone(), (text, *literals));
            }
            let mut words = prepared.words.clone();
            if let Some(path) = &entry.path {
                sources.insert(path_template(&entry.template), (path.as_str(), false));
                let mut in_path = Vec::new();
                scan::words_in_mustaches(path, &mut in_path);
                words.extend(in_path);
            }
            words_of.push(words);
        }
        let contexts: Vec<serde_json::Value> = words_of
            .iter()
            .map(|words| {
                if prune {
                    engine::pruned(&base_json, words)
                } else {
                    base_json.clone()
                }
            })
            .collect();
        let ready = reader
            .take()
            .ok_or_else(engine::panicked)?
            .join()
            .map_err(|_| engine::panicked())?;
        let hb = engine::compile(
            sources
                .into_iter()
                .map(|(name, (text, literals))| engine::Source {
                    name,
                    text,
                    literals,
                })
                .collect(),
            fast,
            ready,
        )?;

        // One job per file: the entry and the item it is rendered for.
        let mut jobs: Vec<(usize, Item<'_>)> = Vec::new();
        for (i, entry) in kept.iter().enumerate() {
            match entry.each {
                Each::Once => jobs.push((i, Item::default())),
                Each::Stack => jobs.extend(
                    units
                        .stacks
                        .iter()
                        .filter(|s| entry.stack.as_deref().is_none_or(|k| s.kind.name() == k))
                        .map(|s| {
                            (
                                i,
                                Item {
                                    stack: Some(s),
                                    ..Item::default()
                                },
                            )
                        }),
                ),
                Each::Scp => jobs.extend(lz.guardrails.iter().map(|scp| {
                    (
                        i,
                        Item {
                            scp: Some(scp),
                            ..Item::default()
                        },
                    )
                })),
                Each::Root | Each::Instance => jobs.extend(
                    units
                        .terraform_roots
                        .iter()
                        .filter(|r| entry.stack.as_deref().is_none_or(|k| r.kind == k))
                        .filter(|r| match entry.each {
                            Each::Instance => r.shared,
                            _ => !r.shared || r.first_in_folder,
                        })
                        .map(|root| {
                            (
                                i,
                                Item {
                                    root: Some(root),
                                    instance: entry.each == Each::Instance,
                                    ..Item::default()
                                },
                            )
                        }),
                ),
            }
        }
        let threads = engine::threads().min(jobs.len().max(1));
        let render_share = |t: usize| -> Vec<(usize, Rendered)> {
            let mut own: BTreeMap<usize, handlebars::Context> = BTreeMap::new();
            jobs.iter()
                .enumerate()
                .skip(t)
                .step_by(threads)
                .map(|(n, (i, item))| {
                    let entry = kept[*i];
                    let ctx = own
                        .entry(*i)
                        .or_insert_with(|| handlebars::Context::from(contexts[*i].clone()));
                    let rendered =
                        item.values(&view, prune.then_some(&words_of[*i]))
                            .and_then(|values| {
                                if let Some(map) = ctx.data_mut().as_object_mut() {
                                    for (key, value) in engine::ITEM_KEYS.into_iter().zip(values) {
                                        map.insert(key.to_string(), value);
                                    }
                                }
                                let count =
                                    pieces.get(entry.template.as_str()).copied().unwrap_or(1);
                                render_one(&hb, entry, count, item, ctx)
                            });
                    (n, rendered)
                })
                .collect()
        };
        let mut results: Vec<(usize, Rendered)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let render_share = &render_share;
                    scope.spawn(move || render_share(t))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![(0, Err(engine::panicked()))])
                })
                .collect()
        });
        // In job order, so that the error reported is the same on every run.
        results.sort_by_key(|(n, _)| *n);
        let mut out: BTreeMap<String, (String, RenderedFile)> = BTreeMap::new();
        for (_, result) in results {
            let (template, file) = result?;
            if out.contains_key(&file.path) {
                return Err(RenderError::Manifest(format!(
                    "two entries write `{}`",
                    file.path
                )));
            }
            out.insert(file.path.clone(), (template, file));
        }
        Ok(out.into_values().collect())
    }
}

/// One file rendered, with the blueprint it came from.
type Rendered = Result<(String, RenderedFile), RenderError>;

/// The name an entry's `path` template is compiled under.
fn path_template(template: &str) -> String {
    format!("path of {template}")
}

/// What one file of an entry is rendered for: nothing, a stack, a guardrail
/// or a Terraform root module.
#[derive(Debug, Clone, Copy, Default)]
struct Item<'a> {
    stack: Option<&'a Stack>,
    scp: Option<&'a ServiceControlPolicy>,
    root: Option<&'a TerraformRoot>,
    /// Whether the file is one account's of a shared root: only then does a
    /// shared root's item carry its account.
    instance: bool,
}

impl<'a> Item<'a> {
    /// The values of `engine::ITEM_KEYS` for this item: its stack, its
    /// guardrail, its root module, the workload account it is for and that
    /// account's VPC in the stack's region; pruned to `words` when given.
    fn values(
        &self,
        view: &ZoneView<'a>,
        words: Option<&std::collections::BTreeSet<&str>>,
    ) -> Result<[serde_json::Value; 5], RenderError> {
        let account = match (self.stack, self.root) {
            (Some(stack), _) => stack
                .workload
                .as_deref()
                .and_then(|name| view.account(name)),
            (None, Some(root)) if root.shared && !self.instance => None,
            (None, Some(root)) => view.account(&root.account),
            (None, None) => None,
        };
        let vpc = match (account, self.stack) {
            (Some(a), Some(s)) => a.account.vpcs.iter().find(|v| v.region == s.region),
            _ => None,
        };
        let json = |value: serde_json::Value| match words {
            Some(words) => engine::pruned(&value, words),
            None => value,
        };
        Ok([
            json(to_json(&self.stack)?),
            json(to_json(&self.scp.map(context::ScpView::new))?),
            json(to_json(&self.root)?),
            json(to_json(&account)?),
            json(to_json(&vpc)?),
        ])
    }
}

/// Renders one file: its path (from the entry's `path`, or the stack's
/// template path) and its text, Terraform formatted.
fn render_one(
    hb: &Handlebars<'_>,
    entry: &Entry,
    count: usize,
    item: &Item<'_>,
    ctx: &handlebars::Context,
) -> Result<(String, RenderedFile), RenderError> {
    let path = match (&entry.path, item.stack) {
        (Some(_), _) => hb
            .render_with_context(&path_template(&entry.template), ctx)
            .map_err(|e| template_error(&entry.template, e))?,
        (None, Some(stack)) => stack.template.clone(),
        (None, None) => {
            return Err(RenderError::Manifest(format!(
                "`{}` needs a `path`",
                entry.template
            )));
        }
    };
    let mut text = String::new();
    for n in 0..count {
        text.push_str(
            &hb.render_with_context(&pieces::piece_name(&entry.template, n, count), ctx)
                .map_err(|e| template_error(&entry.template, e))?,
        );
    }
    // `terraform fmt` formats .tf and .tfvars files (a .tfbackend holds one
    // attribute, already in its layout).
    if path.ends_with(".tf") || path.ends_with(".tfvars") {
        text = hcl_fmt::format(&text);
    }
    Ok((
        entry.template.clone(),
        RenderedFile {
            path,
            bytes: text.into_bytes(),
            executable: entry.executable,
        },
    ))
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, RenderError> {
    serde_json::to_value(value).map_err(|e| RenderError::Manifest(e.to_string()))
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
mod tests;
