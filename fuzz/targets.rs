//! The bodies of keyhound's fuzz targets, shared by cargo-fuzz (`fuzz/fuzz_targets/*.rs`, on
//! nightly) and the stable replay (`tests/it/fuzz_replay.rs`). Each takes arbitrary bytes, must
//! never panic or hang, and asserts what holds for every input.
//!
//! - `matcher`: bytes as a source hands them on (UTF-16 decoded, binary or not), through the
//!   built-in detector's public `Detector`/`Matcher` API and `finding::build`: spans inside the
//!   input, sane locations, and no raw secret in a redacted snippet.
//! - `rules`: arbitrary text as a user rule file (`--rules`): parsed, validated, compiled, then
//!   used to scan the text itself; every error names the file.
//! - `config`: arbitrary text as `.keyhound.toml`, then its rules and path globs.
//! - `decode`: arbitrary text through every decoder ([`keyhound::decode::expand`]): each
//!   layer's encoded span inside the input, its decoded part inside the layer, its chain as
//!   deep as the limit, and the decoded bytes within the budget.
//! - `archive`: arbitrary bytes (and the same bytes gzip-, zip- and tar-wrapped) as an archive
//!   ([`keyhound::archive::expand`]) under small bounds: no member larger than the member
//!   bound, the total within the total bound, every path starting with `!`.
//! - `staged_lines`: the added-line ranges a staged scan computes from a zero-context diff
//!   (keyhound's own code around libgit2's diff; it has no diff parser of its own), for an old
//!   and a new buffer split at the first NUL byte.
//! - `pack`: git delta instructions and pack index and pack files through keyhound's own pack
//!   reader: every copy inside its base, every pack read to its end without a hang.

#![allow(dead_code)]

use std::sync::OnceLock;

use keyhound::finding;
use keyhound::matcher::Detector;
use keyhound::rules::RuleSet;
use keyhound::rules::load::{self, RuleSource};
use keyhound::source::{Content, Origin, classify};

/// The built-in detector, built once.
fn builtin() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        let rules =
            load::build(load::builtin_sources_for_scan().expect("built-in rules"), &[]).expect("built-in rules");
        Detector::new(rules).expect("built-in detector")
    })
}

/// Scans `hay` with `det` and checks every match and finding.
fn scan_and_check(det: &Detector, hay: &[u8]) {
    let mut m = det.matcher();
    let raw = m.scan(hay);
    for r in &raw {
        assert!(r.span.start <= r.span.end && r.span.end <= hay.len(), "span {:?} outside {} bytes", r.span, hay.len());
        assert!(r.secret.start <= r.secret.end && r.secret.end <= hay.len(), "secret {:?} outside the input", r.secret);
        if let Some(p) = &r.pair {
            assert!(p.start <= p.end && p.end <= hay.len(), "pair {p:?} outside the input");
        }
        assert!(r.rule < det.rules().len());
    }
    let origin = Origin::File { path: "fuzz.txt".to_string() };
    for f in finding::build(hay, &origin, &raw, det.rules().rules()) {
        let l = &f.location;
        assert!(l.line >= 1 && l.column >= 1, "{l:?}");
        assert!((l.end_line, l.end_column) > (l.line, l.column) || f.secret.is_empty(), "{l:?}");
        let raw = f.secret.expose_str();
        // a redacted value shows at most 8 characters of the secret (PEM headers aside)
        if raw.chars().count() >= 12 && !raw.starts_with("-----BEGIN") {
            assert_ne!(f.secret.redacted(), raw, "unredacted secret");
            assert!(!f.snippet.contains(raw.as_str()), "raw secret in the snippet {:?}", f.snippet);
        }
        for p in &f.parts {
            let part = p.secret.expose_str();
            if part.chars().count() >= 12 {
                assert!(!f.snippet.contains(part.as_str()), "raw second part in the snippet {:?}", f.snippet);
            }
        }
    }
}

/// Fuzz target `matcher`.
pub fn matcher(data: &[u8]) {
    match classify(data, u64::MAX) {
        Content::Text(text) => scan_and_check(builtin(), &text),
        // binary input is skipped (or opened as an archive) by every source; scan it anyway:
        // the matcher takes any bytes
        Content::Skip(..) | Content::Archive(_) => scan_and_check(builtin(), data),
    }
}

/// Checks the errors of a rule build: each names the file and says why.
fn check_errors(file: &str, errors: &[load::RuleError]) {
    assert!(!errors.is_empty());
    for e in errors {
        assert!(e.file == file || e.file == "configuration", "error names {:?}, not {file}", e.file);
        assert!(!e.reason.is_empty());
        assert!(e.to_string().starts_with(&e.file));
    }
}

/// Builds user rules (compiled now, as for `--rules`) and scans `hay` with them.
fn build_and_scan(source: RuleSource, disabled: &[String], hay: &[u8]) {
    let file = source.file.clone();
    match load::build(vec![source], disabled) {
        Ok(set) => scan_with(set, hay),
        Err(errors) => check_errors(&file, &errors),
    }
}

fn scan_with(set: RuleSet, hay: &[u8]) {
    if let Ok(det) = Detector::new(set) {
        scan_and_check(&det, hay);
    }
}

/// Fuzz target `rules`.
pub fn rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match load::parse_text("fuzz.toml", &text, false) {
        Ok(src) => build_and_scan(src, &[], data),
        Err(e) => {
            assert_eq!(e.file, "fuzz.toml");
            assert!(e.to_string().starts_with("fuzz.toml: not a valid rule file"), "{e}");
        }
    }
}

/// Fuzz target `config`.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match keyhound::config::Config::parse(".keyhound.toml", &text) {
        Ok(cfg) => {
            let _ = keyhound::policy::Policy::new(&cfg.allowlist.paths);
            let src = RuleSource { file: ".keyhound.toml".to_string(), builtin: false, rules: cfg.rules.clone() };
            build_and_scan(src, &cfg.disabled_rules, data);
        }
        Err(e) => assert!(e.to_string().starts_with(".keyhound.toml: "), "{e}"),
    }
}

/// Fuzz target `staged_lines`.
pub fn staged_lines(data: &[u8]) {
    let (old, new) = match data.iter().position(|&b| b == 0) {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (&[][..], data),
    };
    let ranges = keyhound::source::staged::added_lines_between(old, new);
    let lines = new.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut prev = 0;
    for r in &ranges {
        assert!(*r.start() >= 1 && r.start() <= r.end(), "{ranges:?}");
        assert!(*r.end() <= lines, "{ranges:?} past the {lines} lines of the new text");
        assert!(*r.start() > prev, "{ranges:?} not sorted and disjoint");
        prev = *r.end();
    }
}

/// Fuzz target `decode`.
pub fn decode(data: &[u8]) {
    use keyhound::decode::{Options, expand};
    let opts = Options { max_depth: 3, max_bytes: 1 << 16 };
    let ex = expand(data, &opts);
    let mut total = 0;
    for l in &ex.layers {
        assert!(l.span.start < l.span.end && l.span.end <= data.len(), "span {:?} of {}", l.span, data.len());
        assert!(l.decoded.end <= l.bytes.len());
        assert!(!l.chain.is_empty() && l.chain.len() <= opts.max_depth);
        total += l.decoded.len();
    }
    // the budget may be passed by the last decode before it is checked, never by more
    assert!(total <= opts.max_bytes + data.len(), "{total} decoded bytes");
}

/// Fuzz target `decoder`: each decoder on its own, chosen by the first byte, on the rest.
/// Every candidate span lies inside the text, and decoding a candidate or the whole input
/// (spans no candidate search would give) neither panics nor yields more than a few times the
/// span's length.
pub fn decoder(data: &[u8]) {
    use keyhound::decode::{Text, decoders};
    let Some((&pick, rest)) = data.split_first() else { return };
    let all = decoders();
    let d = all[usize::from(pick) % all.len()];
    let mut spans = Vec::new();
    d.candidates(&Text::new(rest, 0..rest.len()), &mut spans);
    spans.push(0..rest.len());
    let mut out = Vec::new();
    for s in &spans {
        assert!(s.start <= s.end && s.end <= rest.len(), "{}: span {s:?} of {}", d.name(), rest.len());
        out.clear();
        let _ = d.decode(&rest[s.clone()], &mut out);
        assert!(out.len() <= 4 * s.len() + 16, "{}: {} bytes from {}", d.name(), out.len(), s.len());
    }
}

/// Fuzz target `archive`.
pub fn archive(data: &[u8]) {
    use keyhound::archive::{Event, Limits, expand};
    use std::io::Write;
    let limits = Limits { max_depth: 3, max_total: 1 << 20, max_ratio: 50, max_entries: 64, max_member: 1 << 18 };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    let gz = gz.finish().unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("in.bin", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(data).unwrap();
    let zip = zip.finish().unwrap().into_inner();
    for input in [data, &gz[..], &zip[..]] {
        let mut total = 0u64;
        expand("fuzz.bin", input, &limits, &mut |e| match e {
            Event::File { path, bytes } => {
                assert!(path.starts_with('!'), "{path}");
                assert!(bytes.len() as u64 <= limits.max_member);
                total += bytes.len() as u64;
            }
            Event::Skip { path, .. } => assert!(path.starts_with('!'), "{path}"),
        });
        assert!(total <= limits.max_total);
    }
}

/// Fuzz target `assign`: the assignment recogniser on arbitrary text. Every assignment's name
/// and value lie inside the input, the name is non-empty and at most `MAX_NAME` long, names
/// start in the scanned region, and the list is sorted without repeats.
pub fn assign(data: &[u8]) {
    use keyhound::assign::{Assignment, MAX_NAME, recognise};
    let mut out: Vec<Assignment> = Vec::new();
    recognise(data, 0..data.len(), &mut out);
    for a in &out {
        assert!(a.name.start < a.name.end && a.name.end <= data.len(), "{a:?}");
        assert!(a.name.len() <= MAX_NAME, "{a:?}");
        assert!(a.value.start <= a.value.end && a.value.end <= data.len(), "{a:?}");
        if let Some(s) = &a.scheme {
            assert!(s.start <= s.end && s.end <= data.len(), "{a:?}");
        }
    }
    for w in out.windows(2) {
        assert!((w[0].name.start, w[0].value.start) <= (w[1].name.start, w[1].value.start), "{w:?}");
        assert!(!(w[0].name == w[1].name && w[0].value == w[1].value), "{w:?}");
    }
    let _ = keyhound::assign::pairs(&String::from_utf8_lossy(data));
}

/// Paths that name each credential-file kind.
const CREDENTIAL_FILES: &[&str] = &[
    ".netrc",
    ".pgpass",
    ".git-credentials",
    ".htpasswd",
    "etc/shadow",
    ".npmrc",
    ".yarnrc.yml",
    ".pypirc",
    ".dockercfg",
    ".aws/credentials",
    ".kube/config",
    ".s3cfg",
    ".boto",
    "sitemanager.xml",
    "winscp.ini",
    "sftp-config.json",
    "robo3t.json",
    "datasources.xml",
    ".msmtprc",
    "settings.xml",
    "nuget.config",
    "gradle.properties",
    "credentials.xml",
    "wp-config.php",
    "config/master.key",
    "secrets/master.key",
    "prod.tfstate",
    "data-sources.json",
    "user.nk",
    "kubeconfig",
];

/// Fuzz target `credfile`: arbitrary bytes under every credential-file name; each parser's
/// fields lie inside the input, in file order, with an ASCII-lower-case key.
pub fn credfile(data: &[u8]) {
    use keyhound::credfile::{Field, fields, kind_of};
    for path in CREDENTIAL_FILES {
        let Some(kind) = kind_of(path, data) else { continue };
        let mut out: Vec<Field> = Vec::new();
        fields(kind, data, &mut out);
        for f in &out {
            assert!(f.value.start <= f.value.end && f.value.end <= data.len(), "{path}: {f:?}");
            assert_eq!(f.key, f.key.to_ascii_lowercase(), "{path}: {f:?}");
        }
    }
}

/// Fuzz target `pre_receive`: arbitrary text as the pre-receive hook's stdin: parsed into ref
/// updates whose names are refs, or refused with the line named.
pub fn pre_receive(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match keyhound::source::pushed::parse_updates(&text) {
        Ok(updates) => {
            assert!(!updates.is_empty());
            for u in &updates {
                assert!(u.name.starts_with("refs/") || u.name == "HEAD", "{u:?}");
            }
        }
        Err(e) => assert!(e.starts_with("line ") || e.starts_with("no ref updates"), "{e}"),
    }
}

/// Reads at most a few bytes at a time.
struct Trickle<'a>(&'a [u8], usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.1 = self.1 % 7 + 1;
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Fuzz target `window`: arbitrary bytes cut into tiny windows. The owned ranges partition
/// the input; a stream is cut as the same bytes in memory; the line and column carried to each
/// window's owned start are those of the whole input; UTF-16 decoded as a stream is the text
/// decoded whole.
pub fn window(data: &[u8]) {
    use keyhound::finding::lines::LineIndex;
    use keyhound::source::window::{Geometry, Utf16Reader, for_each_read, for_each_slice};
    let g = Geometry { size: 64, context: 8, max_match: 16 };
    let whole = LineIndex::new();
    let mut slices = Vec::new();
    let mut covered = 0u64;
    for_each_slice(data, &g, |bytes, w| {
        assert_eq!(w.offset + w.own.start as u64, covered);
        assert!(w.own.end <= bytes.len());
        covered += w.own.len() as u64;
        if !w.own.is_empty() {
            let local = LineIndex::new().locate(bytes, w.own.start);
            let at = whole.locate(data, w.offset as usize + w.own.start);
            let line = local.line + w.lines_before;
            let column = if local.line == 1 { local.column + w.column_before } else { local.column };
            assert_eq!((line, column), (at.line, at.column), "window {w:?}");
        }
        slices.push((bytes.to_vec(), w.clone()));
    });
    assert_eq!(covered, data.len() as u64);
    let mut streamed = Vec::new();
    let n = for_each_read(Trickle(data, 0), Vec::new(), &g, |b, w| streamed.push((b.to_vec(), w.clone()))).unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(streamed, slices);
    for little in [true, false] {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut Utf16Reader::new(Trickle(data, 0), little), &mut out).unwrap();
        let mut bom = vec![if little { 0xFF } else { 0xFE }, if little { 0xFE } else { 0xFF }];
        bom.extend_from_slice(data);
        let mut whole = keyhound::source::decode_utf16(&bom).unwrap();
        if data.len() % 2 == 1 {
            whole.extend_from_slice("\u{FFFD}".as_bytes()); // the dangling byte, as the reader says
        }
        assert_eq!(out, whole);
    }
}

/// Fuzz target `gitleaks_config`: arbitrary text as a gitleaks configuration (`.gitleaks.toml`),
/// translated, then its rules built and run on the text itself.
pub fn gitleaks_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match keyhound::config::Config::parse(".gitleaks.toml", &text) {
        Ok(cfg) => {
            let src = RuleSource { file: ".gitleaks.toml".to_string(), builtin: false, rules: cfg.rules.clone() };
            build_and_scan(src, &cfg.disabled_rules, data);
        }
        Err(e) => assert!(e.to_string().starts_with(".gitleaks.toml: "), "{e}"),
    }
}

/// A verifier table and a provider's answer: the table parses or is refused; a usable one
/// builds its request (the secret never in the host) and reads any answer without panicking.
pub fn verify_spec(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (table, rest) = text.split_once("\n---\n").unwrap_or((&text, ""));
    let Ok(spec) = toml::from_str::<keyhound::verify::spec::RequestSyntax>(table) else { return };
    let problems = spec.problems(false);
    let (secret, body) = rest.split_once('\n').unwrap_or((rest, ""));
    if problems.is_empty()
        && spec.code.is_none()
        && let Ok(req) = spec.request(keyhound::verify::spec::Values { secret, part: Some(body) })
    {
        // the host is the rule's, whatever the secret holds
        let host = keyhound::verify::spec::host_of(&req.url);
        assert_eq!(host, keyhound::verify::spec::host_of(&spec.url), "{:?}", req);
    }
    let status = data.first().map_or(200, |b| 100 + u16::from(*b) * 2);
    let o = spec.interpret(status, body.as_bytes(), data.get(1).map(|b| u64::from(*b)));
    assert_eq!(o.http_status, Some(status));
}

/// Repository lists, `Link` headers and shard specifications: parsed or refused, never a
/// panic; a parsed repository has a normalised form without credentials shown.
pub fn repo_list(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        if let Ok(spec) = keyhound::repos::list::RepoSpec::parse(line) {
            assert!(!spec.key.is_empty());
            if spec.display.to_ascii_lowercase().starts_with("https://") {
                // what reports show has no user name or password in its authority
                let authority = spec.display.split('/').nth(2).unwrap_or("");
                assert!(!authority.contains('@'), "{}", spec.display);
            }
        }
        let _ = keyhound::repos::forge::next_link(line);
        if let Ok(s) = keyhound::repos::shard::Shard::parse(line) {
            assert!(s.index < s.count);
            let _ = s.takes(line);
        }
    }
}

/// Fuzz target `pack`: git's delta instructions and pack files as keyhound's own pack reader
/// reads them ([`keyhound::source::pack`]). First byte even: the rest is a base and a delta
/// (split at the second byte's share of the length); a delta that applies gives exactly the
/// bytes its copies say. Odd: the next two bytes are the length of a pack index, then the
/// index, then the pack; the pair is opened and every blob rebuilt, which must end (no hang,
/// no panic) with each copy of each delta inside its base.
pub fn pack(data: &[u8]) {
    use keyhound::source::pack::{Pack, apply};
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        let Some((&cut, rest)) = rest.split_first() else { return };
        let (base, delta) = rest.split_at(rest.len() * usize::from(cut) / 256);
        if let Ok((out, copies)) = apply(base, delta) {
            for c in &copies {
                assert_eq!(&out[c.to..c.to + c.len], &base[c.from..c.from + c.len], "copy {c:?}");
            }
        }
        return;
    }
    let Some(len) = rest.get(..2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))) else { return };
    let rest = &rest[2..];
    let (index, packed) = rest.split_at(len.min(rest.len()));
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("keyhound-fuzz-pack-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("a temporary directory");
        d
    });
    // one pair of files per thread (the stable replay runs targets on several threads)
    let name = format!("pack-{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_alphanumeric(), "");
    let idx = dir.join(format!("{name}.idx"));
    std::fs::write(&idx, index).expect("write the index");
    std::fs::write(idx.with_extension("pack"), packed).expect("write the pack");
    let Ok(p) = Pack::open(&idx) else { return };
    let visit = |n: &mut usize, o: keyhound::source::pack::Object<'_>, _: Option<&()>| {
        if let Some((base, copies)) = o.delta {
            for c in copies {
                assert_eq!(&o.bytes[c.to..c.to + c.len], &base[c.from..c.from + c.len]);
            }
        }
        *n += 1;
        Some(())
    };
    p.for_each_blob(2, &|_| true, &|| 0usize, &visit, &|_| ());
}
