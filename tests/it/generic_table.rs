//! The generic detector and the placeholder filter, table-driven over every kind of file
//! people commit: positives must be found (at medium confidence, so they are reported by
//! default), negatives must not be reported at all.

use keyhound::matcher::Detector;
use keyhound::rules::Confidence;
use keyhound::rules::load::{build, builtin_sources_for_scan};

use crate::common::Fake;

fn detector() -> Detector {
    Detector::new(build(builtin_sources_for_scan().unwrap(), &[]).unwrap()).unwrap()
}

/// Rule ids reported at medium confidence or above for `text`.
fn reported(det: &Detector, text: &str) -> Vec<String> {
    let mut m = det.matcher();
    m.scan(text.as_bytes())
        .into_iter()
        .filter(|r| r.confidence >= Confidence::Medium)
        .map(|r| det.rules().get(r.rule).id.clone())
        .collect()
}

#[test]
fn generic_positives_in_every_file_kind() {
    let det = detector();
    let mut fk = Fake::new(50);
    let cases: Vec<(&str, String)> = vec![
        ("python", "api_key = \"{v}\"".into()),
        ("javascript", "const apiKey = '{v}';".into()),
        ("go", "\tsecretKey := \"{v}\"".into()),
        ("java", "private static final String API_TOKEN = \"{v}\";".into()),
        ("ruby", "config.secret_key_base = \"{v}\"".into()),
        ("php", "    'api_key' => '{v}',".into()),
        ("rust", "let token = \"{v}\";".into()),
        ("csharp", "var clientSecret = \"{v}\";".into()),
        (".env", "STRIPE_SECRET={v}".into()),
        ("yaml", "  auth_token: {v}".into()),
        ("json", "{\"client_secret\": \"{v}\"}".into()),
        ("one-line json", "[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"api_key\":\"{v}\",\"x\":true}]".into()),
        ("toml", "password = \"{v}\"".into()),
        ("ini", "[db]\nsecret = {v}\n".into()),
        ("xml", "<config><apiKey>{v}</apiKey></config>".into()),
        ("properties", "app.auth.token={v}".into()),
        ("shell", "export ACCESS_TOKEN=\"{v}\"".into()),
        ("dockerfile", "ENV API_KEY={v}".into()),
        ("docker-compose", "    environment:\n      - SECRET_KEY={v}\n".into()),
        ("kubernetes", "      env:\n        - name: SERVICE_TOKEN\n          value: \"{v}\"\n".into()),
        ("terraform", "resource \"x\" \"y\" {\n  password = \"{v}\"\n}\n".into()),
        ("notebook", "   \"source\": [\n    \"api_key = \\\"{v}\\\"\\n\",\n".into()),
        ("minified js", "var a=1;var apiKey=\"{v}\";var b=2".into()),
    ];
    for (kind, tpl) in cases {
        let text = tpl.replace("{v}", &fk.generic());
        let got = reported(&det, &text);
        assert!(got.iter().any(|id| id.starts_with("generic-")), "{kind}: not found in {text:?} (got {got:?})");
    }
}

#[test]
fn generic_negatives_in_every_file_kind() {
    let det = detector();
    let uuid = "3f0e9b6c-2d4a-4b1e-9c7f-5a8d2e1b4c6f";
    let cases: Vec<(&str, String)> = vec![
        ("env var reference", "api_key = os.environ[\"API_KEY\"]".into()),
        ("env var reference js", "  apiKey: process.env.OPENAI_API_KEY,".into()),
        ("shell reference", "export TOKEN=\"${GITHUB_TOKEN}\"".into()),
        ("template", "  token: \"{{ .Values.apiToken }}\"".into()),
        ("ci secret", "      API_KEY: ${{ secrets.API_KEY }}".into()),
        ("function call", "secret_key = generate_secret_key(length=64)".into()),
        ("getter", "String token = request.getHeader(\"Authorization\");".into()),
        ("member access", "const token = response.data.accessTokenValue;".into()),
        ("terraform var", "  password = var.database_master_password".into()),
        ("file path", "key_file = \"/etc/ssl/private/server-2024.key\"".into()),
        ("relative path", "private_key_path: ./secrets/deploy_key_rsa.pem".into()),
        ("url", "auth_url = \"https://login.example.com/oauth2/v2.0/token\"".into()),
        ("version", "token_version: 1.22.3-alpha.1".into()),
        ("uuid id", format!("api_key_id = \"{uuid}\"")),
        ("request id", format!("request_token_id: {uuid}")),
        ("lock file", "checksum = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"".into()),
        (
            "npm lock",
            "\"integrity\": \"sha512-3dA1u8S3TQq5xkCNRkVjG8J0c0vM0Zr8Jc0pTnqUuS6Wv4yHc2x6uXJ1aXbF2N9Qk==\",".into(),
        ),
        ("words", "token = \"correct-horse-battery-staple\"".into()),
        ("snake words", "password: not_a_real_password_value".into()),
        ("placeholder", "api_key: \"<YOUR_API_KEY>\"".into()),
        ("changeme", "DB_PASSWORD=changeme".into()),
        ("xxx", "SECRET_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".into()),
        ("sequential", "SECRET_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCD".into()),
        ("constant name", "TOKEN_ENV_VAR = \"GITHUB_ACCESS_TOKEN_FOR_CI\"".into()),
        ("public key", "stripe_publishable_key = \"pk_live_51Hd2sKLm8XqRw3vTyZpA9bCdEfGh\"".into()),
        ("dockerfile arg", "ARG API_KEY\nENV API_KEY=$API_KEY".into()),
        (
            "k8s secretKeyRef",
            "        - name: API_KEY\n          valueFrom:\n            secretKeyRef: {name: app, key: api}".into(),
        ),
        ("aws example", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into()),
        ("identifier", "channel->req_auth_agent_state = libssh2_NB_state_created;".into()),
        ("target triple", "[WARNING] unused manifest key: target.x86_64-unknown-linux-gnu.linker".into()),
    ];
    for (kind, text) in cases {
        let got = reported(&det, &text);
        assert!(got.is_empty(), "{kind}: {text:?} reported as {got:?}");
    }
}

#[test]
fn short_or_weak_generic_values_are_low_confidence() {
    let det = detector();
    let mut m = det.matcher();
    // (under a password name the password detector judges it: medium, see accuracy_cases)
    let found = m.scan(b"api_token = \"zx8#kq2!mw9pl4vr\"\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].confidence, Confidence::Low);
    // 16 to 19 characters of upper case, lower case and digits that read as random: medium;
    // base64 with padding (an encoding of 11 bytes), or an OAuth 1 consumer key: low
    let token = ["7Q11Vz6R", "2J6BLAdO"].concat();
    for (text, want) in [
        (format!("BOOTSTRAP_TOKEN={token}\n"), Confidence::Medium),
        (format!("client_key_data: {}=\n", &token[..15]), Confidence::Low),
        (format!("consumerKey: {token}\n"), Confidence::Low),
    ] {
        let found = m.scan(text.as_bytes());
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].confidence, want, "{text}");
    }
}
