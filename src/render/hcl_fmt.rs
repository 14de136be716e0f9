//! Canonical layout for the Terraform files lzgen writes, the layout
//! `terraform fmt` leaves, so a user's `terraform fmt -check` passes on a
//! fresh repo. Blueprints may be written loosely; every `.tf` file goes
//! through [`format`] after rendering.
//!
//! The rules:
//! - two spaces of indentation per open `{`, `[` or `(`; a line that starts
//!   by closing one is indented at the outer level;
//! - in a run of consecutive one-line attributes at the same level, the `=`
//!   signs line up one space after the longest name; a blank line, a
//!   comment, a block, or an attribute whose value spans several lines ends
//!   the run (lzgen's blueprints also put a blank line before such an
//!   attribute, so no run ever meets one);
//! - no trailing white space, at most one blank line in a row, none at the
//!   start, and exactly one newline at the end;
//! - strings, `${...}` templates inside them, comments and heredocs are
//!   left as they are.

/// What a line holds, for indentation and alignment.
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    /// Brackets it opens minus those it closes (outside strings/comments).
    delta: i32,
    /// Byte offset of the attribute's `=` (not `==`, `=>`, `<=`...), when
    /// the line is `name = value` at its own level.
    assign: Option<usize>,
    /// The line opens a heredoc; the tag that ends it follows.
    heredoc: bool,
}

/// Returns `text` in canonical layout.
pub fn format(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    // As terraform fmt counts: a line that opens brackets on balance indents
    // what follows by one level, however many it opened; a line that closes
    // them on balance returns to the level where they were opened.
    let mut indents: Vec<i32> = Vec::new();
    let mut heredoc_end: Option<String> = None;
    // (index in `out`, name end, assign offset) of the current run.
    let mut run: Vec<(usize, usize)> = Vec::new();
    // Widths are columns as terraform fmt counts them: grapheme clusters of
    // the source text (an escaped quote is two), not bytes or chars.
    let columns = |text: &str| {
        use unicode_segmentation::UnicodeSegmentation;
        text.graphemes(true).count()
    };
    let flush = |out: &mut Vec<String>, run: &mut Vec<(usize, usize)>| {
        let width = run
            .iter()
            .map(|&(i, eq)| columns(out[i][..eq].trim_end()))
            .max()
            .unwrap_or(0);
        for &(i, eq) in run.iter() {
            let line = out[i].clone();
            let name = line[..eq].trim_end();
            let value = line[eq + 1..].trim_start();
            let pad = " ".repeat(width - columns(name));
            out[i] = format!("{name}{pad} = {value}");
        }
        run.clear();
    };

    for raw in text.lines() {
        if let Some(tag) = &heredoc_end {
            // Heredoc bodies are content: kept byte for byte.
            if raw.trim() == tag {
                heredoc_end = None;
            }
            out.push(raw.trim_end().to_string());
            continue;
        }
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut out, &mut run);
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let scan = scan(line);
        let level = indent_for(&mut indents, scan.delta);
        let indented = format!("{}{}", "  ".repeat(level), line);

        let single_line_attribute = scan.assign.is_some() && scan.delta == 0 && !scan.heredoc;
        let same_level = run
            .first()
            .is_none_or(|&(i, _)| indentation(&out[i]) == indentation(&indented));
        if !single_line_attribute || !same_level {
            flush(&mut out, &mut run);
        }
        out.push(indented);
        if single_line_attribute {
            let eq = scan.assign.unwrap_or_default() + 2 * level;
            run.push((out.len() - 1, eq));
        }
        if scan.heredoc {
            heredoc_end = heredoc_tag(line);
        }
    }
    flush(&mut out, &mut run);
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// The indentation level of a line whose brackets change by `delta`, and
/// the stack of open levels after it.
fn indent_for(indents: &mut Vec<i32>, delta: i32) -> usize {
    match delta {
        d if d > 0 => {
            let level = indents.len();
            indents.push(d);
            level
        }
        d if d < 0 => {
            let mut closed = -d;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    indents.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
            indents.len()
        }
        _ => indents.len(),
    }
}

/// Whether `text` is exactly one quoted string: its first unescaped closing
/// quote is its last byte (`"a\"b"` is one; `"a" "b"` is not).
fn is_one_string(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'"' {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i == bytes.len() - 1,
            _ => i += 1,
        }
    }
    false
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `<<EOT` or `<<-EOT` at the end of the line: the closing tag.
fn heredoc_tag(line: &str) -> Option<String> {
    let at = line.rfind("<<")?;
    let tag = line[at + 2..].trim_start_matches('-').trim();
    (!tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| tag.to_string())
}

fn scan(line: &str) -> Scan {
    let mut s = Scan::default();
    // A comment line opens nothing and assigns nothing.
    if line.starts_with('#') || line.starts_with("//") || line.starts_with("/*") {
        return s;
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    // Inside strings: `s` a string, `t` a `${...}` template in one, `b` a
    // brace inside a template. Code in templates may hold strings again.
    let mut stack: Vec<u8> = Vec::new();
    while i < bytes.len() {
        let c = bytes[i];
        match stack.last() {
            Some(b's') => {
                match c {
                    b'\\' => i += 1,
                    b'"' => {
                        stack.pop();
                    }
                    // `$${` and `%%{` are the escapes for a literal `${`
                    // and `%{`: text, not a template.
                    b'$' | b'%'
                        if bytes.get(i + 1) == Some(&c) && bytes.get(i + 2) == Some(&b'{') =>
                    {
                        i += 2;
                    }
                    b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                        stack.push(b't');
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Some(_) => {
                match c {
                    b'"' => stack.push(b's'),
                    b'{' => stack.push(b'b'),
                    b'}' => {
                        stack.pop();
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            None => {}
        }
        match c {
            b'"' => stack.push(b's'),
            b'#' => break,
            b'/' if bytes.get(i + 1) == Some(&b'/') => break,
            b'{' | b'[' | b'(' => s.delta += 1,
            b'}' | b']' | b')' => s.delta -= 1,
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                s.heredoc = heredoc_tag(&line[i..]).is_some();
                i += 1;
            }
            b'=' => {
                let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                let operator =
                    matches!(prev, b'=' | b'!' | b'<' | b'>') || matches!(next, b'=' | b'>');
                // An attribute's `=` comes right after its name, before any
                // bracket or string.
                let name = line[..i].trim_end();
                // A name, or a quoted key of an object (`"lzgen:account" = ...`).
                let quoted = is_one_string(name);
                let is_name = quoted
                    || (!name.is_empty()
                        && name
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.')));
                if !operator && s.assign.is_none() && is_name && s.delta == 0 {
                    s.assign = Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}

/// The ways `text` departs from canonical layout, one line each.
pub fn departures(text: &str) -> Vec<String> {
    let canonical = format(text);
    if canonical == text {
        return Vec::new();
    }
    let mut found: Vec<String> = text
        .lines()
        .zip(canonical.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("line {}: `{a}` should read `{b}`", i + 1))
        .take(5)
        .collect();
    if found.is_empty() {
        found.push("blank lines or the final newline differ from the canonical layout".into());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_two_spaces_per_level_and_aligns_runs_of_attributes() {
        let loose = "resource \"aws_s3_bucket\" \"logs\" {\nbucket = \"acme-logs\"\n    force_destroy = false\ntags = {\nName = \"logs\"\nManagedBy=\"lzgen\"\n}\n}\n";
        assert_eq!(
            format(loose),
            "resource \"aws_s3_bucket\" \"logs\" {\n  bucket        = \"acme-logs\"\n  force_destroy = false\n  tags = {\n    Name      = \"logs\"\n    ManagedBy = \"lzgen\"\n  }\n}\n"
        );
    }

    #[test]
    fn blank_lines_comments_and_blocks_end_an_alignment_run() {
        let text = "a = 1\nlonger_name = 2\n\nb = 3\n# note\ncc = 4\nblock {\n}\nddd = 5\n";
        assert_eq!(
            format(text),
            "a           = 1\nlonger_name = 2\n\nb = 3\n# note\ncc = 4\nblock {\n}\nddd = 5\n"
        );
    }

    #[test]
    fn strings_templates_and_operators_do_not_count() {
        let text = "locals {\nx = \"{ not a block = ${var.a == \"}\" ? 1 : 2}\"\nyy = var.a == var.b\nz = [\n1,\n]\n}\n";
        assert_eq!(
            format(text),
            "locals {\n  x  = \"{ not a block = ${var.a == \"}\" ? 1 : 2}\"\n  yy = var.a == var.b\n  z = [\n    1,\n  ]\n}\n"
        );
    }

    /// Issue 13, defect 5: an OU name with a quote, an escaped template or
    /// letters beyond ASCII broke the alignment terraform fmt expects.
    #[test]
    fn keys_with_escapes_and_accents_align_by_their_columns() {
        let text = "x = {\n\"Sec\\\"ur ity\" = 1\n\"Dep\" = 2\n\"a$${b}\" = 3\n\"Sécurité\" = 4\n\"e\u{301}\" = 5\n}\n";
        assert_eq!(
            format(text),
            // The longest key takes 13 columns; `"Sécurité"` 10, and
            // `"é"` (e and a combining accent) 3.
            "x = {\n  \"Sec\\\"ur ity\" = 1\n  \"Dep\"         = 2\n  \"a$${b}\"      = 3\n  \"Sécurité\"    = 4\n  \"e\u{301}\"           = 5\n}\n"
        );
    }

    #[test]
    fn quoted_object_keys_align_like_names() {
        let text = "value = {\n\"log-archive\" = 1\n\"dev\" = 2\n}\n";
        assert_eq!(
            format(text),
            "value = {\n  \"log-archive\" = 1\n  \"dev\"         = 2\n}\n"
        );
    }

    #[test]
    fn provider_map_keys_with_a_dot_align_too() {
        let text = "providers = {\naws = aws\naws.management = aws.management_us_east_1\n}\n";
        assert_eq!(
            format(text),
            "providers = {\n  aws            = aws\n  aws.management = aws.management_us_east_1\n}\n"
        );
    }

    #[test]
    fn several_brackets_opened_on_one_line_indent_once() {
        let text = "policy = jsonencode({\nrules = [{\nrulePriority = 1\n}]\n})\n";
        assert_eq!(
            format(text),
            "policy = jsonencode({\n  rules = [{\n    rulePriority = 1\n  }]\n})\n"
        );
    }

    #[test]
    fn heredocs_are_kept_as_written() {
        let text = "x = <<-EOT\n   keep   this\n  EOT\ny = 2\n";
        assert_eq!(format(text), "x = <<-EOT\n   keep   this\n  EOT\ny = 2\n");
    }

    #[test]
    fn trailing_space_extra_blank_lines_and_the_final_newline() {
        assert_eq!(
            format("\n\na = 1   \n\n\n\nb = 2\n\n\n"),
            "a = 1\n\nb = 2\n"
        );
        assert_eq!(format("a = 1"), "a = 1\n");
    }

    #[test]
    fn formatting_is_idempotent_and_departures_name_the_line() {
        let text = "block {\nkey = \"v\"\nother_key = 1\n}\n";
        let once = format(text);
        assert_eq!(format(&once), once);
        assert!(departures(&once).is_empty());
        assert_eq!(
            departures(text),
            [
                "line 2: `key = \"v\"` should read `  key       = \"v\"`",
                "line 3: `other_key = 1` should read `  other_key = 1`",
            ]
        );
    }
}
