//! Handlebars helpers that quote a value for the format it lands in, so that
//! no answer (an OU named `R&D: "lab"`, an email with a quote) can change the
//! structure of a generated document.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};
use serde_json::Value;

pub fn register(hb: &mut Handlebars<'_>) {
    hb.register_helper("yaml", Box::new(quote_with(yaml)));
    hb.register_helper("json", Box::new(quote_with(json)));
    hb.register_helper("hcl", Box::new(quote_with(hcl)));
    hb.register_helper("hcl_text", Box::new(quote_with(hcl_text)));
    hb.register_helper("hcl_heredoc_json", Box::new(quote_with(hcl_heredoc_json)));
    hb.register_helper("sub_text", Box::new(quote_with(sub_text)));
    hb.register_helper("sh", Box::new(quote_with(sh)));
    hb.register_helper("md", Box::new(quote_with(md)));
    hb.register_helper("md_code", Box::new(quote_with(md_code)));
    hb.register_helper("md_cell_code", Box::new(quote_with(md_cell_code)));
    hb.register_helper("mermaid", Box::new(quote_with(mermaid)));
    hb.register_helper("snake", Box::new(quote_with(snake)));
    hb.register_helper("lower", Box::new(quote_with(lower)));
    hb.register_helper("join", Box::new(join_helper));
    hb.register_helper("indent", Box::new(indent_helper));
    hb.register_helper("concat", Box::new(concat_helper));
    hb.register_helper("add", Box::new(add_helper));
    hb.register_helper("contains", Box::new(contains_helper));
}

/// `{{#if (contains list "x")}}`: whether a list holds a value.
fn contains_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let list = list_param(h, "contains needs a list")?;
    let wanted = h.param(1).map(|p| p.value()).ok_or_else(|| {
        RenderError::from(RenderErrorReason::ParamNotFoundForIndex("contains", 1))
    })?;
    // A subexpression's output is its value: "true", or nothing for false.
    if list.contains(wanted) {
        out.write("true")?;
    }
    Ok(())
}

/// `{{add @index 1}}`: the sum of two whole numbers, for numbering lists.
fn add_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = |i: usize| {
        h.param(i).and_then(|p| p.value().as_i64()).ok_or_else(|| {
            RenderError::from(RenderErrorReason::InvalidParamType(
                "add needs two whole numbers",
            ))
        })
    };
    out.write(&(n(0)? + n(1)?).to_string())?;
    Ok(())
}

/// `{{concat a "-" b}}`: its parameters as one string, for passing to a
/// quoting helper as a subexpression.
fn concat_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let mut text = String::new();
    for param in h.params() {
        if param.is_value_missing() {
            return Err(RenderErrorReason::MissingVariable(param.relative_path().cloned()).into());
        }
        text.push_str(&plain(param.value()));
    }
    out.write(&text)?;
    Ok(())
}

type Quote = fn(&Value) -> String;

fn quote_with(
    quote: Quote,
) -> impl Fn(
    &Helper<'_>,
    &Handlebars<'_>,
    &Context,
    &mut RenderContext<'_, '_>,
    &mut dyn Output,
) -> HelperResult {
    move |h, _, _, _, out| {
        let param = h
            .param(0)
            .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("quote", 0))?;
        if param.is_value_missing() {
            return Err(RenderErrorReason::MissingVariable(param.relative_path().cloned()).into());
        }
        out.write(&quote(param.value()))?;
        Ok(())
    }
}

/// A YAML scalar: strings double-quoted with escapes (a JSON string is a
/// valid YAML double-quoted scalar), numbers and booleans as they are.
pub fn yaml(v: &Value) -> String {
    json(v)
}

/// A JSON value.
pub fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// An HCL string literal: JSON escapes, plus `$${` and `%%{` so that a
/// value never opens an interpolation or a directive.
pub fn hcl(v: &Value) -> String {
    match v {
        Value::String(s) => json(&Value::String(s.clone()))
            .replace("${", "$${")
            .replace("%{", "%%{"),
        other => json(other),
    }
}

/// Text inside an HCL string that the template opened itself
/// (`"arn:${local.partition}:s3:::{{hcl_text x}}"`): the string's escapes
/// without its quotes, so the value neither closes the string nor opens an
/// interpolation.
pub fn hcl_text(v: &Value) -> String {
    strip_quotes(&hcl(&Value::String(plain(v))))
}

/// A JSON value written inside an HCL heredoc, where `${` and `%{` are live
/// as they are in a string: escaped to `$${` and `%%{`.
pub fn hcl_heredoc_json(v: &Value) -> String {
    json(v).replace("${", "$${").replace("%{", "%%{")
}

/// Text inside a double-quoted `!Sub` string that the template opened itself
/// (`!Sub "arn:${AWS::Partition}:s3:::{{sub_text x}}"`): YAML's escapes
/// without the quotes, and `${` written as `${!`, CloudFormation's literal
/// form, so the value never names a parameter or a resource.
pub fn sub_text(v: &Value) -> String {
    strip_quotes(&json(&Value::String(plain(v)))).replace("${", "${!")
}

fn strip_quotes(quoted: &str) -> String {
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted)
        .to_string()
}

/// The text in lower case: `Blue` becomes `blue`.
pub fn lower(v: &Value) -> String {
    plain(v).to_lowercase()
}

/// A Terraform name: `OuWorkloadsProd` and `deny-root-user` become
/// `ou_workloads_prod` and `deny_root_user`.
pub fn snake(v: &Value) -> String {
    let mut out = String::new();
    for (i, c) in plain(v).chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// A shell word in single quotes.
pub fn sh(v: &Value) -> String {
    let text = plain(v);
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Markdown inline text with the characters that would start markup
/// (emphasis, code, links, HTML, table cells) escaped.
pub fn md(v: &Value) -> String {
    let text = plain(v);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span holding `v` exactly, whatever it contains: the
/// fence is one backtick longer than the longest run of backticks inside,
/// and a space pads a value that starts or ends with a backtick or a space
/// (CommonMark strips one such space from each side). HTML and markup are
/// literal text inside a code span.
pub fn md_code(v: &Value) -> String {
    let text = plain(v);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `md_code` for a table cell: a `|` ends the cell even inside a code span,
/// unless escaped as `\|` (GitHub Flavored Markdown, tables).
pub fn md_cell_code(v: &Value) -> String {
    md_code(v).replace('|', "\\|")
}

/// A Mermaid label in double quotes: `#` (which starts an entity), quotes,
/// angle brackets and backticks (which could close the Markdown fence the
/// diagram sits in) become Mermaid's `#code;` entities.
pub fn mermaid(v: &Value) -> String {
    let mut text = String::new();
    for c in plain(v).chars() {
        match c {
            '#' => text.push_str("#35;"),
            '&' => text.push_str("#amp;"),
            '"' => text.push_str("#quot;"),
            '<' => text.push_str("#lt;"),
            '>' => text.push_str("#gt;"),
            '`' => text.push_str("#96;"),
            c => text.push(c),
        }
    }
    format!("\"{text}\"")
}

/// The helper's first parameter, which must be a list.
fn list_param<'a>(h: &'a Helper<'_>, message: &'static str) -> Result<&'a Vec<Value>, RenderError> {
    h.param(0)
        .and_then(|p| p.value().as_array())
        .ok_or_else(|| RenderError::from(RenderErrorReason::InvalidParamType(message)))
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `{{join list ", "}}`: the items of a list of plain values, separated.
fn join_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let list = list_param(h, "join needs a list")?;
    let sep = h.param(1).and_then(|p| p.value().as_str()).unwrap_or(", ");
    let items: Vec<String> = list.iter().map(plain).collect();
    out.write(&items.join(sep))?;
    Ok(())
}

/// `{{indent text 10}}`: text lzgen wrote itself (a policy in one flavour's
/// syntax), each non-empty line indented by that many spaces. Only for text
/// that is already quoted for its place: it adds nothing but spaces.
fn indent_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or_else(|| RenderErrorReason::Other("indent needs a text".into()))?;
    let width = h
        .param(1)
        .and_then(|p| p.value().as_u64())
        .ok_or_else(|| RenderErrorReason::Other("indent needs a width".into()))?;
    let pad = " ".repeat(width as usize);
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    out.write(&lines.join("\n"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NASTY: &str = "R&D: Sandbox \"lab\" # not a comment\n${x} %{y} 'o'";

    #[test]
    fn sub_text_keeps_the_string_and_opens_no_reference() {
        let doc = format!(
            "key: !Sub \"arn:${{AWS::Partition}}:s3:::{}\"\n",
            sub_text(&json!(NASTY))
        );
        let parsed: serde_yaml::Value = serde_yaml::from_str(&doc).expect("valid yaml");
        let serde_yaml::Value::Tagged(sub) = &parsed["key"] else {
            panic!("a !Sub");
        };
        let text = sub.value.as_str().expect("a string");
        // Only the template's own reference stays live; the value's is ${!.
        assert_eq!(
            text.matches("${").count() - text.matches("${!").count(),
            1,
            "{text}"
        );
        assert_eq!(
            text.replace("${!", "${"),
            format!("arn:${{AWS::Partition}}:s3:::{NASTY}")
        );
    }

    #[test]
    fn hcl_text_and_heredoc_json_escape_interpolations_and_directives() {
        let inside = hcl_text(&json!(NASTY));
        assert!(!inside.starts_with('"') && inside.contains("$${x}") && inside.contains("%%{y}"));
        assert!(inside.contains("\\\"lab\\\""), "{inside}");
        let heredoc = hcl_heredoc_json(&json!(NASTY));
        assert!(heredoc.starts_with('"') && heredoc.contains("$${x}") && heredoc.contains("%%{y}"));
    }

    #[test]
    fn yaml_quoting_round_trips_through_a_parser() {
        let doc = format!("key: {}\nother: 1\n", yaml(&json!(NASTY)));
        let parsed: serde_yaml::Value = serde_yaml::from_str(&doc).expect("valid yaml");
        assert_eq!(parsed["key"].as_str(), Some(NASTY));
        assert_eq!(parsed["other"].as_i64(), Some(1));
    }

    #[test]
    fn json_quoting_round_trips() {
        let doc = format!("{{\"k\": {}}}", json(&json!(NASTY)));
        let parsed: Value = serde_json::from_str(&doc).expect("valid json");
        assert_eq!(parsed["k"].as_str(), Some(NASTY));
    }

    #[test]
    fn snake_case_names_for_terraform() {
        assert_eq!(snake(&json!("OuWorkloadsProd")), "ou_workloads_prod");
        assert_eq!(snake(&json!("deny-root-user")), "deny_root_user");
        assert_eq!(snake(&json!("LogArchive2")), "log_archive2");
    }

    #[test]
    fn hcl_quoting_escapes_interpolation() {
        assert_eq!(hcl(&json!("a${b}%{c}\"")), r#""a$${b}%%{c}\"""#);
    }

    #[test]
    fn shell_quoting_survives_single_quotes() {
        assert_eq!(sh(&json!("o'brien")), r"'o'\''brien'");
    }

    #[test]
    fn code_spans_hold_any_value_exactly() {
        let v = |s: &str| Value::String(s.into());
        assert_eq!(md_code(&v("/healthz")), "`/healthz`");
        assert_eq!(md_code(&v("a`b")), "``a`b``");
        assert_eq!(md_code(&v("`x``")), "``` `x`` ```");
        assert_eq!(md_code(&v("/h<img/src=x>")), "`/h<img/src=x>`");
        assert_eq!(md_cell_code(&v("a|b`c")), "``a\\|b`c``");
        assert_eq!(
            mermaid(&v("a\"#quot;`<b>")),
            "\"a#quot;#35;quot;#96;#lt;b#gt;\""
        );
    }

    #[test]
    fn markdown_and_mermaid_escape_markup() {
        assert_eq!(md(&json!("a|b*c")), r"a\|b\*c");
        assert_eq!(
            mermaid(&json!("R&D \"x\" <y>")),
            "\"R#amp;D #quot;x#quot; #lt;y#gt;\""
        );
    }
}
