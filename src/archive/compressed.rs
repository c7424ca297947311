//! Compressed streams, decompressed as they are read: gzip (`flate2`, multi-member), bzip2
//! (`bzip2`, pure-Rust backend), xz (`lzma-rs`, pure Rust: no C toolchain beyond what the
//! build already needs) and Zstandard (`ruzstd`, a pure-Rust decoder, for the same reason;
//! keyhound only decompresses).

use std::io::{self, Read};

use super::Format;

/// A reader of the decompressed content of `bytes` in `format`.
pub fn open<'a>(format: Format, bytes: &'a [u8]) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match format {
        Format::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Format::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
        Format::Xz => Box::new(XzReader::new(bytes)),
        Format::Zstd => Box::new(
            ruzstd::decoding::StreamingDecoder::new(bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?,
        ),
        Format::Zip | Format::Tar => return Err(io::Error::other("not a compressed stream")),
    })
}

/// xz through `lzma-rs`, whose decoder writes into a sink rather than being read from: it is
/// run in chunks into a bounded buffer. `lzma-rs` has no incremental reader, so the stream is
/// decoded into memory up to [`XZ_MAX`] bytes; past that the read fails (and is counted as
/// an archive bound by the caller).
pub struct XzReader<'a> {
    input: Option<&'a [u8]>,
    out: Vec<u8>,
    at: usize,
}

/// Most bytes an xz stream is decoded to.
pub const XZ_MAX: usize = 64 << 20;

struct Capped<'v>(&'v mut Vec<u8>);

impl io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.len() + buf.len() > XZ_MAX {
            return Err(io::Error::new(
                io::ErrorKind::QuotaExceeded,
                format!("xz stream decodes to more than {XZ_MAX} bytes"),
            ));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> XzReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        XzReader { input: Some(bytes), out: Vec::new(), at: 0 }
    }
}

impl Read for XzReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(mut input) = self.input.take() {
            lzma_rs::xz_decompress(&mut input, &mut Capped(&mut self.out)).map_err(|e| match e {
                lzma_rs::error::Error::IoError(io) => io,
                other => io::Error::new(io::ErrorKind::InvalidData, format!("xz: {other}")),
            })?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
