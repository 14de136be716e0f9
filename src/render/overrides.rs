//! A user's own blueprints (`--blueprints DIR`): files in DIR replace the
//! embedded blueprints of the same path, file by file, and files with new
//! paths are added (a new template and the manifest line that renders it).
//! `lzgen blueprints eject` writes the embedded ones out to start from.
//!
//! Only regular UTF-8 text files are read, and only so many: a link, a
//! binary file or an outsized folder is refused, naming the file, before
//! anything renders.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// At most this many files in a blueprints folder (the embedded set has
/// about 150).
const MAX_FILES: usize = 2_000;
/// At most this many bytes in one blueprint (the largest embedded one is
/// under 100 KB).
const MAX_BYTES: u64 = 1_000_000;

/// The blueprints read from a folder, by `/`-separated relative path.
#[derive(Debug, Clone)]
pub struct Overrides {
    pub dir: PathBuf,
    pub files: BTreeMap<String, String>,
}

/// Why a blueprints folder could not be read: the path and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
}

pub fn read(dir: &Path) -> Result<Overrides, ReadError> {
    let fail = |path: &Path, message: String| ReadError {
        path: path.to_path_buf(),
        message,
    };
    let meta = fs::metadata(dir)
        .map_err(|e| fail(dir, format!("expected a folder of blueprints: {e}")))?;
    if !meta.is_dir() {
        return Err(fail(
            dir,
            "expected a folder of blueprints, found a file".into(),
        ));
    }
    let mut files = BTreeMap::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let entries = fs::read_dir(&folder).map_err(|e| fail(&folder, e.to_string()))?;
        for entry in entries {
            let entry = entry.map_err(|e| fail(&folder, e.to_string()))?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                return Err(fail(&path, "expected a file name in UTF-8".into()));
            };
            let relative = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(|e| fail(&path, e.to_string()))?;
            if kind.is_symlink() {
                return Err(fail(
                    &path,
                    "expected a regular file, found a symbolic link (copy the file in instead)"
                        .into(),
                ));
            } else if kind.is_dir() {
                pending.push((path, format!("{relative}/")));
            } else if kind.is_file() {
                if files.len() == MAX_FILES {
                    return Err(fail(dir, format!("expected at most {MAX_FILES} files")));
                }
                let size = entry
                    .metadata()
                    .map_err(|e| fail(&path, e.to_string()))?
                    .len();
                if size > MAX_BYTES {
                    return Err(fail(
                        &path,
                        format!("expected a blueprint of at most {MAX_BYTES} bytes, found {size}"),
                    ));
                }
                let bytes = fs::read(&path).map_err(|e| fail(&path, e.to_string()))?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| fail(&path, "expected UTF-8 text".into()))?;
                files.insert(relative, text);
            } else {
                return Err(fail(&path, "expected a regular file".into()));
            }
        }
    }
    Ok(Overrides {
        dir: dir.to_path_buf(),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_files_and_refuses_links_and_binaries() {
        let tmp = tempfile::tempdir().expect("tmp");
        fs::create_dir_all(tmp.path().join("partials")).expect("mkdir");
        fs::write(tmp.path().join("README.md.hbs"), "mine\n").expect("write");
        fs::write(tmp.path().join("partials/network.hbs"), "net\n").expect("write");
        let read_back = read(tmp.path()).expect("reads");
        assert_eq!(
            read_back.files.keys().collect::<Vec<_>>(),
            ["README.md.hbs", "partials/network.hbs"]
        );

        fs::write(tmp.path().join("logo.png"), [0x89, b'P', 0xff]).expect("write");
        let err = read(tmp.path()).expect_err("binary");
        assert_eq!(err.message, "expected UTF-8 text");
        assert!(err.path.ends_with("logo.png"));
        fs::remove_file(tmp.path().join("logo.png")).expect("rm");

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", tmp.path().join("Makefile.hbs"))
                .expect("link");
            let err = read(tmp.path()).expect_err("link");
            assert!(err.message.contains("symbolic link"), "{}", err.message);
        }
        assert!(read(&tmp.path().join("missing")).is_err());
    }
}
