//! `scan --image`: `docker save` tarballs and OCI layouts built here, every layer read, each
//! finding naming its layer and the command that made it, deleted files still found.

use crate::common::{Fake, Tree, gz, tar_of};

fn sha(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

fn config(diff_ids: &[String]) -> Vec<u8> {
    let ids: Vec<String> = diff_ids.iter().map(|d| format!("\"sha256:{d}\"")).collect();
    format!(
        r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":[{}]}},"history":[
        {{"created_by":"/bin/sh -c #(nop) COPY file:abc in /app/.env"}},
        {{"created_by":"/bin/sh -c #(nop)  ENV A=1","empty_layer":true}},
        {{"created_by":"/bin/sh -c rm /app/.env"}}]}}"#,
        ids.join(",")
    )
    .into_bytes()
}

fn layers(key: &str) -> (Vec<u8>, Vec<u8>) {
    let first =
        tar_of(&[("app/.env", format!("X=1\nOPENAI_API_KEY={key}\n").as_bytes()), ("app/run.sh", b"echo hi\n")]);
    let second = tar_of(&[("app/.wh..env", b"")]);
    (first, second)
}

fn found(r: &crate::common::Run) -> Vec<(String, u64, u64, String)> {
    r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["layer"]["index"].as_u64().unwrap(),
                f["layer"]["created_by"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn docker_save_tarballs_report_the_layer_of_a_deleted_key() {
    let key = Fake::new(77).openai_project();
    let (l0, l1) = layers(&key);
    let (d0, d1) = (sha(&l0), sha(&l1));
    let cfg = config(&[d0.clone(), d1.clone()]);
    let manifest =
        format!(r#"[{{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["{d0}/layer.tar","{d1}/layer.tar"]}}]"#);
    let image = tar_of(&[
        ("manifest.json", manifest.as_bytes()),
        ("cfg.json", &cfg),
        (&format!("{d0}/layer.tar"), &l0),
        (&format!("{d1}/layer.tar"), &l1),
    ]);
    let t = Tree::new();
    t.write("app.tar", &image);
    let r = t.run(&["scan", "--image", "app.tar", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let want = format!("app.tar!sha256:{}!app/.env", &d0[..12]);
    assert_eq!(found(&r), [(want, 2, 0, "/bin/sh -c #(nop) COPY file:abc in /app/.env".to_string())]);
    assert_eq!(r.json()["findings"][0]["layer"]["digest"], format!("sha256:{d0}"));
    assert_eq!(r.json()["findings"][0]["rule"], "openai-project-key");
    let text = t.run(&["scan", "--image", "app.tar"]);
    assert!(text.stdout.contains("layer 0 sha256:"), "{}", text.stdout);
}

#[test]
fn oci_layouts_with_gzip_layers_as_directory_and_bad_images_fail_clearly() {
    let key = Fake::new(78).openai_project();
    let (l0, l1) = layers(&key);
    let cfg = config(&[sha(&l0), sha(&l1)]);
    let (g0, g1) = (gz(&l0), gz(&l1));
    let manifest = format!(
        r#"{{"schemaVersion":2,"config":{{"digest":"sha256:{}"}},"layers":[{{"digest":"sha256:{}"}},{{"digest":"sha256:{}"}}]}}"#,
        sha(&cfg),
        sha(&g0),
        sha(&g1)
    );
    let index = format!(r#"{{"schemaVersion":2,"manifests":[{{"digest":"sha256:{}"}}]}}"#, sha(manifest.as_bytes()));
    let t = Tree::new();
    t.write("oci/index.json", &index)
        .write("oci/oci-layout", r#"{"imageLayoutVersion":"1.0.0"}"#)
        .write(&format!("oci/blobs/sha256/{}", sha(manifest.as_bytes())), &manifest)
        .write(&format!("oci/blobs/sha256/{}", sha(&cfg)), &cfg)
        .write(&format!("oci/blobs/sha256/{}", sha(&g0)), &g0)
        .write(&format!("oci/blobs/sha256/{}", sha(&g1)), &g1);
    let r = t.run(&["scan", "--image", "oci", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let want = format!("oci!sha256:{}!app/.env", &sha(&g0)[..12]);
    assert_eq!(found(&r)[0].0, want);
    assert_eq!(found(&r)[0].2, 0);
    // not an image: a clear error naming the file, exit 2
    t.write("plain.tar", tar_of(&[("a.txt", b"x\n")]));
    let bad = t.run(&["scan", "--image", "plain.tar"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("plain.tar: not a readable container image"), "{}", bad.stderr);
}
