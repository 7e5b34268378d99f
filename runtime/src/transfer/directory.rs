//! Directory transfers (the AWS CLI's `s3 cp --recursive`): which files of a local tree become
//! which keys, which keys become which local paths, and the order they run in.
//!
//! Keys come from paths with `/` separators under a prefix; local paths come from keys only when
//! every component is a plain name, so a key such as `../../etc/passwd` or `/abs` can never
//! write outside the destination directory.

use std::path::{Component, Path, PathBuf};

use super::file::blocking;
use crate::Error;

/// One regular file under a directory: its path and the key-relative name (`a/b.txt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFile {
    pub path: PathBuf,
    pub relative: String,
    pub size: u64,
}

/// Every regular file under `root`, recursively, in name order; symbolic links are followed as
/// the AWS CLI does by default. Names that are not UTF-8 cannot be keys and are an error.
pub async fn walk(root: &Path) -> Result<Vec<LocalFile>, Error> {
    let root = root.to_path_buf();
    blocking(&format!("listing {}", root.display()), move || {
        let mut out = Vec::new();
        let mut pending = vec![(root.clone(), String::new())];
        while let Some((dir, prefix)) = pending.pop() {
            let mut entries: Vec<_> = std::fs::read_dir(&dir)?.collect::<Result<_, _>>()?;
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let name = entry.file_name().into_string().map_err(|name| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{:?} in {} is not UTF-8, so it cannot be an S3 key", name, dir.display()),
                    )
                })?;
                let path = entry.path();
                let meta = std::fs::metadata(&path)?;
                let relative = format!("{prefix}{name}");
                if meta.is_dir() {
                    pending.push((path, format!("{relative}/")));
                } else if meta.is_file() {
                    out.push(LocalFile { path, relative, size: meta.len() });
                }
            }
        }
        out.sort_by(|a, b| a.relative.cmp(&b.relative));
        Ok(out)
    })
    .await
}

/// The key of a file: `prefix` joined to its relative name with exactly one `/` (an empty
/// prefix adds none).
pub fn key_for(prefix: &str, relative: &str) -> String {
    if prefix.is_empty() {
        relative.to_owned()
    } else {
        format!("{}/{relative}", prefix.trim_end_matches('/'))
    }
}

/// Where `key` (listed under `prefix`) goes under `root`, or `None` for keys that are not files
/// (ending in `/`) or that would leave `root` (`..`, absolute, empty components are refused).
pub fn local_path_for(root: &Path, prefix: &str, key: &str) -> Option<PathBuf> {
    let relative = key.strip_prefix(prefix)?.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        return None;
    }
    let mut path = root.to_path_buf();
    for part in relative.split('/') {
        let mut components = Path::new(part).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(name)), None) if part != "." && !part.contains('\\') => path.push(name),
            _ => return None,
        }
    }
    Some(path)
}

/// Creates the directories `path` needs.
pub async fn create_parents(path: &Path) -> Result<(), Error> {
    let Some(parent) = path.parent().map(Path::to_path_buf) else { return Ok(()) };
    blocking(&format!("creating {}", parent.display()), move || std::fs::create_dir_all(&parent)).await
}

/// Runs `small` transfers up to `limit` at a time, then `large` ones one after another (each
/// large one is itself concurrent), so memory stays within one transfer's bound.
pub async fn run_files<'a, F>(
    limit: usize,
    small: impl IntoIterator<Item = F>,
    large: impl IntoIterator<Item = F>,
) -> Result<(), Error>
where
    F: core::future::Future<Output = Result<(), Error>> + Send + 'a,
{
    super::pool::run_bounded(limit, small).await?;
    for transfer in large {
        transfer.await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_with_one_slash() {
        assert_eq!(key_for("", "a/b.txt"), "a/b.txt");
        assert_eq!(key_for("backup", "a/b.txt"), "backup/a/b.txt");
        assert_eq!(key_for("backup/", "a.txt"), "backup/a.txt");
    }

    #[test]
    fn keys_never_escape_the_destination() {
        let root = Path::new("/dest");
        assert_eq!(local_path_for(root, "p/", "p/a/b.txt"), Some(PathBuf::from("/dest/a/b.txt")));
        assert_eq!(local_path_for(root, "p", "p/a.txt"), Some(PathBuf::from("/dest/a.txt")));
        assert_eq!(local_path_for(root, "", "x"), Some(PathBuf::from("/dest/x")));
        for bad in ["p/../etc/passwd", "p/a/../../x", "p/a//x", "p/dir/", "p/", "p/./x", "p/a\\..\\x", "q/other"] {
            assert_eq!(local_path_for(root, "p", bad), None, "{bad}");
        }
    }

    #[test]
    fn walking_lists_files_recursively_in_name_order() {
        let root = std::env::temp_dir().join(format!("tucuxi-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::write(root.join("b.txt"), b"bb").unwrap();
        std::fs::write(root.join("a.txt"), b"a").unwrap();
        std::fs::write(root.join("sub/deeper/c.txt"), b"ccc").unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let files = runtime.block_on(walk(&root)).unwrap();
        let names: Vec<_> = files.iter().map(|f| (f.relative.as_str(), f.size)).collect();
        assert_eq!(names, vec![("a.txt", 1), ("b.txt", 2), ("sub/deeper/c.txt", 3)]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
