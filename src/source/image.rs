//! Container images saved to disk: a `docker save` tarball (legacy or OCI layout inside) or an
//! OCI image layout, as a tarball or a directory. No registry is contacted.
//!
//! The image's manifest gives its layers in order and its config the history; each layer entry
//! of the history that made a layer (`empty_layer` ones do not) says which command created it.
//! Every layer is read as a stream (gzip, zstd or plain tar, one member in memory at a time)
//! and each regular file is handed on as a blob whose origin names the layer: path
//! `IMAGE!sha256:<12 hex digits>!<path in layer>`, with the layer's whole digest, index and
//! `created_by`.
//! A file deleted by a later layer (a whiteout) is still in the image's earlier layer and is
//! still reported there.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::archive::Meter;
use crate::source::{Blob, BlobSink, Content, Origin, SkipReason, classify};

/// A layer of an image, as findings report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerInfo {
    /// 0-based position of the layer, from the base.
    pub index: usize,
    /// The layer's digest (`sha256:…`): the blob's for OCI layouts, else the diff id.
    pub digest: String,
    /// The command that created the layer, from the image config's history.
    pub created_by: String,
}

/// Where the image's files are: a tarball (members indexed by offset) or a directory.
enum Store {
    Tar { file: File, members: HashMap<String, (u64, u64)> },
    Dir(PathBuf),
}

impl Store {
    fn open(path: &Path) -> io::Result<Store> {
        if path.is_dir() {
            return Ok(Store::Dir(path.to_path_buf()));
        }
        let mut members = HashMap::new();
        let mut ar = tar::Archive::new(File::open(path)?);
        for e in ar.entries()? {
            let e = e?;
            let name = String::from_utf8_lossy(&e.path_bytes()).trim_start_matches("./").to_string();
            members.insert(name, (e.raw_file_position(), e.size()));
        }
        Ok(Store::Tar { file: File::open(path)?, members })
    }

    fn reader(&mut self, name: &str) -> io::Result<(Box<dyn Read + '_>, u64)> {
        let name = name.trim_start_matches("./");
        match self {
            Store::Dir(d) => {
                let f = File::open(d.join(name))?;
                let len = f.metadata()?.len();
                Ok((Box::new(f), len))
            }
            Store::Tar { file, members } => {
                let &(at, len) = members
                    .get(name)
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no {name} in the image")))?;
                file.seek(SeekFrom::Start(at))?;
                Ok((Box::new(Read::take(&mut *file, len)), len))
            }
        }
    }

    fn json(&mut self, name: &str) -> io::Result<Value> {
        let (mut r, len) = self.reader(name)?;
        if len > 64 << 20 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{name} is {len} bytes")));
        }
        let mut buf = Vec::new();
        r.read_to_end(&mut buf)?;
        serde_json::from_slice(&buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{name}: {e}")))
    }
}

fn blob_path(digest: &str) -> String {
    format!("blobs/{}", digest.replacen(':', "/", 1))
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// The layers (their paths in the store and what findings say of them), base first.
fn layers(store: &mut Store) -> io::Result<Vec<(String, LayerInfo)>> {
    let (config, paths, digests): (Value, Vec<String>, Vec<String>) = if let Ok(m) = store.json("manifest.json") {
        // docker save: a list with one entry per image
        let m = m.as_array().and_then(|a| a.first()).ok_or_else(|| bad("manifest.json lists no image"))?;
        let config_path = m["Config"].as_str().ok_or_else(|| bad("manifest.json has no Config"))?.to_string();
        let config = store.json(&config_path)?;
        let paths: Vec<String> = m["Layers"]
            .as_array()
            .ok_or_else(|| bad("manifest.json has no Layers"))?
            .iter()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect();
        let diff_ids: Vec<String> = config["rootfs"]["diff_ids"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let digests = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.strip_prefix("blobs/sha256/")
                    .map(|h| format!("sha256:{h}"))
                    .or_else(|| diff_ids.get(i).cloned())
                    .unwrap_or_else(|| p.clone())
            })
            .collect();
        (config, paths, digests)
    } else {
        // OCI image layout: index.json → manifest → config and layers
        let index = store.json("index.json").map_err(|e| bad(format!("neither manifest.json nor index.json: {e}")))?;
        let m_digest =
            index["manifests"][0]["digest"].as_str().ok_or_else(|| bad("index.json lists no manifest"))?.to_string();
        let manifest = store.json(&blob_path(&m_digest))?;
        let c_digest = manifest["config"]["digest"].as_str().ok_or_else(|| bad("the manifest has no config"))?;
        let config = store.json(&blob_path(c_digest))?;
        let digests: Vec<String> = manifest["layers"]
            .as_array()
            .ok_or_else(|| bad("the manifest has no layers"))?
            .iter()
            .filter_map(|l| l["digest"].as_str().map(str::to_string))
            .collect();
        (config, digests.iter().map(|d| blob_path(d)).collect(), digests)
    };
    let made: Vec<String> = config["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .filter(|e| !e["empty_layer"].as_bool().unwrap_or(false))
                .map(|e| e["created_by"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    Ok(paths
        .into_iter()
        .zip(digests)
        .enumerate()
        .map(|(index, (p, digest))| {
            let created_by = made.get(index).cloned().unwrap_or_default();
            (p, LayerInfo { index, digest, created_by })
        })
        .collect())
}

/// Scans every file of every layer of the image at `path`. Errors are about the image as a
/// whole (not an image, unreadable); a layer that cannot be read is counted and the others go
/// on.
pub fn scan(path: &Path, max: u64, sink: &mut impl BlobSink) -> io::Result<usize> {
    let mut store = Store::open(path)?;
    let layers = layers(&mut store)?;
    let shown = path.display().to_string();
    for (p, info) in &layers {
        let info = Arc::new(info.clone());
        // the path names the layer by a short digest; `layer.digest` has it whole
        let short: String = info.digest.chars().take("sha256:".len() + 12).collect();
        let at = format!("{shown}!{short}");
        let res = store.reader(p).and_then(|(r, len)| scan_layer(r, len, &at, &info, max, sink));
        if let Err(e) = res {
            let reason = if e.kind() == io::ErrorKind::QuotaExceeded {
                SkipReason::ArchiveLimit
            } else {
                SkipReason::ArchiveError
            };
            sink.skipped(&at, reason, 0, &format!("layer {}: {e}", info.index));
        }
    }
    Ok(layers.len())
}

fn scan_layer(
    r: Box<dyn Read + '_>,
    len: u64,
    at: &str,
    info: &Arc<LayerInfo>,
    max: u64,
    sink: &mut impl BlobSink,
) -> io::Result<()> {
    let mut br = BufReader::new(r);
    let head = br.fill_buf()?.to_vec();
    let cap = len.saturating_mul(crate::archive::DEFAULT_MAX_RATIO).max(crate::archive::RATIO_FLOOR);
    let stream: Box<dyn Read + '_> = match crate::archive::format_of(&head) {
        Some(crate::archive::Format::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(br)),
        Some(crate::archive::Format::Zstd) => {
            Box::new(ruzstd::decoding::StreamingDecoder::new(br).map_err(|e| bad(format!("zstd: {e}")))?)
        }
        _ => Box::new(br),
    };
    let mut ar = tar::Archive::new(Meter::new(stream, cap));
    for e in ar.entries()? {
        let mut e = e?;
        let name = String::from_utf8_lossy(&e.path_bytes()).trim_start_matches("./").to_string();
        let path = format!("{at}!{name}");
        match e.header().entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Symlink | tar::EntryType::Link => {
                sink.skipped(&path, SkipReason::Symlink, 0, "");
                continue;
            }
            _ => continue,
        }
        if e.size() > max {
            sink.skipped(&path, SkipReason::TooLarge, e.size(), "");
            continue;
        }
        let mut buf = Vec::with_capacity(e.size() as usize);
        (&mut e).take(max + 1).read_to_end(&mut buf)?;
        let origin = Origin::Image { path, layer: info.clone() };
        match classify(&buf, max) {
            Content::Text(text) => {
                sink.blob(Blob { bytes: &text, origin, also: &[], repeat: false, window: None });
            }
            Content::Archive(bytes) => {
                sink.archive(Blob { bytes, origin, also: &[], repeat: false, window: None });
            }
            Content::Skip(reason, n) => sink.skipped(origin.path(), reason, n, ""),
        }
    }
    Ok(())
}
