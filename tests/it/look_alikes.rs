//! Look-alikes a new user met on real repositories (issue 17, item 6), each beside the real
//! credential of the same shape that must still be found: Stripe publishable keys (public by
//! design), "EAA…" runs inside base64 binary data (rustdoc's search index), a playful
//! placeholder password holding `@` in a URL, a Rust type annotation under a password-like
//! name, and a lint pass named on the command line. Every value is generated at test time.

use base64::Engine as _;

use crate::common::{ALNUM, Fake, Tree, f, found};

#[test]
fn public_keys_and_base64_binary_are_not_leaks_but_their_secret_twins_are() {
    let mut fk = Fake::new(1706);
    let t = Tree::new();
    let publishable = format!("pk_test_{}", fk.chars(24, ALNUM));
    let publishable_live = format!("pk_live_{}", fk.chars(99, ALNUM));
    let secret_key = format!("sk_live_{}", fk.chars(99, ALNUM));
    t.write(
        "web/checkout.js",
        format!("const stripe_key = \"{publishable}\";\nconst STRIPE_KEY = '{publishable_live}';\n"),
    );
    t.write("server/.env", format!("STRIPE_SECRET_KEY={secret_key}\n"));
    // base64 of binary data with many zero bytes, as rustdoc's search index holds it: long
    // "EAA…" and "EAAA…" runs between `/` and `+`
    let mut bin = Vec::new();
    for i in 0..600u32 {
        bin.extend_from_slice(&[0x10, 0, 0, (i % 7) as u8, (i * 37 % 251) as u8, 0, 0, 0x11]);
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bin);
    assert!(b64.contains("EAA"));
    t.write("doc/search.index/3f2a.js", format!("rn_(\"{b64}\")\n"));
    let meta = format!("EAA{}", fk.chars(180, ALNUM));
    t.write("deploy/meta.env", format!("FACEBOOK_ACCESS_TOKEN={meta}\n"));
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![f("facebook-access-token", "deploy/meta.env", 1), f("stripe-secret-key", "server/.env", 1)]);
}

#[test]
fn placeholders_type_annotations_and_lint_passes_are_not_passwords() {
    let mut fk = Fake::new(1707);
    let t = Tree::new();
    let real = format!("{}@{}", fk.chars(8, ALNUM), fk.chars(6, ALNUM));
    t.write(
        "src/client.py",
        format!(
            "def clone():\n    \"\"\"Clone with https://user:not-re@l@github.com/org/repo.git\"\"\"\n    url = \"https://bot:{real}@github.com/org/repo.git\"\n"
        ),
    );
    t.write("src/lib.rs", "const WILL_PASS: i32 = 0;\nstatic DB_PASSWORD: &str = env!(\"DB_PASSWORD\");\n");
    t.write("docs/lints.md", "Run `cargo dev new_lint --name=foo --pass=early --category=pedantic`.\n");
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![f("git-credentials-url", "src/client.py", 3)]);
    // the password with `@` in it is the whole password, not its first part
    assert_eq!(j["findings"][0]["column"], 24);
    assert_eq!(j["findings"][0]["end_column"], 24 + real.len() as u64);
    let (_, got, _) = found(&t, &["scan", ".", "--format", "json", "--min-confidence", "low"]);
    assert!(got.iter().all(|x| x.1 != "src/lib.rs"), "{got:?}");
}
