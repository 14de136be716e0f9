//! Unit tests of `day_two`: which change each combination of sides gets,
//! and how edits merge.

use super::*;

fn sides(ours: Option<&str>, theirs: Option<&str>, base: Option<&str>) -> Sides {
    Sides {
        path: "f".into(),
        ours: ours.map(str::to_string),
        theirs: theirs.map(str::to_string),
        base: base.map(str::to_string),
    }
}

#[test]
fn each_combination_of_three_sides_gets_its_change() {
    let cases = [
        ((Some("a\n"), Some("a\n"), Some("x\n")), Change::Current),
        ((None, Some("a\n"), None), Change::Added),
        ((None, Some("a\n"), Some("a\n")), Change::KeptDeleted),
        ((Some("u\n"), Some("a\n"), None), Change::Blocked),
        ((Some("a\n"), Some("b\n"), Some("a\n")), Change::Updated),
        ((Some("u\n"), Some("a\n"), Some("a\n")), Change::Kept),
        ((Some("a\n"), None, Some("a\n")), Change::Removed),
        ((Some("u\n"), None, Some("a\n")), Change::KeptRemoved),
    ];
    for ((o, t, b), want) in cases {
        assert_eq!(decide(&sides(o, t, b), true).0, want, "{o:?} {t:?} {b:?}");
    }
    assert_eq!(
        decide(&sides(Some("u\n"), Some("a\n"), None), false).0,
        Change::Differs
    );
}

#[test]
fn edits_on_other_lines_merge_and_on_the_same_lines_are_marked() {
    let base = "one\ntwo\nthree\nfour\nfive\n";
    let ours = "one (mine)\ntwo\nthree\nfour\nfive\n";
    let theirs = "one\ntwo\nthree\nfour\nfive (lzgen)\n";
    let (change, text) = decide(&sides(Some(ours), Some(theirs), Some(base)), true);
    assert_eq!(change, Change::Merged);
    assert_eq!(
        text.as_deref(),
        Some("one (mine)\ntwo\nthree\nfour\nfive (lzgen)\n")
    );
    let theirs = "one (lzgen)\ntwo\nthree\nfour\nfive\n";
    let (change, text) = decide(&sides(Some(ours), Some(theirs), Some(base)), true);
    assert_eq!(change, Change::Conflicted);
    let text = text.unwrap_or_default();
    assert!(text.contains("<<<<<<< yours (the repository)\none (mine)\n||||||| the last render (.lzgen/)\none\n=======\none (lzgen)\n>>>>>>> lzgen (the new render)\n"), "{text}");
}
