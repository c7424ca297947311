//! Windows against the whole: the same findings at the same places, whatever the boundary.

use super::*;
use crate::finding::{self, Finding, Location};
use crate::matcher::Detector;
use crate::rules::load::{build, builtin_sources};

/// Tiny windows, so that short texts cross several boundaries.
const G: Geometry = Geometry { size: 4096, context: 256, max_match: 1024 };

fn detector() -> &'static Detector {
    static D: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    D.get_or_init(|| Detector::new(build(builtin_sources().unwrap(), &[]).unwrap()).unwrap())
}

type Place = (String, Location, Location, Option<usize>);

fn place(f: &Finding) -> Place {
    (f.rule_id.clone(), f.location, f.secret_location, f.cell)
}

fn whole(text: &[u8], path: &str) -> Vec<Place> {
    let det = detector();
    let raw = det.matcher().scan(text);
    let origin = Origin::File { path: path.into() };
    finding::build(text, &origin, &raw, det.rules().rules()).iter().map(place).collect()
}

/// What the scan's worker does with a window: keep the owned matches, move them in place.
fn windowed(text: &[u8], path: &str, g: &Geometry) -> (Vec<Place>, usize) {
    let det = detector();
    let origin = Origin::File { path: path.into() };
    let mut out = Vec::new();
    let mut n = 0;
    for_each_slice(text, g, |bytes, w| {
        n += 1;
        let mut raw = det.matcher().scan(bytes);
        raw.retain(|m| w.own.contains(&m.secret.start));
        for mut f in finding::build(bytes, &origin, &raw, det.rules().rules()) {
            f.shift(w);
            out.push(place(&f));
        }
    });
    (out, n)
}

fn token(seed: usize) -> String {
    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let body: String = (0..36).map(|i| alphabet[(seed * 7 + i * 13 + i * i) % alphabet.len()] as char).collect();
    format!("ghp_{body}")
}

fn pem() -> String {
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let lines: Vec<String> =
        (0..10).map(|l| (0..64).map(|i| b64[(l * 31 + i * 7 + i * i) % 64] as char).collect()).collect();
    format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n", lines.join("\n"))
}

/// A token, a private key, and an access-key pair, moved a few bytes at a time across the
/// first window boundary: every position gives the findings a whole-file scan gives.
#[test]
fn every_boundary_position_finds_what_the_whole_file_finds() {
    let id = ["AKIA", "QWERTYUIOPASDFGH"].concat();
    let alphabet = b"AbCdEfGhJkMnPqRsTuVwXyZ0123456789/+";
    let secret: String = (0..40).map(|i| alphabet[(i * 7 + i * i / 3) % alphabet.len()] as char).collect();
    for shift in (0..1400).step_by(9) {
        let mut t = String::new();
        for i in 0..40 {
            t.push_str(&format!("log {i}: request served in {} ms\n", i * 3));
        }
        t.push_str(&"x".repeat(shift));
        t.push_str(&format!("\ntoken = {}\n", token(shift)));
        t.push_str(&pem());
        t.push_str(&format!("aws_access_key_id = {id}\naws_secret_access_key = {secret}\n"));
        t.push_str(&format!("  ü ünïcode before: password = \"{}\"\n", token(shift + 1)));
        for i in 0..120 {
            t.push_str(&format!("tail {i} with nothing secret in it at all\n"));
        }
        let want = whole(t.as_bytes(), "f.log");
        assert!(want.len() >= 4, "{want:?}");
        let (got, n) = windowed(t.as_bytes(), "f.log", &G);
        assert!(n >= 3, "{n} windows");
        assert_eq!(got, want, "shift {shift}");
    }
}

/// One long line (a minified bundle, a 5 GB log without line breaks): windows start inside
/// it and columns are carried on.
#[test]
fn a_single_line_keeps_its_columns() {
    for shift in (0..600).step_by(13) {
        let mut t = "ab ".repeat(500 + shift);
        for k in 0..12 {
            t.push_str(&format!(" token={} ", token(k + shift)));
            t.push_str(&"é;".repeat(300));
        }
        let want = whole(t.as_bytes(), "min.js");
        assert_eq!(want.len(), 12);
        let (got, n) = windowed(t.as_bytes(), "min.js", &G);
        assert!(n >= 3);
        assert_eq!(got, want, "shift {shift}");
    }
}

/// CRLF and lone-CR files count lines as an editor does, in every window.
#[test]
fn carriage_returns_are_counted_like_the_line_index() {
    for (sep, shift) in [("\r\n", 0), ("\r", 5), ("\r\n", 77), ("\r", 301)] {
        let mut t = "=".repeat(shift);
        for i in 0..300 {
            t.push_str(&format!("line {i}{sep}"));
            if i % 37 == 0 {
                t.push_str(&format!("token = {}{sep}", token(i)));
            }
        }
        assert_eq!(windowed(t.as_bytes(), "crlf.txt", &G).0, whole(t.as_bytes(), "crlf.txt"), "{sep:?}");
    }
}

/// Notebook cells are counted across windows.
#[test]
fn notebook_cells_carry_over() {
    let mut t = String::from("{\"cells\": [\n");
    for i in 0..60 {
        t.push_str(&format!("{{\"cell_type\": \"code\", \"source\": [\"x = {i}\\n\"]}},\n"));
        if i % 9 == 4 {
            t.push_str(&format!("{{\"cell_type\": \"code\", \"source\": [\"tok = '{}'\"]}},\n", token(i)));
        }
    }
    t.push_str("]}\n");
    let want = whole(t.as_bytes(), "n.ipynb");
    assert!(want.iter().all(|p| p.3.is_some()) && want.len() == 7, "{want:?}");
    assert_eq!(windowed(t.as_bytes(), "n.ipynb", &G).0, want);
}

/// Reads a few bytes at a time, as a pipe may.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.1 = self.1 % 5 + 1;
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// A stream is cut exactly as the same bytes in memory; the owned ranges partition it.
#[test]
fn streams_and_slices_are_cut_alike() {
    let text: Vec<u8> = (0..20_000u32).map(|i| if i % 97 == 0 { b'\n' } else { b'a' + (i % 26) as u8 }).collect();
    let mut a = Vec::new();
    for_each_slice(&text, &G, |b, w| a.push((b.to_vec(), w.clone())));
    // bytes already read from the stream are given first
    let mut b = Vec::new();
    for_each_read(Trickle(&text[100..], 0), text[..100].to_vec(), &G, |b2, w| b.push((b2.to_vec(), w.clone())))
        .unwrap();
    assert_eq!(a, b);
    let mut c = Vec::new();
    let total = for_each_read(Trickle(&text, 0), Vec::new(), &G, |b3, w| c.push((b3.to_vec(), w.clone()))).unwrap();
    assert_eq!(total, text.len() as u64);
    assert_eq!(a, c);
    let mut covered = 0u64;
    for (bytes, w) in &a {
        assert_eq!(w.offset + w.own.start as u64, covered, "owned ranges are contiguous");
        assert!(w.own.end <= bytes.len());
        covered += w.own.len() as u64;
    }
    assert_eq!(covered, text.len() as u64);
    assert!(a.last().unwrap().1.last && a.iter().filter(|x| x.1.last).count() == 1);
}

/// A read error after some windows is returned with how far the read got.
#[test]
fn a_read_error_says_where() {
    struct Fails(usize);
    impl Read for Fails {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("device gone"));
            }
            let n = buf.len().min(self.0);
            buf[..n].fill(b'a');
            self.0 -= n;
            Ok(n)
        }
    }
    let mut windows = 0;
    let err = for_each_read(Fails(10_000), Vec::new(), &G, |_, _| windows += 1).unwrap_err();
    assert_eq!(err.1, 10_000);
    assert!(windows >= 2, "{windows}");
    assert_eq!(err.0.to_string(), "device gone");
}

/// UTF-16 decoded as it is read, split anywhere (inside a code unit, between the halves of
/// a surrogate pair), is the text decoded whole.
#[test]
fn utf16_streams_decode_like_whole_blobs() {
    let text = "a=1\r\npässword = \"s3cr€t\" 😀 end\n".repeat(40);
    for little in [true, false] {
        let bytes: Vec<u8> =
            text.encode_utf16().flat_map(|u| if little { u.to_le_bytes() } else { u.to_be_bytes() }).collect();
        let mut out = String::new();
        Utf16Reader::new(Trickle(&bytes, 0), little).read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
        // a dangling byte and an unpaired surrogate become U+FFFD
        let mut odd = bytes[..6].to_vec();
        odd.push(b'x');
        let mut out = String::new();
        Utf16Reader::new(&odd[..], little).read_to_string(&mut out).unwrap();
        assert_eq!(out, "a=1\u{FFFD}");
    }
}

/// What [`read_stream`] hands on.
#[derive(Default)]
struct Record {
    windows: Vec<(usize, bool)>,
    archives: usize,
    skips: Vec<(SkipReason, u64, String)>,
}

impl BlobSink for Record {
    fn blob(&mut self, blob: Blob<'_>) -> bool {
        self.windows.push((blob.bytes.len(), blob.window.is_some()));
        false
    }
    fn skipped(&mut self, _: &str, reason: SkipReason, bytes: u64, detail: &str) {
        self.skips.push((reason, bytes, detail.to_string()));
    }
    fn archive(&mut self, _: Blob<'_>) -> bool {
        self.archives += 1;
        false
    }
}

fn stream(bytes: &[u8], max: u64, max_archive: u64) -> Record {
    let mut rec = Record::default();
    let lim = StreamLimits { max, max_archive, geometry: G };
    read_stream(Trickle(bytes, 0), &Origin::Stdin, Some(bytes.len() as u64), &lim, &mut rec);
    rec
}

/// The first window decides: text in windows, binary and encrypted counted at their full
/// size, an archive read whole up to its bound and counted past it; a stream longer than
/// `--max-file-size` is scanned up to it and counted.
#[test]
fn the_first_window_decides_what_a_stream_is() {
    let text = "line of text\n".repeat(1000);
    let rec = stream(text.as_bytes(), u64::MAX, 1 << 20);
    assert!(rec.windows.len() >= 4 && rec.windows.iter().all(|w| w.1) && rec.skips.is_empty());
    let small = stream(b"short\n", u64::MAX, 1 << 20);
    assert_eq!(small.windows, vec![(6, false)]);

    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend(std::iter::repeat_n(b'a', 20_000));
    assert_eq!(stream(&bin, u64::MAX, 1 << 20).skips, vec![(SkipReason::Binary, 20_004, String::new())]);

    let vault = format!("$ANSIBLE_VAULT;1.1;AES256\n{}", "3939613236\n".repeat(2000));
    assert_eq!(stream(vault.as_bytes(), u64::MAX, 1 << 20).skips[0].0, SkipReason::Encrypted);

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(stream(&gz, u64::MAX, 1 << 20).archives, 1);
    let over = stream(&gz, u64::MAX, 10_000);
    assert_eq!(over.archives, 0);
    assert_eq!(over.skips[0].0, SkipReason::ArchiveLimit);
    assert!(over.skips[0].2.contains("larger than the 10000 bytes opened in memory"), "{:?}", over.skips);

    let capped = stream(text.as_bytes(), 9000, 1 << 20);
    assert_eq!(capped.skips.len(), 1, "{:?}", capped.skips);
    assert_eq!(capped.skips[0].0, SkipReason::TooLarge);
    assert!(capped.windows.iter().map(|w| w.0).sum::<usize>() < 13_000);
}

/// Found by the `window` fuzz target: a stream exactly one window long was cut into a full
/// window and an empty last one, unlike the same bytes in memory. Lengths around multiples
/// of the window are cut alike.
#[test]
fn streams_of_window_multiples_are_cut_as_in_memory() {
    for len in [G.size - 1, G.size, G.size + 1, 2 * G.size - 1, 2 * G.size, 3 * G.size + 7] {
        let text: Vec<u8> = (0..len).map(|i| if i % 61 == 60 { b'\n' } else { b'x' }).collect();
        let mut a = Vec::new();
        for_each_slice(&text, &G, |b, w| a.push((b.len(), w.clone())));
        let mut b = Vec::new();
        for_each_read(Trickle(&text, 0), Vec::new(), &G, |x, w| b.push((x.len(), w.clone()))).unwrap();
        assert_eq!(a, b, "length {len}");
        assert_eq!(a.len() == 1, len <= G.size, "length {len}: one window exactly when it fits");
        assert!(a.iter().all(|(n, w)| *n > w.own.start || w.own.is_empty() && !w.last), "length {len}: {a:?}");
    }
}
