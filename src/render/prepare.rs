//! Each manifest entry made ready to compile, before the landing zone's
//! context is made: its blueprint cut into pieces, the partials it
//! includes, and the names it can reach (`engine::entry_words`).

use super::manifest::Entry;
use super::{Blueprints, PARTIALS, RenderError, SUFFIX, engine, pieces};

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
            None,
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
