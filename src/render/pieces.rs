//! Blueprints prepared for handlebars' compiler, whose cost grows with the
//! square of a template's length and with every character of raw text:
//! long blueprints are cut into pieces (`cuts`, `pieces`), and runs of plain
//! lines are taken out and written back by a helper (`literals`). Neither
//! changes a byte of output: `render::tests` renders every preset and
//! example with and without them.

/// Where a blueprint can be cut into pieces that compile and render
/// separately with the same output: the starts of lines outside every
/// mustache and every block, at least `every` bytes apart, where no `~`
/// trims whitespace across the cut. Handlebars' compiler rescans a
/// template from its start for every token, so its cost grows with the
/// square of the length; pieces of a few kilobytes make it linear. (The
/// rendering of pieces, concatenated, equals the whole's: a test renders
/// every preset and example both ways.)
pub(super) fn cuts(text: &str, every: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut depth: i32 = 0;
    let mut last_cut = 0;
    // Whether the last mustache ended with `~}}` and only whitespace has
    // followed it since.
    let mut trims_after = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            let (close, len) = if bytes[i..].starts_with(b"{{!--") {
                ("--}}", 5)
            } else {
                ("}}", 2)
            };
            let Some(end) = text[i + len..].find(close) else {
                // An unclosed mustache: leave the rest whole, and let the
                // compiler report it.
                break;
            };
            let inside = text[i + 2..i + len + end]
                .trim_start_matches('~')
                .trim_start();
            if inside.starts_with('#') {
                depth += 1;
            } else if inside.starts_with('/') {
                depth -= 1;
            }
            i += len + end + close.len();
            trims_after = text[..i - close.len()].ends_with('~');
            continue;
        }
        if bytes[i] == b'\n' {
            let at = i + 1;
            let next_line = text[at..].trim_start();
            let trims_before = next_line.starts_with("{{~");
            if depth == 0
                && !trims_after
                && !trims_before
                && at - last_cut >= every
                && at < text.len()
            {
                cuts.push(at);
                last_cut = at;
            }
        } else if !bytes[i].is_ascii_whitespace() {
            trims_after = false;
        }
        i += 1;
    }
    cuts
}

/// The size of the pieces a blueprint is compiled in (`cuts`); `build.rs`
/// freezes the same pieces.
pub(super) const PIECE_BYTES: usize = 1_024;

/// A blueprint's pieces, as `cuts` finds them.
pub(super) fn pieces(text: &str, every: usize) -> Vec<&str> {
    at(text, &cuts(text, every))
}

/// A blueprint's pieces between the given cuts (each a line start, from
/// `cuts`: a cut elsewhere gives the text whole).
pub(super) fn at<'t>(text: &'t str, cuts: &[usize]) -> Vec<&'t str> {
    if cuts
        .iter()
        .any(|&cut| cut == 0 || cut >= text.len() || !text.is_char_boundary(cut))
        || !cuts.is_sorted()
    {
        return vec![text];
    }
    let mut pieces = Vec::new();
    let mut from = 0;
    for &cut in cuts {
        pieces.push(&text[from..cut]);
        from = cut;
    }
    pieces.push(&text[from..]);
    pieces
}

/// The name piece `n` of a blueprint cut into `count` pieces is compiled
/// under: the blueprint's own name when it is whole, so errors name it as
/// written.
pub(super) fn piece_name(template: &str, n: usize, count: usize) -> String {
    if count == 1 {
        template.to_string()
    } else {
        format!("{template} (piece {n})")
    }
}

/// The helper that writes a literal run back (`literals`).
pub(super) const LITERAL_HELPER: &str = "lzgen-literal";

/// Runs of whole lines without a mustache, taken out of a blueprint before
/// it is compiled: each becomes `{{lzgen-literal N}}` and a newline, and
/// the helper writes the run back at render time. Handlebars parses raw
/// text a character at a time, and most of a blueprint is comments, prose
/// and fixed YAML; the placeholder keeps every line where it was, so the
/// rules that depend on lines (standalone `{{#if}}` lines) are unchanged.
/// A run next to a `~` that trims whitespace across it is left in place.
/// Returns the text to compile and the runs, numbered from `first`.
pub(super) fn literals(text: &str, first: usize) -> (String, Vec<&str>) {
    const SHORTEST: usize = 40;
    let spans = mustaches(text);
    let mut out = String::with_capacity(text.len() / 2);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    // Line starts, with whether each begins inside a mustache.
    let mut span = spans.iter().peekable();
    let mut line_start = 0;
    let mut run: Option<usize> = None;
    let mut copied = 0;
    let flush = |out: &mut String,
                 runs: &mut Vec<(usize, usize)>,
                 copied: &mut usize,
                 from: usize,
                 to: usize| {
        // `from..to` is a run of whole lines ending in a newline; the run
        // is kept without that newline, which stays in the template.
        let trims_after = text[..from].trim_end().ends_with("~}}");
        let trims_before = text[to..].trim_start().starts_with("{{~");
        if to - from >= SHORTEST && !trims_after && !trims_before {
            out.push_str(&text[*copied..from]);
            out.push_str(&format!(
                "{{{{{LITERAL_HELPER} {}}}}}\n",
                first + runs.len()
            ));
            runs.push((from, to - 1));
            *copied = to;
        }
    };
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        while span.peek().is_some_and(|(_, end)| *end <= line_start) {
            span.next();
        }
        let touches_mustache = span.peek().is_some_and(|(start, _)| *start < line_end);
        let literal = !touches_mustache && text[..line_end].ends_with('\n');
        match (literal, run) {
            (true, None) => run = Some(line_start),
            (false, Some(from)) => {
                flush(&mut out, &mut runs, &mut copied, from, line_start);
                run = None;
            }
            _ => {}
        }
        line_start = line_end;
    }
    if let Some(from) = run {
        flush(&mut out, &mut runs, &mut copied, from, text.len());
    }
    out.push_str(&text[copied..]);
    (out, runs.into_iter().map(|(a, b)| &text[a..b]).collect())
}

/// The byte ranges of every mustache (`{{…}}`, and `{{!-- … --}}` comments,
/// which may hold `}}`), in order. An unclosed one runs to the end.
fn mustaches(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{") {
        let start = from + at;
        let (close, skip) = if text[start..].starts_with("{{!--") {
            ("--}}", 5)
        } else {
            ("}}", 2)
        };
        let end = text[start + skip..]
            .find(close)
            .map_or(text.len(), |i| start + skip + i + close.len());
        spans.push((start, end));
        from = end;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_between_blocks_and_never_beside_a_trim() {
        let text = "a\n{{#if x}}\nb\n{{/if}}\nc\n{{y~}}\n  d\ne\n  {{~z}}\nf\n";
        let at: Vec<&str> = cuts(text, 1).into_iter().map(|i| &text[i..]).collect();
        // After `a`, after the block, after `c` and after `d`; not inside
        // the block, not after `{{y~}}` (it trims the newline), not on the
        // line of `{{~z}}` (it trims back to `e`, which ends the trim).
        assert_eq!(
            at,
            [
                "{{#if x}}\nb\n{{/if}}\nc\n{{y~}}\n  d\ne\n  {{~z}}\nf\n",
                "c\n{{y~}}\n  d\ne\n  {{~z}}\nf\n",
                "{{y~}}\n  d\ne\n  {{~z}}\nf\n",
                "e\n  {{~z}}\nf\n",
                "f\n",
            ]
        );
        assert_eq!(pieces(text, 1).concat(), text);
        assert_eq!(pieces(text, usize::MAX), [text]);
    }

    #[test]
    fn a_comment_holding_braces_is_one_mustache() {
        let text = "{{!-- a {{#if}} b }} --}}\nx\n";
        assert_eq!(mustaches(text), [(0, 25)]);
        assert_eq!(cuts(text, 1), [26]);
    }

    #[test]
    fn plain_lines_become_one_placeholder_line_each_run() {
        let plain =
            "# a comment long enough to be taken out of the template,\n# and a second line of it\n";
        let text = format!("{{{{#if x}}}}\n{plain}{{{{/if}}}}\nshort\n");
        let (compiled, runs) = literals(&text, 7);
        assert_eq!(runs, [plain.trim_end_matches('\n')]);
        assert_eq!(
            compiled, "{{#if x}}\n{{lzgen-literal 7}}\n{{/if}}\nshort\n",
            "the line structure stays; a short run stays in place"
        );
        // A run that a `~` would trim into is left alone.
        let trimmed = format!("{{{{x~}}}}\n{plain}");
        assert!(literals(&trimmed, 0).1.is_empty());
        let trimmed = format!("{plain}{{{{~x}}}}\n");
        assert!(literals(&trimmed, 0).1.is_empty());
    }
}
