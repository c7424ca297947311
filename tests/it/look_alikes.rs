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

/// The Google Cloud SDK's published OAuth client secret, as every copied gcloud
/// configuration holds it, is not a leak; the refresh token beside it is.
#[test]
fn the_gcloud_sdk_client_secret_is_public_and_its_refresh_token_is_not() {
    let mut fk = Fake::new(1801);
    let refresh = format!("1//0{}", fk.chars(60, ALNUM));
    let t = Tree::new();
    t.write(
        "gcloud/adc.json",
        format!(
            "{{\n  \"client_id\": \"32555940559.apps.googleusercontent.com\",\n  \"client_secret\": \"{}\",\n  \"refresh_token\": \"{refresh}\",\n  \"type\": \"authorized_user\"\n}}\n",
            ["ZmssLNjJy2998", "hD4CTg2ejr2"].concat()
        ),
    );
    let (_, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), vec![4], "{got:?}");
}

/// A document listing a demo's login (`- Password: …`) is reported at low confidence; the
/// same password in a configuration snippet of the document, and SQL setting a password, at
/// medium.
#[test]
fn listed_logins_in_documents_are_low_and_sql_passwords_medium() {
    let mut fk = Fake::new(1802);
    let (a, b, c) = (fk.chars(12, ALNUM), fk.chars(12, ALNUM), fk.chars(12, ALNUM));
    let t = Tree::new();
    t.write(
        "README.md",
        format!("Log in with\n\n- Username: `admin`\n- Password: `{a}`\n\n```yaml\n  - POSTGRES_PASSWORD={b}\n```\n"),
    );
    t.write("init.sql", format!("CREATE USER app WITH PASSWORD '{c}';\n"));
    let (_, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(got, vec![f("password-assignment", "README.md", 7), f("sql-password", "init.sql", 1)]);
    let (_, low, _) = found(&t, &["scan", ".", "--format", "json", "--min-confidence", "low"]);
    assert!(low.contains(&f("password-assignment", "README.md", 4)), "{low:?}");
}
