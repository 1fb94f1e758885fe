//! Content-addressed cache of rustdoc JSON, plus the source fingerprints that key it.
//!
//! Layout: `<cache_dir>/<package>/<key>.json` and a sidecar `<key>.meta` (JSON) recording the
//! byte length of the entry and a hash of its length, first and last megabyte, and the side's
//! manifest facts so a cache hit needs no checkout at all. Both are written atomically (temp
//! file in the same directory, then rename) and verified on every read, cheaply: hashing the
//! whole file on every hit would cost seconds on the largest crates (443 MB per side for
//! aws-sdk-ec2), and the failures the check is for (a truncated or half-written file, an entry
//! of another build) show in the length and the ends. An entry that fails verification, or
//! that verifies but does not load, is deleted and rebuilt, never trusted.
//!
//! The cache never fails the gate: a cache that cannot be written (read-only, full, a file in
//! the way) is warned about and the run goes on without it. Entries are created 0644 so a
//! cache shared between CI users stays readable.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::manifest::ManifestInfo;
use crate::interrupt;
use crate::progress::Progress;

/// Entries kept per package; older ones (by last use) are removed after a store.
const KEEP_PER_PACKAGE: usize = 16;

/// Bumped whenever the layout or key derivation changes, invalidating old entries.
const CACHE_SCHEMA: &str = "semgate-rustdoc-cache-v2";

/// Bytes hashed at each end of an entry to verify it.
const SAMPLE: u64 = 1 << 20;

/// Temporary files older than this in a cache directory belong to a run that died.
const STALE_TMP: std::time::Duration = std::time::Duration::from_secs(3600);

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Accumulates named fields into a cache key. Every field is length-prefixed so no two
/// different field lists can hash alike.
pub(crate) struct KeyBuilder(Sha256);

impl KeyBuilder {
    pub(crate) fn new() -> KeyBuilder {
        let mut k = KeyBuilder(Sha256::new());
        k.field("schema", CACHE_SCHEMA);
        k.field("semgate", env!("CARGO_PKG_VERSION"));
        k
    }

    pub(crate) fn field(&mut self, name: &str, value: &str) -> &mut KeyBuilder {
        for part in [name.as_bytes(), value.as_bytes()] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
        self
    }

    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Sidecar describing a cache entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EntryMeta {
    pub len: u64,
    /// sha256 of the length and the first and last [`SAMPLE`] bytes
    pub sample: String,
    pub semgate_version: String,
    pub description: String,
    pub manifest: Option<ManifestInfo>,
    pub commit: Option<String>,
}

/// A verified cache hit.
pub(crate) struct Hit {
    pub json: PathBuf,
    pub meta: EntryMeta,
}

pub(crate) struct Cache {
    dir: PathBuf,
}

fn sanitize(package: &str) -> String {
    package
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Cache {
    pub(crate) fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
        }
    }

    fn package_dir(&self, package: &str) -> PathBuf {
        self.dir.join(sanitize(package))
    }

    fn paths(&self, package: &str, key: &str) -> (PathBuf, PathBuf) {
        let dir = self.package_dir(package);
        (
            dir.join(format!("{key}.json")),
            dir.join(format!("{key}.meta")),
        )
    }

    /// Looks `key` up; a corrupt or half-written entry is removed (with a warning) and
    /// reported as a miss.
    pub(crate) fn load(
        &self,
        package: &str,
        key: &str,
        progress: &Progress,
    ) -> Result<Option<Hit>> {
        let (json, meta_path) = self.paths(package, key);
        if fs::symlink_metadata(&json).is_err() && fs::symlink_metadata(&meta_path).is_err() {
            return Ok(None);
        }
        match self.verify(&json, &meta_path) {
            Ok(meta) => {
                // Record the use so pruning keeps recently used entries.
                if let Ok(f) = fs::File::options().append(true).open(&json) {
                    let _ = f.set_modified(SystemTime::now());
                }
                Ok(Some(Hit { json, meta }))
            }
            Err(reason) => {
                interrupt::check()?;
                progress.warn(format_args!(
                    "discarding corrupt rustdoc cache entry {} ({reason}); rebuilding it",
                    json.display()
                ));
                discard(&json);
                discard(&meta_path);
                Ok(None)
            }
        }
    }

    fn verify(&self, json: &Path, meta_path: &Path) -> std::result::Result<EntryMeta, String> {
        let meta_text =
            fs::read_to_string(meta_path).map_err(|e| format!("unreadable metadata: {e}"))?;
        let meta: EntryMeta =
            serde_json::from_str(&meta_text).map_err(|e| format!("invalid metadata: {e}"))?;
        let file_meta = fs::metadata(json).map_err(|e| format!("unreadable JSON: {e}"))?;
        if !file_meta.is_file() {
            return Err("the entry is not a file".to_string());
        }
        if file_meta.len() != meta.len {
            return Err(format!("{} bytes, expected {}", file_meta.len(), meta.len));
        }
        let sample = sample_of_file(json).map_err(|e| format!("unreadable JSON: {e}"))?;
        if sample != meta.sample {
            return Err("checksum mismatch".to_string());
        }
        Ok(meta)
    }

    /// Whether an entry for `key` exists (unverified: a later [`Cache::load`] verifies it).
    pub(crate) fn peek(&self, package: &str, key: &str) -> bool {
        let (json, meta) = self.paths(package, key);
        json.is_file() && meta.is_file()
    }

    /// Removes an entry that verified but turned out unusable (it does not load), so the next
    /// build replaces it.
    pub(crate) fn evict(json: &Path) {
        discard(json);
        discard(&json.with_extension("meta"));
    }

    /// Stores `bytes` under `key` and returns the path of the JSON entry.
    pub(crate) fn store(
        &self,
        package: &str,
        key: &str,
        bytes: &[u8],
        description: &str,
        manifest: Option<&ManifestInfo>,
        commit: Option<&str>,
    ) -> Result<PathBuf> {
        let dir = self.package_dir(package);
        if fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
            // something else took the package's place: the cache is ours to repair
            let _ = fs::remove_file(&dir);
        }
        fs::create_dir_all(&dir).with_context(|| {
            format!(
                "failed to create the rustdoc cache directory {}",
                dir.display()
            )
        })?;
        let (json, meta_path) = self.paths(package, key);
        // an entry of the wrong kind (a directory) would make the rename below fail forever
        for path in [&json, &meta_path] {
            if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                discard(path);
            }
        }
        prune_stale_tmp(&dir);
        let meta = EntryMeta {
            len: bytes.len() as u64,
            sample: sample_of(bytes),
            semgate_version: env!("CARGO_PKG_VERSION").to_string(),
            description: description.to_string(),
            manifest: manifest.cloned(),
            commit: commit.map(str::to_string),
        };
        let meta_bytes =
            serde_json::to_vec_pretty(&meta).context("failed to encode cache metadata")?;
        // JSON first, then the sidecar: an entry only counts once its sidecar exists, so a
        // crash in between leaves a miss, not a wrong hit.
        write_atomic(&dir, &json, bytes)?;
        write_atomic(&dir, &meta_path, &meta_bytes)?;
        self.prune(package, &json);
        Ok(json)
    }

    /// Keeps the [`KEEP_PER_PACKAGE`] most recently used entries of `package`.
    fn prune(&self, package: &str, keep: &Path) {
        let Ok(read) = fs::read_dir(self.package_dir(package)) else {
            return;
        };
        let mut entries: Vec<(SystemTime, PathBuf)> = read
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p != keep)
            .filter_map(|p| Some((fs::metadata(&p).ok()?.modified().ok()?, p)))
            .collect();
        if entries.len() < KEEP_PER_PACKAGE {
            return;
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (_, path) in entries.into_iter().skip(KEEP_PER_PACKAGE - 1) {
            let _ = fs::remove_file(path.with_extension("meta"));
            let _ = fs::remove_file(&path);
        }
    }
}

fn write_atomic(dir: &Path, dest: &Path, bytes: &[u8]) -> Result<()> {
    let ctx = || format!("failed to write the rustdoc cache entry {}", dest.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(ctx)?;
    tmp.write_all(bytes).with_context(ctx)?;
    tmp.as_file().sync_all().with_context(ctx)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // readable by every user of a shared CI cache (tempfile creates 0600)
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .with_context(ctx)?;
    }
    tmp.persist(dest).map_err(|e| e.error).with_context(ctx)?;
    Ok(())
}

/// Removes a file or a directory, whichever is there.
fn discard(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Removes `.tmp-*` files a killed run left behind (an hour old: a live run's are fresh).
fn prune_stale_tmp(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        if !entry.file_name().to_string_lossy().starts_with(".tmp-") {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TMP);
        if old {
            discard(&entry.path());
        }
    }
}

/// The verification hash of an entry's bytes: its length and its first and last [`SAMPLE`].
fn sample_of(bytes: &[u8]) -> String {
    let n = (SAMPLE as usize).min(bytes.len());
    sample_hash(bytes.len() as u64, &bytes[..n], &bytes[bytes.len() - n..])
}

/// [`sample_of`] for a file on disk, reading only its two ends.
fn sample_of_file(path: &Path) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    let n = SAMPLE.min(len);
    let mut head = vec![0; n as usize];
    file.read_exact(&mut head)?;
    let mut tail = vec![0; n as usize];
    file.seek(SeekFrom::Start(len - n))?;
    file.read_exact(&mut tail)?;
    Ok(sample_hash(len, &head, &tail))
}

fn sample_hash(len: u64, head: &[u8], tail: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(len.to_le_bytes());
    h.update(head);
    h.update(tail);
    hex(&h.finalize())
}

/// Hashes the sources that determine a local package's rustdoc: every file of each of `dirs`
/// (as git sees them when in a work tree: tracked plus untracked-but-not-ignored; otherwise a
/// directory walk skipping `.git` and `target`), plus the `extra_files`. Anything under
/// `exclude` (build and cache directories) is skipped.
pub(crate) fn fingerprint_sources(
    memo: &Digests,
    dirs: &[PathBuf],
    extra_files: &[PathBuf],
    exclude: &[PathBuf],
) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut feed = |label: &str, bytes: &[u8]| feed_labelled(&mut hasher, label, bytes);
    let exclude: Vec<PathBuf> = exclude.iter().map(|p| canonical(p)).collect();
    for dir in dirs {
        interrupt::check()?;
        let dir_c = canonical(dir);
        feed("dir", dir_c.to_string_lossy().as_bytes());
        feed(
            "digest",
            dir_digest(memo, dir, &dir_c, &exclude)?.as_bytes(),
        );
    }
    for file in extra_files {
        feed("extra", canonical(file).to_string_lossy().as_bytes());
        feed_file(file, &mut feed)?;
    }
    Ok(hex(&hasher.finalize()))
}

/// The digest of one directory's files, computed once per run: in a workspace every member's
/// fingerprint covers its path dependencies, and a chain of n members would otherwise hash
/// the first one n times.
fn dir_digest(memo: &Digests, dir: &Path, dir_c: &Path, exclude: &[PathBuf]) -> Result<String> {
    let key = (dir_c.to_path_buf(), exclude.to_vec());
    if let Some(d) = memo.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(d.clone());
    }
    let mut hasher = Sha256::new();
    let mut feed = |label: &str, bytes: &[u8]| feed_labelled(&mut hasher, label, bytes);
    let files = match crate::git::list_files(dir)? {
        Some(files) => files,
        None => walk(dir)?,
    };
    for rel in files {
        let path = dir.join(&rel);
        let abs = dir_c.join(&rel);
        if exclude.iter().any(|x| abs.starts_with(x)) {
            continue;
        }
        feed("file", rel.to_string_lossy().as_bytes());
        feed_file(&path, &mut feed)?;
    }
    let digest = hex(&hasher.finalize());
    memo.0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, digest.clone());
    Ok(digest)
}

/// Directory digests of one run (one loaded workspace): the files are read once.
#[derive(Debug, Default)]
pub(crate) struct Digests(Mutex<HashMap<(PathBuf, Vec<PathBuf>), String>>);

fn feed_file(path: &Path, feed: &mut impl FnMut(&str, &[u8])) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(_) => feed("missing", b""),
        Ok(m) if m.file_type().is_symlink() => {
            let target = fs::read_link(path).unwrap_or_default();
            feed("symlink", target.to_string_lossy().as_bytes());
            // The target's content matters too when it is a file (e.g. a shared README).
            if let Ok(bytes) = fs::read(path) {
                feed("content", &bytes);
            }
        }
        Ok(m) if m.is_dir() => feed("dir", b""), // e.g. a submodule listed by git
        Ok(_) => {
            let bytes =
                fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
            feed("content", &bytes);
        }
    }
    Ok(())
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// All files under `root` (relative, sorted), skipping `.git`, the top-level `target`, and
/// any directory tagged as a cache (`CACHEDIR.TAG`, which cargo puts in target dirs).
fn walk(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        interrupt::check()?;
        let dir = root.join(&rel);
        let read =
            fs::read_dir(&dir).with_context(|| format!("failed to list {}", dir.display()))?;
        for entry in read {
            let entry = entry.with_context(|| format!("failed to list {}", dir.display()))?;
            let name = entry.file_name();
            let child_rel = rel.join(&name);
            let ty = entry
                .file_type()
                .with_context(|| format!("failed to stat {}", entry.path().display()))?;
            if ty.is_dir() {
                if name == ".git" || (rel.as_os_str().is_empty() && name == "target") {
                    continue;
                }
                if entry.path().join("CACHEDIR.TAG").exists() {
                    continue;
                }
                stack.push(child_rel);
            } else {
                out.push(child_rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Feeds `label` and `bytes` to a digest, each with its length first, so that no two different
/// sequences of entries feed the same bytes.
fn feed_labelled(hasher: &mut Sha256, label: &str, bytes: &[u8]) {
    hasher.update((label.len() as u64).to_le_bytes());
    hasher.update(label.as_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}
