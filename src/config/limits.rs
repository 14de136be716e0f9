//! Bounds on the answers, checked before anything else reads them, so that a
//! hostile or broken `lzgen.yaml` (a pull request can change it, and a
//! pipeline with administrator rights renders it) gets a clear error in
//! bounded time and memory, never a hang or an exhausted machine.
//!
//! The bounds sit far above any real landing zone: `lzgen.yaml` for 1,000
//! accounts is about 150 KB, 7 levels deep, with ~10,000 values; the longest
//! free-text key (`pipeline.deploy.health_check_path`) takes 1,024 characters.

use super::keys::join;
use crate::problem::Problem;
pub use crate::text::{hidden, printable};
use serde_yaml::Value;
use std::io::{self, Read};
use std::path::Path;

/// The largest answers file read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The deepest nesting of lists and mappings. Five levels of OUs (AWS's
/// limit, below the root) take 11.
pub const MAX_DEPTH: usize = 24;
/// The most values (scalars, lists and mappings) in one document.
pub const MAX_VALUES: usize = 200_000;
/// The longest list: 10,000 accounts, far beyond what one organization holds
/// without a quota increase.
pub const MAX_LIST: usize = 10_000;
/// The most keys in one mapping; no mapping of lzgen.yaml has 20.
pub const MAX_KEYS: usize = 200;
/// The longest text value, in characters; each key's own rule is stricter.
pub const MAX_TEXT: usize = 4_096;
/// The most problems reported from this check: the rest are counted.
const MAX_REPORTED: usize = 20;

/// Reads an answers file: a regular file (never a FIFO, a device or a
/// folder, which could block or never end) of at most `MAX_FILE_BYTES`.
pub fn read_answers_file(path: &Path) -> io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, not a regular file (lzgen reads answers only from a file, which cannot block or grow without end: save them to one and pass its path)",
                file_kind(&meta)
            ),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The length can change between the check and the read: read one byte
    // past the bound to find out.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is not UTF-8 text (byte {} is not valid UTF-8)",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn too_large(len: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {len} bytes, over the {MAX_FILE_BYTES}-byte limit (lzgen.yaml for 1,000 accounts is about 150 KB)"
        ),
    )
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// The first YAML tag in `text`, with its line and column (1-based).
/// lzgen.yaml uses no tags; serde_yaml_ng would drop some of them silently
/// (`!!python/object:os.system ls` reads as `ls`), so they are found in the
/// YAML events before the text is read as answers. Text that does not parse
/// has no tags to report: the YAML reader names its syntax error.
pub fn first_tag(text: &str) -> Option<(usize, usize, String)> {
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
    use yaml_rust2::scanner::Marker;

    #[derive(Default)]
    struct Tags(Option<(usize, usize, String)>);
    impl MarkedEventReceiver for Tags {
        fn on_event(&mut self, event: Event, mark: Marker) {
            if self.0.is_some() {
                return;
            }
            let tag = match event {
                Event::Scalar(_, _, _, tag)
                | Event::SequenceStart(_, tag)
                | Event::MappingStart(_, tag) => tag,
                _ => None,
            };
            if let Some(tag) = tag {
                let shown = match tag.handle.as_str() {
                    "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
                    "!" => format!("!{}", tag.suffix),
                    handle => format!("!<{handle}{}>", tag.suffix),
                };
                self.0 = Some((mark.line(), mark.col() + 1, shown));
            }
        }
    }
    let mut tags = Tags::default();
    let _ = Parser::new_from_str(text).load(&mut tags, true);
    tags.0
}

/// A problem for the first tag in `text`, if any; `origin` names the file or
/// flag it came from.
pub fn refuse_tags(text: &str, origin: &str) -> Result<(), Problem> {
    match first_tag(text) {
        None => Ok(()),
        Some((line, col, tag)) => Err(tag_problem(format!("{origin}:{line}:{col}"), &tag)),
    }
}

/// Every bound of the document, and the characters its text may hold. An
/// empty list means the document is within bounds.
pub fn check_document(doc: &Value) -> Vec<Problem> {
    let mut walk = Walk::default();
    walk.value(doc, "", 0);
    let mut problems = walk.problems;
    if walk.values > MAX_VALUES {
        problems.insert(
            0,
            Problem::new(
                "",
                format!(
                    "expected at most {MAX_VALUES} values in the answers, found {}",
                    walk.values
                ),
            ),
        );
    }
    if problems.len() > MAX_REPORTED {
        let more = problems.len() - MAX_REPORTED;
        problems.truncate(MAX_REPORTED);
        problems.push(Problem::new(
            "",
            format!("and {more} more problem(s) of these kinds"),
        ));
    }
    problems
}

#[derive(Default)]
struct Walk {
    values: usize,
    problems: Vec<Problem>,
}

impl Walk {
    fn value(&mut self, value: &Value, path: &str, depth: usize) {
        self.values += 1;
        if self.values > MAX_VALUES || self.problems.len() > MAX_REPORTED {
            // Keep counting, stop looking: the count is reported.
            return;
        }
        if depth > MAX_DEPTH {
            self.problems.push(Problem::new(
                path,
                format!("expected at most {MAX_DEPTH} levels of nesting, found more"),
            ));
            return;
        }
        match value {
            Value::String(text) => self.text(text, path),
            Value::Sequence(items) => {
                if items.len() > MAX_LIST {
                    self.problems.push(Problem::new(
                        path,
                        format!(
                            "expected a list of at most {MAX_LIST} items, found {}",
                            items.len()
                        ),
                    ));
                    return;
                }
                for (i, item) in items.iter().enumerate() {
                    self.value(item, &format!("{path}[{i}]"), depth + 1);
                }
            }
            Value::Mapping(map) => {
                if map.len() > MAX_KEYS {
                    self.problems.push(Problem::new(
                        path,
                        format!(
                            "expected a mapping of at most {MAX_KEYS} keys, found {}",
                            map.len()
                        ),
                    ));
                    return;
                }
                for (key, item) in map {
                    let name = match key {
                        Value::String(k) => {
                            self.text(k, &join(path, "<key>"));
                            k.clone()
                        }
                        _ => String::from("<key>"),
                    };
                    self.value(item, &join(path, &printable(&name, 60)), depth + 1);
                }
            }
            Value::Tagged(tagged) => self
                .problems
                .push(tag_problem(path.to_string(), &tagged.tag.to_string())),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn text(&mut self, text: &str, path: &str) {
        let chars = text.chars().count();
        if chars > MAX_TEXT {
            self.problems.push(Problem::new(
                path,
                format!("expected at most {MAX_TEXT} characters, found {chars}"),
            ));
            return;
        }
        if let Some((at, c)) = text.chars().enumerate().find(|(_, c)| hidden(*c)) {
            self.problems.push(
                Problem::new(
                    path,
                    format!(
                        "expected visible text, found {} at character {}",
                        describe(c),
                        at + 1
                    ),
                )
                .with_hint("control, invisible and direction-changing characters could hide what a generated file says"),
            );
        }
    }
}

/// The problem for a tagged value at `key` (a key path, or a file's line
/// and column).
fn tag_problem(key: String, tag: &str) -> Problem {
    Problem::new(
        key,
        format!(
            "expected a plain YAML value, found one tagged `{}`",
            printable(tag, 60)
        ),
    )
    .with_hint("lzgen.yaml uses no YAML tags; remove it, and quote the value if it must be text")
}

fn describe(c: char) -> String {
    let name = match c {
        '\n' => " (a line break)",
        '\r' => " (a carriage return)",
        '\t' => " (a tab)",
        '\0' => " (NUL)",
        '\u{1B}' => " (ESCAPE, which starts terminal control sequences)",
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => " (a mark that changes the direction of text)",
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => " (an invisible character)",
        '\u{2028}' | '\u{2029}' => " (a line or paragraph separator)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        serde_yaml::from_str(text).expect("yaml")
    }

    fn messages(text: &str) -> Vec<String> {
        check_document(&doc(text))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn plain_answers_are_within_bounds() {
        for preset in super::super::PRESETS {
            assert_eq!(
                messages(preset.yaml),
                Vec::<String>::new(),
                "{}",
                preset.name
            );
        }
    }

    #[test]
    fn yaml_tags_are_refused_with_their_place() {
        // serde_yaml_ng reads this as the plain text `ls`.
        let text = "organization:\n  name: !!python/object:os.system ls\n";
        assert!(check_document(&doc(text)).is_empty());
        // The place is that of the tagged value, `ls`.
        let problem = refuse_tags(text, "lzgen.yaml").expect_err("a tag");
        assert_eq!(
            problem.to_string(),
            "lzgen.yaml:2:35: expected a plain YAML value, found one tagged \
             `!!python/object:os.system` (lzgen.yaml uses no YAML tags; remove it, \
             and quote the value if it must be text)"
        );
        for tagged in ["a: !custom x", "a: !!str 1", "- !!map {}", "a: !<tag:x> y"] {
            assert!(first_tag(tagged).is_some(), "{tagged}");
        }
        for plain in ["a: 'x!!y'", "a: \"!z\"", "a: b!c", "# !!x\na: 1"] {
            assert_eq!(first_tag(plain), None, "{plain}");
        }
        // A tag serde_yaml_ng keeps is refused by the document check too.
        assert_eq!(messages("a: !custom x\n").len(), 1);
    }

    #[test]
    fn hidden_characters_are_named_and_never_echoed() {
        for (value, what) in [
            ("x\u{1b}[2J", "U+001B (ESCAPE"),
            ("ab\u{202e}cd", "U+202E (a mark that changes the direction"),
            ("a\u{200b}", "U+200B (an invisible character)"),
            ("a\u{2028}b", "U+2028 (a line or paragraph separator)"),
            ("a\rb", "U+000D (a carriage return)"),
        ] {
            let mut map = serde_yaml::Mapping::new();
            map.insert("name".into(), Value::String(value.into()));
            let found: Vec<String> = check_document(&Value::Mapping(map))
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(found.len(), 1, "{value:?}: {found:?}");
            assert!(
                found[0].starts_with("name: expected visible text, found "),
                "{found:?}"
            );
            assert!(found[0].contains(what), "{found:?}");
            assert!(!found[0].contains(value), "the value is echoed: {found:?}");
        }
    }

    #[test]
    fn sizes_are_bounded_and_counted_not_echoed() {
        let long = "a".repeat(MAX_TEXT + 1);
        let found = messages(&format!("name: {long}\n"));
        assert_eq!(
            found,
            vec![format!(
                "name: expected at most {MAX_TEXT} characters, found {}",
                MAX_TEXT + 1
            )]
        );
        let list = format!("accounts: [{}]\n", vec!["1"; MAX_LIST + 1].join(","));
        assert_eq!(
            messages(&list),
            vec![format!(
                "accounts: expected a list of at most {MAX_LIST} items, found {}",
                MAX_LIST + 1
            )]
        );
        let keys: String = (0..=MAX_KEYS).map(|i| format!("k{i}: 1\n")).collect();
        assert_eq!(
            messages(&keys),
            vec![format!(
                "expected a mapping of at most {MAX_KEYS} keys, found {}",
                MAX_KEYS + 1
            )]
        );
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 2),
            "]".repeat(MAX_DEPTH + 2)
        );
        let found = messages(&format!("a: {deep}\n"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("levels of nesting"), "{found:?}");
    }

    #[test]
    fn many_problems_are_cut_short_and_counted() {
        let text: String = (0..50).map(|i| format!("k{i}: !t x\n")).collect();
        let found = messages(&text);
        assert_eq!(found.len(), MAX_REPORTED + 1);
        assert!(found[MAX_REPORTED].starts_with("and "), "{found:?}");
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_of_bounded_size_are_read() {
        let err = read_answers_file(Path::new("/dev/zero")).expect_err("a device");
        assert!(
            err.to_string().contains("a device, not a regular file"),
            "{err}"
        );
        let tmp = tempfile::tempdir().expect("tmp");
        let err = read_answers_file(tmp.path()).expect_err("a folder");
        assert!(err.to_string().contains("a folder"), "{err}");
        let big = tmp.path().join("big.yaml");
        std::fs::write(&big, vec![b'#'; MAX_FILE_BYTES as usize + 1]).expect("write");
        let err = read_answers_file(&big).expect_err("too large");
        assert!(err.to_string().contains("over the"), "{err}");
        let bad = tmp.path().join("bad.yaml");
        std::fs::write(&bad, b"name: \xff\n").expect("write");
        let err = read_answers_file(&bad).expect_err("not UTF-8");
        assert!(err.to_string().contains("byte 6"), "{err}");
    }
}
