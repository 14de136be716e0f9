//! How blueprints become text quickly, at any size of organization.
//!
//! Three habits keep rendering linear in the number of accounts:
//!
//! - **Compile at build time, and use only what is needed.** A blueprint is
//!   used when an entry the answers keep names it, or a partial such a
//!   blueprint includes; the others are never touched. Compiling is
//!   handlebars' slowest step (it finds each token's line by rescanning the
//!   text before it), so `build.rs` compiles the embedded blueprints and a
//!   run rebuilds the templates it needs from that data (`frozen`), on one
//!   core while the other makes the landing zone's context. The build also
//!   reads each blueprint (`scan`: its pieces, words and partials), so a run
//!   reads again only the blueprints a user replaced. A text the build did
//!   not see (the plain way of reporting an error) is compiled, the largest
//!   first.
//! - **Each file sees only what its blueprint names.** The landing zone is
//!   turned into JSON once. Each entry gets a copy pruned to the names its
//!   blueprint (with its partials and its `path`) writes inside `{{…}}`; a
//!   workload account's stack never carries the list of a thousand accounts,
//!   which handlebars would otherwise copy for every partial it includes. A
//!   test renders every preset and example both pruned and whole and
//!   requires the same bytes.
//! - **Items are rendered on every core**, each thread with one context per
//!   entry whose item keys (`stack`, `account`, …) are replaced in place.

use super::RenderError;
use super::pieces::{LITERAL_HELPER, literals};
use super::scan::{self, Scanned};
use handlebars::{Handlebars, Template};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The keys set per item; every other key is the same for all of an
/// entry's files.
pub(super) const ITEM_KEYS: [&str; 5] = ["stack", "scp", "root", "account", "vpc"];

/// One blueprint or path template to compile, under the name it is
/// registered (and included) by.
pub(super) struct Source<'s> {
    pub name: String,
    pub text: &'s str,
    /// Whether its runs of plain lines are taken out before compiling
    /// (`literals`): for whole templates, not partials, which handlebars
    /// indents line by line where they are included.
    pub literals: bool,
}

/// The literal runs of every compiled template, written by the
/// `lzgen-literal` helper.
struct Literals(Vec<String>);

impl handlebars::HelperDef for Literals {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        let text = h
            .param(0)
            .and_then(|p| p.value().as_u64())
            .and_then(|n| self.0.get(usize::try_from(n).ok()?))
            .ok_or_else(|| {
                handlebars::RenderErrorReason::Other(format!("{LITERAL_HELPER}: no such run"))
            })?;
        out.write(text)?;
        Ok(())
    }
}

/// Compiles the sources on every core and registers them in a registry that
/// also holds the helpers. A syntax error names the blueprint and its line.
///
/// With `thaw`, a source whose text `build.rs` compiled is rebuilt from
/// that (`frozen`) rather than compiled again; without it (the plain way,
/// which reports an error's line) everything is compiled.
///
/// `ready` holds templates `thaw_every` rebuilt ahead of time; a source
/// found there is taken from it, not thawed again.
pub(super) fn compile(
    sources: Vec<Source<'_>>,
    thaw: bool,
    mut ready: Thawed,
) -> Result<Handlebars<'static>, RenderError> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    super::helpers::register(&mut hb);
    let mut frozen: Vec<(&'static [u8], Source<'_>)> = Vec::new();
    let mut to_compile: Vec<Source<'_>> = Vec::new();
    for source in sources {
        match frozen_data(source.text).filter(|_| thaw) {
            Some((start, data)) => match ready.remove(&start) {
                Some(mut template) => {
                    template.name = Some(source.name.clone());
                    hb.register_template(&source.name, template);
                }
                None => frozen.push((data, source)),
            },
            None => to_compile.push(source),
        }
    }
    // Thawing costs about the data's length: deal it out over the cores.
    let cores = threads().min(frozen.len().max(1));
    let mut shares: Vec<(usize, FrozenShare<'_>)> = (0..cores).map(|_| (0, Vec::new())).collect();
    for (data, source) in frozen {
        if let Some(share) = shares.iter_mut().min_by_key(|(load, _)| *load) {
            share.0 += data.len();
            share.1.push((data, source.name));
        }
    }
    let thawed = spread(shares, THAW_WORTH_THREADS, thaw_all);
    for share in thawed {
        for (name, template) in share? {
            hb.register_template(&name, template);
        }
    }
    let mut table: Vec<String> = Vec::new();
    let owned: Vec<(String, String)> = to_compile
        .into_iter()
        .map(|s| {
            if s.literals {
                let (text, runs) = literals(s.text, table.len());
                table.extend(runs.into_iter().map(str::to_string));
                (s.name, text)
            } else {
                (s.name, s.text.to_string())
            }
        })
        .collect();
    hb.register_helper(LITERAL_HELPER, Box::new(Literals(table)));
    let sources: Vec<Source<'_>> = owned
        .iter()
        .map(|(name, text)| Source {
            name: name.clone(),
            text,
            literals: false,
        })
        .collect();
    // Compiling costs about (length × tokens): deal the largest out first,
    // each to the thread with the least work so far.
    let mut sources = sources;
    sources.sort_by_key(|s| std::cmp::Reverse(s.text.len() * (1 + s.text.matches("{{").count())));
    let threads = threads().min(sources.len().max(1));
    let mut shares: Vec<(usize, Vec<Source<'_>>)> = (0..threads).map(|_| (0, Vec::new())).collect();
    for source in sources {
        let cost = source.text.len() * (1 + source.text.matches("{{").count());
        if let Some(share) = shares.iter_mut().min_by_key(|(load, _)| *load) {
            share.0 += cost;
            share.1.push(source);
        }
    }
    let compiled = spread(shares, COMPILE_WORTH_THREADS, |share: Vec<Source<'_>>| {
        share
            .into_iter()
            .map(|s| {
                Template::compile_with_name(s.text, s.name.clone())
                    .map(|t| (s.name.clone(), t))
                    .map_err(|e| RenderError::Template {
                        template: s.name.clone(),
                        message: e.to_string(),
                    })
            })
            .collect()
    });
    let mut first_error: Option<RenderError> = None;
    for share in compiled {
        match share {
            Ok(templates) => {
                for (name, template) in templates {
                    hb.register_template(&name, template);
                }
            }
            Err(e) => {
                // Report the same error whichever thread met it first: the
                // one for the alphabetically first blueprint.
                let earlier = match (&first_error, &e) {
                    (
                        Some(RenderError::Template { template: a, .. }),
                        RenderError::Template { template: b, .. },
                    ) => b < a,
                    (None, _) => true,
                    _ => false,
                };
                if earlier {
                    first_error = Some(e);
                }
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(hb),
    }
}

/// The work (bytes of frozen data; length × mustaches of text to compile)
/// below which one thread does it all: starting threads costs more than a
/// few small templates do (the standard preset compiles only its 19 short
/// `path` templates).
const THAW_WORTH_THREADS: usize = 16 * 1024;
const COMPILE_WORTH_THREADS: usize = 64 * 1024;

/// Does each share's work, each on a thread of its own when there is at
/// least `worth` of it in all; the results in share order.
fn spread<S: Send, T: Send>(
    shares: Vec<(usize, S)>,
    worth: usize,
    work: impl Fn(S) -> Result<Vec<T>, RenderError> + Sync,
) -> Vec<Result<Vec<T>, RenderError>> {
    let shares: Vec<(usize, S)> = shares.into_iter().filter(|(load, _)| *load > 0).collect();
    if shares.len() < 2 || shares.iter().map(|(load, _)| load).sum::<usize>() < worth {
        return shares.into_iter().map(|(_, share)| work(share)).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|(_, share)| {
                let work = &work;
                scope.spawn(move || work(share))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(panicked())))
            .collect()
    })
}

/// Frozen templates' data, and the name each is registered by.
type FrozenShare<'a> = Vec<(&'a [u8], String)>;

/// Frozen templates rebuilt ahead of time, by where their data starts.
pub(super) type Thawed = HashMap<usize, Template>;

/// The frozen templates of these texts rebuilt, without a name. The
/// renderer runs this on a core of its own while it prepares each entry's
/// context, work that uses one core only. A template that fails to thaw is
/// left out: `compile` thaws it again and reports why.
pub(super) fn thaw_texts<'a>(texts: impl Iterator<Item = &'a str>) -> Thawed {
    let mut thaw = super::frozen::Thaw::default();
    let mut thawed = Thawed::new();
    for (start, data) in texts.filter_map(frozen_data) {
        if thawed.contains_key(&start) {
            continue;
        }
        if let Some(template) = super::frozen::decode(data)
            .ok()
            .and_then(|frozen| thaw.template(frozen).ok())
        {
            thawed.insert(start, template);
        }
    }
    thawed
}

/// Frozen templates (their data, and the name each is registered by)
/// rebuilt.
fn thaw_all(share: FrozenShare<'_>) -> Result<Vec<(String, Template)>, RenderError> {
    let mut thaw = super::frozen::Thaw::default();
    share
        .into_iter()
        .map(|(data, name)| {
            super::frozen::decode(data)
                .and_then(|mut frozen| {
                    frozen.name = Some(name.clone());
                    thaw.template(frozen)
                })
                .map(|template| (name.clone(), template))
                .map_err(|message| RenderError::Template {
                    template: name.clone(),
                    message: format!("rebuilding it from its compiled form: {message}"),
                })
        })
        .collect()
}

/// The compiled form `build.rs` made of this exact text, if any.
pub(super) fn frozen_data(text: &str) -> Option<(usize, &'static [u8])> {
    let key = super::frozen::key(text);
    let table = frozen_table::FROZEN;
    let at = table.partition_point(|(k, ..)| *k < key);
    table[at..]
        .iter()
        .take_while(|(k, ..)| *k == key)
        .find(|(_, len, ..)| *len == text.len())
        .and_then(|&(_, _, start, end)| Some((start, frozen_table::DATA.get(start..end)?)))
}

mod frozen_table {
    include!(concat!(env!("OUT_DIR"), "/frozen.rs"));
}

pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

pub(super) fn panicked() -> RenderError {
    RenderError::Manifest("a rendering thread panicked".into())
}

/// A copy of `value` with, in every object at any depth, only the keys
/// `words` names. Arrays keep every element (pruned the same way); scalars
/// are copied.
pub(super) fn pruned(value: &Value, words: &BTreeSet<&str>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| words.contains(key.as_str()))
                .map(|(key, v)| (key.clone(), pruned(v, words)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| pruned(v, words)).collect()),
        other => other.clone(),
    }
}

/// Each blueprint read once per render (`scan`): many entries include the
/// same partials.
#[derive(Debug, Default)]
pub(super) struct Reads<'t>(BTreeMap<&'t str, Scanned<'t>>);

impl<'t> Reads<'t> {
    /// The blueprint's reading: the build's, when its text is lzgen's own
    /// (`embedded`) and the build read one of that name and length; read now
    /// otherwise.
    fn get(&mut self, name: &'t str, text: &'t str, embedded: bool) -> &Scanned<'t> {
        self.0.entry(name).or_insert_with(|| {
            embedded
                .then(|| built_scan(name, text.len()))
                .flatten()
                .unwrap_or_else(|| scan::scan(text))
        })
    }

    /// Where a blueprint read already is cut into pieces.
    pub(super) fn cuts(&self, name: &str) -> Option<&[usize]> {
        self.0.get(name).map(|read| read.cuts.as_ref())
    }
}

/// The build's reading of an embedded blueprint.
pub(super) fn built_scan<'t>(name: &str, len: usize) -> Option<Scanned<'t>> {
    let table = frozen_table::SCANNED;
    let at = table.binary_search_by(|row| row.0.cmp(name)).ok()?;
    let (_, built_len, cuts, words, partials) = table[at];
    (built_len == len).then_some(Scanned {
        cuts: Cow::Borrowed(cuts),
        words: Cow::Borrowed(words),
        partials: Cow::Borrowed(partials),
    })
}

/// The names one entry's blueprint can reach: its own mustaches and those
/// of every partial it includes, transitively; and those partials.
/// `embedded` tells a file of lzgen's own from a user's. (The entry's
/// `path` template adds its own words where the entry is kept.)
pub(super) fn entry_words<'t>(
    template: &str,
    files: &'t BTreeMap<String, String>,
    embedded: impl Fn(&str) -> bool,
    partial_file: impl Fn(&str) -> String,
    reads: &mut Reads<'t>,
) -> (BTreeSet<&'t str>, BTreeSet<String>) {
    let mut words = BTreeSet::new();
    let mut partials: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = vec![template.to_string()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(file) = queue.pop() {
        if !seen.insert(file.clone()) {
            continue;
        }
        let Some((file, text)) = files.get_key_value(&file) else {
            continue;
        };
        let read = reads.get(file, text, embedded(file));
        words.extend(read.words.iter().copied());
        for name in read.partials.iter() {
            partials.insert((*name).to_string());
            queue.push(partial_file(name));
        }
    }
    (words, partials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_from_mustaches_only() {
        let read = scan::scan(
            "accounts in prose {{#each lz.stacks}}{{yaml @root.lz.names.log}}{{/each}} {{> tg-alarm target_group=x}}",
        );
        let words: BTreeSet<&str> = read.words.iter().copied().collect();
        assert_eq!(read.words.len(), words.len(), "each word once");
        let expected: BTreeSet<&str> = [
            "each",
            "yaml",
            "root",
            "lz",
            "names",
            "log",
            "stacks",
            "tg",
            "alarm",
            "target_group",
            "x",
        ]
        .into();
        assert_eq!(words, expected);
    }

    #[test]
    fn partials_are_found_with_their_whitespace_control() {
        let names: Vec<&str> = scan::partials_named(
            "a {{> one}} b {{~> two x=1}} {{#if y}}{{>three}}{{/if}} {{ > four }}",
        )
        .collect();
        assert_eq!(names, ["one", "two", "three", "four"]);
    }

    #[test]
    fn pruning_keeps_named_keys_at_every_depth() {
        let value = serde_json::json!({
            "lz": {"names": {"log": "l", "other": 1}, "accounts": [{"name": "a", "email": "e"}]},
            "unused": [1, 2, 3]
        });
        let words: BTreeSet<&str> = ["lz", "names", "log", "accounts", "name"].into();
        assert_eq!(
            pruned(&value, &words),
            serde_json::json!({"lz": {"names": {"log": "l"}, "accounts": [{"name": "a"}]}})
        );
    }
}
