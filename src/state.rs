//! `.lzgen/`: what lzgen keeps in a repo it generated, so that a later
//! render can tell a file the user edited from one lzgen wrote, and merge
//! the two (`lzgen update`, `lzgen check`, `lzgen new --force`).
//!
//! - `.lzgen/pristine.json.gz`: every generated file exactly as the last
//!   render wrote it, the answers it came from and the lzgen version. It is
//!   the base of `update`'s three-way merge. gzip, because it is a copy of
//!   the whole repo (a thousand accounts would otherwise double the output);
//!   with no timestamp and no file name in the header, so the same render
//!   gives the same bytes.
//! - `.lzgen/README.md`: says what the folder is, and not to edit it.
//!
//! `lzgen.yaml` is the user's file and is not kept here as a generated
//! file; the answers it held at the render are (`answers`).

use crate::render::RenderedFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};

pub const DIR: &str = ".lzgen";
pub const PRISTINE: &str = ".lzgen/pristine.json.gz";
pub const README: &str = ".lzgen/README.md";
/// The JSON Schema of `lzgen.yaml`, which its first line names for editors.
pub const SCHEMA: &str = ".lzgen/lzgen.schema.json";
/// The answers file, which is the user's and never a generated file here.
pub const ANSWERS: &str = "lzgen.yaml";

/// The last render, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pristine {
    /// The lzgen version that rendered it.
    pub lzgen: String,
    /// `lzgen.yaml` as that render wrote it.
    pub answers: String,
    /// Every other generated file, by path.
    pub files: BTreeMap<String, PristineFile>,
    /// The user's blueprints folder the render used (`--blueprints`),
    /// relative to the repo where it can be; `update` and `check` use it
    /// again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprints: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PristineFile {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub executable: bool,
}

/// Whether a path is lzgen's state rather than a generated file.
pub fn is_state(path: &str) -> bool {
    path.strip_prefix(DIR)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a path is one the pristine state compares: a generated file,
/// neither the state nor the answers.
pub fn is_generated(path: &str) -> bool {
    path != ANSWERS && !is_state(path)
}

impl Pristine {
    /// The pristine state of a render: its files (without state files).
    pub fn of(files: &[RenderedFile], blueprints: Option<&str>) -> Pristine {
        let mut pristine = Pristine {
            lzgen: env!("CARGO_PKG_VERSION").to_string(),
            answers: String::new(),
            files: BTreeMap::new(),
            blueprints: blueprints.map(str::to_string),
        };
        for file in files {
            let text = String::from_utf8_lossy(&file.bytes).into_owned();
            if file.path == ANSWERS {
                pristine.answers = text;
            } else if !is_state(&file.path) {
                pristine.files.insert(
                    file.path.clone(),
                    PristineFile {
                        text,
                        executable: file.executable,
                    },
                );
            }
        }
        pristine
    }

    /// The state files to write beside a render.
    pub fn files(&self) -> std::io::Result<Vec<RenderedFile>> {
        let json = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        // No name, no time, fixed level: the bytes depend on the render only.
        // The fastest level: it costs about a third of level 6's time for
        // half again the size (standard preset: 75 KB rather than 50 KB).
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::new(1));
        gz.write_all(&json)?;
        let bytes = gz.finish()?;
        Ok(vec![
            RenderedFile {
                path: PRISTINE.into(),
                bytes,
                executable: false,
            },
            RenderedFile {
                path: README.into(),
                bytes: STATE_README.as_bytes().to_vec(),
                executable: false,
            },
            RenderedFile {
                path: SCHEMA.into(),
                bytes: format!(
                    "{}\n",
                    serde_json::to_string_pretty(&crate::model::schema::schema())
                        .map_err(std::io::Error::other)?
                )
                .into_bytes(),
                executable: false,
            },
        ])
    }

    /// Reads `pristine.json.gz` back.
    pub fn decode(bytes: &[u8]) -> Result<Pristine, String> {
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut json)
            .map_err(|e| format!("not gzip: {e}"))?;
        serde_json::from_slice(&json).map_err(|e| format!("not lzgen's state: {e}"))
    }
}

/// A file of the repo at `dir` as text, or None when absent. A link or a
/// folder where a file should be is never followed: it reads as a text no
/// render produces, so it counts as an edit.
pub fn read_file(dir: &std::path::Path, path: &str) -> std::io::Result<Option<String>> {
    let full = dir.join(path);
    match std::fs::symlink_metadata(&full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
        Ok(meta) if !meta.is_file() => Ok(Some(String::from("\u{0}not a plain file"))),
        Ok(_) => {
            std::fs::read(&full).map(|bytes| Some(String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}

/// The files of the repo at `dir` edited since lzgen last wrote it: each
/// generated file whose text differs from the record, and `lzgen.yaml` if
/// it differs from the answers written. Empty when there is no readable
/// record (a repo lzgen did not write, or wrote before keeping one).
pub fn edited_files(dir: &std::path::Path) -> std::io::Result<Vec<String>> {
    let Ok(bytes) = std::fs::read(dir.join(PRISTINE)) else {
        return Ok(Vec::new());
    };
    let Ok(base) = Pristine::decode(&bytes) else {
        return Ok(Vec::new());
    };
    let mut edited = Vec::new();
    if read_file(dir, ANSWERS)?.is_some_and(|text| text != base.answers) {
        edited.push(ANSWERS.to_string());
    }
    for (path, file) in &base.files {
        if read_file(dir, path)?.is_some_and(|text| text != file.text) {
            edited.push(path.clone());
        }
    }
    Ok(edited)
}

const STATE_README: &str = "\
# .lzgen: lzgen's own state (do not edit)

`pristine.json.gz` holds every file of this repository exactly as lzgen last
wrote it, the answers it was written from and the lzgen version. It is how
lzgen tells a file you edited from one it wrote:

- `lzgen update` renders again from `lzgen.yaml` and merges the new render
  into your files, three-way, with this as the common base: your edits are
  kept, and where you and lzgen changed the same lines the file gets
  conflict markers.
- `lzgen check` (for CI) reports files that are stale or edited by hand.
- `lzgen new --force` refuses to overwrite a file you edited.

`lzgen.schema.json` is the JSON Schema of `lzgen.yaml`, which that file names
on its first line, so an editor with the YAML language server completes its
keys and underlines bad values.

Commit this folder with the rest of the repository. Editing or deleting it
does not break your landing zone, but `update` then treats every file that
differs from a new render as edited by you.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> RenderedFile {
        RenderedFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            executable: path.ends_with(".sh"),
        }
    }

    #[test]
    fn the_pristine_state_round_trips_and_is_reproducible() {
        let render = vec![
            file("lzgen.yaml", "version: 1\n"),
            file("README.md", "# hi\n"),
            file("scripts/deploy.sh", "#!/bin/sh\n"),
        ];
        let pristine = Pristine::of(&render, None);
        assert_eq!(pristine.answers, "version: 1\n");
        assert_eq!(
            pristine.files.keys().collect::<Vec<_>>(),
            ["README.md", "scripts/deploy.sh"]
        );
        assert!(pristine.files["scripts/deploy.sh"].executable);
        let first = pristine.files().expect("state files");
        let second = Pristine::of(&render, None).files().expect("state files");
        assert_eq!(first, second, "the same render gives the same bytes");
        assert_eq!(first[0].path, PRISTINE);
        assert_eq!(Pristine::decode(&first[0].bytes), Ok(pristine));
        assert!(Pristine::decode(b"not gzip").is_err());
    }

    #[test]
    fn state_paths_are_told_from_generated_ones() {
        assert!(is_state(".lzgen/pristine.json.gz"));
        assert!(is_state(".lzgen"));
        assert!(!is_state(".lzgenx/a"));
        assert!(!is_generated("lzgen.yaml"));
        assert!(is_generated("README.md"));
    }
}
