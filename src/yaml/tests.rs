//! The quick reader against serde_yaml_ng, on lzgen's own output and on
//! what it must hand back.

use super::*;
use proptest::prelude::*;

/// Both readers' results, with serde_yaml_ng's error as text.
fn both(text: &str) -> (Result<Value, String>, Result<Value, String>) {
    (
        read(text).map_err(|e| e.to_string()),
        serde_yaml::from_str::<Value>(text).map_err(|e| e.to_string()),
    )
}

#[test]
fn every_yaml_file_of_every_preset_and_example_reads_the_same_and_quickly() {
    let mut sources: Vec<(String, crate::config::Sources)> = crate::config::PRESETS
        .iter()
        .map(|p| {
            let preset = crate::config::Sources {
                preset: Some(p.name.to_string()),
                ..crate::config::Sources::default()
            };
            (p.name.to_string(), preset)
        })
        .collect();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(&examples).expect("examples/") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let example = crate::config::Sources {
                config: Some(path.clone()),
                ..crate::config::Sources::default()
            };
            sources.push((path.display().to_string(), example));
        }
    }
    let mut read_quickly = 0;
    for (name, source) in &sources {
        let resolved = crate::resolve(source, |p| std::fs::read_to_string(p))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let files = crate::generate(&resolved).unwrap_or_else(|e| panic!("{name}: {e}"));
        for file in &files {
            if !(file.path.ends_with(".yaml") || file.path.ends_with(".yml")) {
                continue;
            }
            let text = std::str::from_utf8(&file.bytes).expect("UTF-8");
            let quick = quickly(text)
                .unwrap_or_else(|| panic!("{name}: {} was handed to serde_yaml_ng", file.path));
            let slow: Value = serde_yaml::from_str(text).expect("parses");
            assert_eq!(quick, slow, "{name}: {}", file.path);
            read_quickly += 1;
        }
    }
    assert!(read_quickly > 100, "only {read_quickly} files compared");
}

#[test]
fn cloudformation_short_forms_are_tagged_values() {
    let text = "A: !Ref Bucket\nB: !If [Prod, !Sub '${X}-1', !Ref AWS::NoValue]\nC: !GetAZs ''\nD: !Base64\n  Fn::Sub: x\nE: !Ref\n";
    let (quick, slow) = both(text);
    assert_eq!(quick, slow);
    let value = quick.expect("reads");
    let Some(Value::Tagged(b)) = value.get("B") else {
        panic!("B is not tagged: {value:?}");
    };
    assert_eq!(b.tag, Tag::new("If"));
    assert!(quickly(text).is_some(), "read without serde_yaml_ng");
}

#[test]
fn what_the_quick_reader_does_not_build_is_read_by_serde_yaml() {
    for text in [
        // A key twice: serde_yaml_ng's error, with its line.
        "a: 1\nb: 2\na: 3\n",
        // Anchors and aliases.
        "base: &b {x: 1}\nother: *b\n",
        // Core-schema tags.
        "a: !!str 12\nb: !!int '7'\n",
        // Several documents.
        "a: 1\n---\nb: 2\n",
        // Integers past 64 bits.
        "a: 123456789012345678901234567890\nb: -0x8000000000000001\n",
        // Broken YAML: serde_yaml_ng's message.
        "a: [1, 2\n",
        "key: value\n  bad indent: x\n",
        // Nothing at all.
        "",
        "# only a comment\n",
    ] {
        let (quick, slow) = both(text);
        assert_eq!(quick, slow, "{text:?}");
    }
    assert!(quickly("a: 1\nb: 2\na: 3\n").is_none());
}

#[test]
fn the_scalars_that_decide_a_type_resolve_as_serde_yaml_resolves_them() {
    for scalar in [
        "0123",
        "-007",
        "+0",
        "0",
        "-0",
        "00",
        "0.",
        "-.5",
        ".5",
        "5.",
        "1.5",
        "1e5",
        "1e400",
        "0x1F",
        "0o17",
        "0b101",
        "-0x1F",
        "+0x1F",
        "0x-1",
        "0x",
        "1_000",
        "+-1",
        "--1",
        ".inf",
        "-.Inf",
        "+.INF",
        ".nan",
        "NaN",
        "inf",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "0.0.0.0/0",
        "2012-10-17",
        "-c",
        "+",
        "-",
        ".",
    ] {
        let text = format!("k: {scalar}\n");
        let (quick, slow) = both(&text);
        assert_eq!(quick, slow, "{scalar:?}");
    }
}

proptest! {
    /// A plain scalar made of the characters numbers, nulls and booleans
    /// are spelt with resolves as serde_yaml_ng resolves it.
    #[test]
    fn plain_scalars_resolve_as_serde_yaml_resolves_them(
        scalar in "[-+.0-9a-fA-FxXoObBeEiInNlLuUtTrRsS_~]{1,12}"
    ) {
        let text = format!("k: {scalar}\n");
        let (quick, slow) = both(&text);
        prop_assert_eq!(quick, slow, "{:?}", scalar);
    }

    /// And the spellings that matter, combined with signs and prefixes.
    #[test]
    fn numeric_spellings_resolve_as_serde_yaml_resolves_them(
        sign in "[-+]?",
        prefix in "(0x|0o|0b|0|\\.|)",
        digits in "[0-9a-f]{0,20}",
        tail in "(\\.[0-9]*|e[-+]?[0-9]{1,3}|inf|Inf|INF|nan|NaN|)",
    ) {
        let scalar = format!("{sign}{prefix}{digits}{tail}");
        let text = format!("k: {scalar}\n");
        let (quick, slow) = both(&text);
        prop_assert_eq!(quick, slow, "{:?}", scalar);
    }
}
