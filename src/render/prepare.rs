//! The manifest read and each of its entries made ready to compile, on a
//! thread of its own while the landing zone's context is made: each
//! entry's blueprint cut into pieces, the partials it includes, and the
//! names it can reach (`engine::entry_words`).

use super::manifest::{Entry, Flavour};
use super::{Blueprints, PARTIALS, RenderError, SUFFIX, engine, pieces};
use crate::model::LandingZone;

/// One entry's blueprint made ready to compile: the names it can reach,
/// what to compile for it (name, text, and whether its plain lines are
/// taken out first), and how many pieces its own blueprint was cut into.
/// Its `path` template is the entry's own, added when the entry is kept:
/// this is made on another thread, from the blueprints alone.
#[derive(Debug)]
pub(super) struct Prepared<'a> {
    pub words: std::collections::BTreeSet<&'a str>,
    pub sources: Vec<(String, &'a str, bool)>,
    pub pieces: usize,
}

impl Blueprints {
    /// The manifest read, every entry of the answers' flavours prepared
    /// (whether its `when` holds or not: that needs the landing zone's
    /// context), and the texts of what they compile, to thaw.
    pub(super) fn read_manifest(&self, lz: &LandingZone, fast: bool) -> (Read<'_>, Vec<&str>) {
        let read = self.manifest().map(|entries| {
            let mut reads = engine::Reads::default();
            let prepared: Vec<Option<Result<Prepared<'_>, RenderError>>> = entries
                .iter()
                .map(|entry| flavoured(lz, entry).then(|| self.prepare(entry, fast, &mut reads)))
                .collect();
            (entries, prepared)
        });
        let texts: Vec<&str> = match &read {
            Ok((_, prepared)) if fast => prepared
                .iter()
                .flatten()
                .flatten()
                .flat_map(|p| p.sources.iter().map(|(_, text, _)| *text))
                .collect(),
            _ => Vec::new(),
        };
        (read, texts)
    }

    /// One entry's blueprint made ready to compile.
    pub(super) fn prepare<'a>(
        &'a self,
        entry: &Entry,
        fast: bool,
        reads: &mut engine::Reads<'a>,
    ) -> Result<Prepared<'a>, RenderError> {
        let own: &[String] = self.own.as_ref().map_or(&[], |(_, names)| names.as_slice());
        let (words, partials) = engine::entry_words(
            &entry.template,
            &self.files,
            |name| !own.iter().any(|o| o == name),
            |name| format!("{PARTIALS}{name}{SUFFIX}"),
            reads,
        );
        let text = self.files.get(&entry.template).ok_or_else(|| {
            RenderError::Manifest(format!("`{}` names no blueprint", entry.template))
        })?;
        // The fast way compiles a blueprint in pieces (`pieces`), the plain
        // way whole.
        let parts = match reads.cuts(&entry.template) {
            Some(cuts) if fast => pieces::at(text, cuts),
            _ if fast => pieces::pieces(text, pieces::PIECE_BYTES),
            _ => vec![text.as_str()],
        };
        let count = parts.len();
        let mut sources: Vec<(String, &str, bool)> = parts
            .into_iter()
            .enumerate()
            .map(|(n, part)| (pieces::piece_name(&entry.template, n, count), part, fast))
            .collect();
        for name in partials
            .iter()
            .map(|partial| format!("{PARTIALS}{partial}{SUFFIX}"))
        {
            let text = self.files.get(&name).ok_or_else(|| RenderError::Template {
                template: entry.template.clone(),
                message: format!("includes `{name}`, which is not a blueprint"),
            })?;
            let key = name.strip_prefix(PARTIALS).unwrap_or(&name);
            let key = key.strip_suffix(SUFFIX).unwrap_or(key);
            sources.push((key.to_string(), text.as_str(), false));
        }
        Ok(Prepared {
            words,
            sources,
            pieces: count,
        })
    }
}

/// The manifest's entries, each prepared when it is of the answers'
/// flavours.
pub(super) type Read<'a> =
    Result<(Vec<Entry>, Vec<Option<Result<Prepared<'a>, RenderError>>>), RenderError>;

/// Whether an entry is of a flavour the answers write.
fn flavoured(lz: &LandingZone, entry: &Entry) -> bool {
    match entry.iac {
        Flavour::Any => true,
        Flavour::Cloudformation => lz.organization.iac.cloudformation(),
        Flavour::Terraform => lz.organization.iac.terraform(),
    }
}
