//! The pack reader against hand-made deltas and against git's own packs.

use super::*;

/// A delta's header size field.
fn size(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A copy instruction with a 4-byte offset and 3-byte size.
fn copy(from: usize, len: usize, out: &mut Vec<u8>) {
    out.push(0x80 | 0x0F | 0x70);
    out.extend_from_slice(&(from as u32).to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes()[..3]);
}

#[test]
fn deltas_copy_and_insert_and_say_what_they_copied() {
    let base = b"line one\nline two\nline three\n";
    let mut d = Vec::new();
    size(base.len(), &mut d);
    size(9 + 4 + 11, &mut d);
    copy(0, 9, &mut d);
    d.push(4);
    d.extend_from_slice(b"new\n");
    // two copies that continue each other are one
    copy(18, 5, &mut d);
    copy(23, 6, &mut d);
    let (out, copies) = apply(base, &d).unwrap();
    assert_eq!(out, b"line one\nnew\nline three\n");
    assert_eq!(copies, vec![Copy { from: 0, to: 0, len: 9 }, Copy { from: 18, to: 13, len: 11 }]);
}

#[test]
fn a_size_of_zero_copies_64_kib_and_offsets_take_only_their_flagged_bytes() {
    let base: Vec<u8> = (0..0x10010u32).map(|i| (i % 251) as u8).collect();
    let mut d = Vec::new();
    size(base.len(), &mut d);
    size(0x10000 + 3, &mut d);
    // offset byte 0 only (16), no size bytes: 0x10000
    d.extend_from_slice(&[0x81, 16]);
    // offset byte 1 only (0x100), size byte 0 (3)
    d.extend_from_slice(&[0x80 | 0x02 | 0x10, 1, 3]);
    let (out, copies) = apply(&base, &d).unwrap();
    assert_eq!(&out[..0x10000], &base[16..16 + 0x10000]);
    assert_eq!(&out[0x10000..], &base[0x100..0x103]);
    assert_eq!(copies.len(), 2);
}

#[test]
fn broken_deltas_are_errors_not_panics() {
    let base = b"0123456789";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![], "header"),
        (vec![9, 4], "base size differs"),
        (vec![10, 4, 0], "reserved"),
        (vec![10, 4, 0x91, 8, 4], "copy past the base"),
        (vec![10, 2, 0x91, 0, 4], "longer than its size"),
        (vec![10, 4, 3, b'a'], "truncated insert"),
        (vec![10, 4, 2, b'a', b'b'], "shorter than its size"),
        (vec![10, 4, 0x91], "truncated copy"),
    ];
    for (d, what) in cases {
        let e = apply(base, &d).unwrap_err();
        assert!(e.contains(what), "{d:?}: {e}");
    }
}

#[test]
fn entry_headers_and_base_distances_decode_as_git_writes_them() {
    // type 3 (blob), size 0x1234: 0b1_011_0100, then 0x1234 >> 4 = 0x123 in 7-bit groups
    assert_eq!(entry_header(&[0xB4, 0xA3, 0x02]), Some((3, 0x1234, 3)));
    assert_eq!(entry_header(&[0x35]), Some((3, 5, 1)));
    assert_eq!(entry_header(&[0xB4]), None);
    // one byte: the distance itself; two: ((first + 1) << 7) | second
    assert_eq!(ofs_distance(&[0x05]), Some((5, 1)));
    assert_eq!(ofs_distance(&[0x81, 0x00]), Some((256, 2)));
    assert_eq!(ofs_distance(&[0x80]), None);
}

fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn every_blob_of_a_git_pack_is_rebuilt_as_git_reads_it() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q"]);
    let mut text: Vec<String> =
        (0..400).map(|i| format!("line {i} of a file that changes a little each time")).collect();
    for c in 0..30 {
        text[(c * 37) % 400] = format!("changed in commit {c}");
        text.insert((c * 11) % 400, format!("inserted in commit {c}"));
        std::fs::write(d.join("a.txt"), text.join("\n")).unwrap();
        std::fs::write(d.join("b.txt"), format!("small {c}\n")).unwrap();
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", &format!("c{c}")]);
    }
    git(d, &["repack", "-adf", "-q", "--depth=50", "--window=50"]);
    let idx = indexes(&d.join(".git"));
    assert_eq!(idx.len(), 1);
    let pack = Pack::open(&idx[0]).unwrap();
    let all = git(d, &["rev-list", "--all", "--objects"]);
    let blobs: Vec<Oid> = String::from_utf8(all)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, p)| p.ends_with(".txt"))
        .map(|(id, _)| Oid::from_str(id).unwrap())
        .collect();
    assert_eq!(blobs.len(), 60);
    // the state of a blob is its bytes, so each delta's copies can be checked against its base
    let checked = std::sync::atomic::AtomicUsize::new(0);
    let deltas = std::sync::atomic::AtomicUsize::new(0);
    let visit = |seen: &mut Vec<(Oid, Vec<u8>)>, o: Object<'_>, base: Option<&Vec<u8>>| {
        if let (Some((bytes, copies)), Some(base)) = (o.delta, base) {
            assert_eq!(bytes, &base[..]);
            for c in copies {
                assert_eq!(&o.bytes[c.to..c.to + c.len], &base[c.from..c.from + c.len]);
            }
            deltas.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        seen.push((o.id, o.bytes.to_vec()));
        Some(o.bytes.to_vec())
    };
    let all = Mutex::new(Vec::new());
    let finish = |seen: Vec<(Oid, Vec<u8>)>| all.lock().unwrap().extend(seen);
    let failed = pack.for_each_blob(2, &|id| blobs.contains(&id), &Vec::new, &visit, &finish);
    assert_eq!(failed, 0);
    let seen = all.into_inner().unwrap();
    assert_eq!(seen.len(), blobs.len());
    assert!(deltas.into_inner() >= 25, "most versions are deltas");
    for (id, bytes) in seen {
        assert_eq!(bytes, git(d, &["cat-file", "blob", &id.to_string()]), "blob {id}");
    }
}

#[test]
fn a_broken_pack_is_an_error_naming_the_file() {
    let t = tempfile::tempdir().unwrap();
    let idx = t.path().join("pack-x.idx");
    std::fs::write(&idx, b"not an index").unwrap();
    let e = Pack::open(&idx).unwrap_err();
    assert!(e.to_string().contains("pack-x.idx: not a version 2 pack index"), "{e}");
}
