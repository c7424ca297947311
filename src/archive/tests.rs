//! Archive walking on archives built here: every format, nesting, and every bound.

use std::io::{Cursor, Write};

use super::*;

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = ::zip::write::SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = ::tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = ::tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(::tar::EntryType::Regular);
        // set_path refuses `..` and absolute names; hostile archives have them, so write raw
        let raw = &mut h.as_old_mut().name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// (path, content or skip reason) of every event.
fn events(name: &str, bytes: &[u8], limits: &Limits) -> Vec<(String, String)> {
    let mut out = Vec::new();
    expand(name, bytes, limits, &mut |e| match e {
        Event::File { path, bytes } => out.push((path, String::from_utf8_lossy(bytes).into_owned())),
        Event::Skip { path, reason, .. } => out.push((path, format!("<{reason}>"))),
    });
    out
}

fn limits() -> Limits {
    Limits::new(25 << 20)
}

fn ev(p: &str, c: &str) -> (String, String) {
    (p.to_string(), c.to_string())
}

#[test]
fn formats_are_told_by_magic() {
    assert_eq!(format_of(&zip_of(&[("a", b"x")])), Some(Format::Zip));
    assert_eq!(format_of(&tar_of(&[("a", b"x")])), Some(Format::Tar));
    assert_eq!(format_of(&gz(b"x")), Some(Format::Gzip));
    assert_eq!(format_of(b"BZh91AY&SY"), Some(Format::Bzip2));
    assert_eq!(format_of(b"plain text"), None);
    let mut fake_tar = vec![0u8; 512];
    fake_tar[257..262].copy_from_slice(b"ustar");
    assert_eq!(format_of(&fake_tar), None, "a bad header checksum is not a tar");
    assert_eq!(stem("dir/app.log.gz"), "app.log");
    assert_eq!(stem("x.tgz"), "x.tar");
    assert_eq!(stem("a.zip!b/c.json.zst"), "c.json");
}

#[test]
fn every_format_and_nesting() {
    let inner = zip_of(&[("config/.env", b"K=1\n"), ("dir/", b""), ("img.bin", b"\0\x01")]);
    let tgz = gz(&tar_of(&[("./app.zip", &inner), ("notes.txt", b"hello\n")]));
    assert_eq!(
        events("rel.tgz", &tgz, &limits()),
        [ev("!app.zip!config/.env", "K=1\n"), ev("!app.zip!img.bin", "\0\u{1}"), ev("!notes.txt", "hello\n")]
    );
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(&tar_of(&[("a.env", b"A=1\n")])).unwrap();
    assert_eq!(events("x.tar.bz2", &bz.finish().unwrap(), &limits()), [ev("!a.env", "A=1\n")]);
    let mut xz = Vec::new();
    lzma_rs::xz_compress(&mut &b"B=2\n"[..], &mut xz).unwrap();
    assert_eq!(events("dir/b.env.xz", &xz, &limits()), [ev("!b.env", "B=2\n")]);
    let zst = ruzstd::encoding::compress_to_vec(
        &tar_of(&[("c.env", b"C=3\n")])[..],
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    assert_eq!(events("c.tar.zst", &zst, &limits()), [ev("!c.env", "C=3\n")]);
    assert_eq!(events("log.gz", &gz(b"line\n"), &limits()), [ev("!log", "line\n")]);
}

#[test]
fn nesting_stops_at_the_depth_and_says_so() {
    let mut blob = zip_of(&[("key.env", b"K=1\n")]);
    for i in 0..5 {
        blob = zip_of(&[(&format!("l{i}.zip"), &blob)]);
    }
    let got = events("bomb.zip", &blob, &limits());
    assert_eq!(got, [ev("!l4.zip!l3.zip", "<archive_limit>")]);
    let deep = Limits { max_depth: 10, ..limits() };
    assert_eq!(events("bomb.zip", &blob, &deep), [ev("!l4.zip!l3.zip!l2.zip!l1.zip!l0.zip!key.env", "K=1\n")]);
}

#[test]
fn bombs_hit_the_ratio_and_total_bounds() {
    let zeros = vec![0u8; 8 << 20];
    let bomb = zip_of(&[("zeros.bin", &zeros), ("after.env", b"A=1\n")]);
    assert!(bomb.len() < 64 << 10, "{}", bomb.len());
    let small = Limits { max_ratio: 100, ..limits() };
    assert_eq!(events("b.zip", &bomb, &small), [ev("!zeros.bin", "<archive_limit>"), ev("!after.env", "A=1\n")]);
    let tiny_total = Limits { max_total: 1 << 20, ..limits() };
    assert_eq!(events("b.zip", &bomb, &tiny_total), [ev("!zeros.bin", "<archive_limit>")]);
    // a gzip stream is bounded while it is read, tar or not
    let gz_bomb = gz(&tar_of(&[("z", &zeros)]));
    assert_eq!(events("z.tar.gz", &gz_bomb, &small), [ev("!z", "<archive_limit>")]);
    let few = Limits { max_entries: 2, ..limits() };
    let many = tar_of(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
    assert_eq!(events("m.tar", &many, &few), [ev("!a", "1"), ev("!b", "2"), ev("!c", "<archive_limit>")]);
}

#[test]
fn hostile_and_broken_archives_end_in_a_reason() {
    let t = tar_of(&[("/etc/cron.d/x", b"abs\n"), ("../../escape.env", b"up\n")]);
    assert_eq!(events("h.tar", &t, &limits()), [ev("!/etc/cron.d/x", "abs\n"), ev("!../../escape.env", "up\n")]);
    let z = zip_of(&[("a.env", b"A=1\n")]);
    assert_eq!(events("t.zip", &z[..z.len() / 2], &limits()), [ev("!", "<archive_error>")]);
    // the end record is there but the central directory it points to is not
    let mut bad_dir = z.clone();
    let central = bad_dir.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bad_dir[central..central + 4].copy_from_slice(b"XXXX");
    assert!(zip::Zip::new(&bad_dir).is_err());
    assert!(zip::Zip::new(&z).is_ok());
    let no_end = zip::Zip::new(&z[..z.len() - 22]).err().unwrap().to_string();
    assert!(no_end.contains("no end of central directory record"), "{no_end}");
    let g = gz(&vec![b'x'; 100_000]);
    let got = events("t.gz", &g[..g.len() / 2], &limits());
    assert_eq!(got, [ev("!t", "<archive_error>")]);
    // encrypted member: the zip flag bit 0 set in the local and central headers
    let mut enc = zip_of(&[("s.env", b"S=1\n")]);
    enc[6] |= 1;
    let central = enc.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    enc[central + 8] |= 1;
    assert_eq!(events("e.zip", &enc, &limits()), [ev("!s.env", "<encrypted>")]);
}
