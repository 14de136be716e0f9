//! What text may reach a generated file or a terminal: the characters that
//! could hide or reorder what a reader sees, and the escaping that shows
//! them. The answers' rules (`config::limits`) and every message shown
//! (`problem`) use these.

/// A character that must not reach a generated file or a terminal: control
/// characters (C0, DEL, C1, so also newlines and tabs: no answer is more than
/// one line), the marks that reorder text (bidi embeddings, overrides and
/// isolates: "Trojan Source", CVE-2021-42574), invisible ones (zero-width
/// spaces and joiners, the word joiner, the byte-order mark, soft hyphen) and
/// the line and paragraph separators that YAML and JavaScript treat as line
/// breaks.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` made safe to show on a terminal: hidden characters become
/// `\u{…}` escapes, and anything past `max` characters is cut and counted.
/// Every value echoed in a message goes through this.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (shown, c) in text.chars().enumerate() {
        if shown == max {
            let rest = text.chars().count() - shown;
            out.push_str(&format!("… ({rest} more characters)"));
            break;
        }
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_and_cuts() {
        assert_eq!(printable("a\u{1b}b", 10), "a\\u{1b}b");
        assert_eq!(printable("abcdef", 3), "abc… (3 more characters)");
    }
}
