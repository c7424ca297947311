//! Built-in validators that a rule names with `check = "…"`: structure a regex cannot express.
//!
//! - `jwt`: a JSON Web Token's header must decode (base64url) to a JSON object with `alg`, and
//!   its payload to a JSON object.
//! - `generic`: a generic `name = value` assignment must not name a public or identifying value
//!   (`public_key`, `token_url`, `key_id`) and its value must look random rather than be a
//!   reference, path or identifier (`config.apiKey`, `./keys/app.pem`, `SOME_CONSTANT`).
//! - `crc32-base62`: the last 6 characters are a base62 CRC32 of the 30 before them (GitHub, npm).
//! - `pypi-macaroon`: the body after `pypi-` is a base64url libmacaroons v2 binary macaroon.
//! - `gitlab-routable`: a GitLab routable token's base36 CRC32 and base64url routing payload.
//! - `url-password`: a URL's password, [percent-decoded and judged](crate::matcher::password::url_password_ok).
//! - `plain-key` / `encrypted-key`: a PEM private key is (not) [encrypted](crate::matcher::pem).
//! - `basic-auth`: [HTTP Basic credentials](crate::matcher::basic_auth) decoded and judged.
//! - `password-hash`: a [password hash](crate::matcher::password_hash) in a known format.
//! - `password`: the [password judge](crate::matcher::password): under the recogniser's name
//!   for name-gated rules, as a literal password for a rule whose format says it is one.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::matcher::password;
use crate::matcher::randomness::looks_random;
use crate::rules::{CheckKind, Confidence};

const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How far before a value the name of a generic assignment is looked for.
const NAME_REACH: usize = 96;

/// What the recogniser said about a name-gated match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The assignment's name.
    pub name: std::ops::Range<usize>,
    /// The value was quoted.
    pub quoted: bool,
    /// The blob is source code (see [`crate::matcher::named::is_code_path`]).
    pub code: bool,
    /// The blob is a prose document (see [`crate::matcher::named::is_prose_path`]).
    pub prose: bool,
    /// The blob is a translation catalog (see [`crate::matcher::named::is_translation_path`]).
    pub catalog: bool,
    /// The value came after HTTP `Basic` (its base64 is judged as Basic credentials).
    pub basic: bool,
    /// More words follow the value on its line (see [`crate::matcher::named::followed`]).
    pub followed: bool,
}

impl Named {
    /// How the value was written, for the password and secret-key judges.
    fn context(&self) -> password::Context {
        password::Context { quoted: self.quoted, code: self.code, followed: self.followed }
    }
}

/// What a check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not a credential: drop the match.
    Drop,
    /// Keep it, with this confidence instead of the rule's (None: the rule's).
    Keep(Option<Confidence>),
}

/// Runs a check on a match: `hay` is the blob, `secret` the span of the `secret` group.
///
/// The generic check reads the assignment's name from the text before the value, which may
/// begin before the regex match (the regex starts at its keyword, in the middle of
/// `public_key`).
///
/// `named` describes the assignment when the recogniser found it (name-gated rules).
pub fn judge(kind: CheckKind, hay: &[u8], secret: std::ops::Range<usize>, named: Option<&Named>) -> Outcome {
    let name = named.map(|n| n.name.clone());
    let keep_if = |ok: bool| if ok { Outcome::Keep(None) } else { Outcome::Drop };
    match kind {
        CheckKind::Jwt => keep_if(jwt(&hay[secret])),
        CheckKind::BasicAuth => super::basic_auth::judge(&hay[secret]),
        CheckKind::UrlPassword => {
            if !password::url_password_ok(&hay[secret.clone()]) || at_follows_in_authority(hay, secret.end) {
                return Outcome::Drop;
            }
            let decoded: Vec<u8> = percent_encoding::percent_decode(&hay[secret]).collect();
            literal(password::judge_literal(&decoded))
        }
        CheckKind::PlainKey => {
            keep_if(!super::pem::encrypted(&hay[secret.clone()]) && super::pem::plausible(&hay[secret]))
        }
        CheckKind::EncryptedKey => {
            keep_if(super::pem::encrypted(&hay[secret.clone()]) && super::pem::plausible(&hay[secret]))
        }
        CheckKind::PasswordHash => keep_if(super::password_hash::is_password_hash(&hay[secret])),
        CheckKind::SecretKey => match named {
            Some(n) if !n.catalog => super::secret_key::judge(&hay[n.name.clone()], &hay[secret], n.context())
                .map_or(Outcome::Drop, |c| Outcome::Keep(Some(c))),
            _ => Outcome::Drop,
        },
        CheckKind::Password if is_public_by_design(&hay[secret.clone()]) => Outcome::Drop,
        CheckKind::Password => match named {
            // a translation catalog's `"Password": "Contraseña"` is the word, in Spanish
            Some(n) if n.catalog => Outcome::Drop,
            Some(n) => {
                let ctx = n.context();
                // a document listing a demo's login (`- Password: \`root\``) describes it
                let listed = n.prose && super::named::is_list_label(hay, n.name.start);
                password::judge(&hay[n.name.clone()], &hay[secret], ctx)
                    .map_or(Outcome::Drop, |c| Outcome::Keep(Some(if listed { Confidence::Low } else { c })))
            }
            // a rule whose format says the value is a password (`.netrc`, `.pgpass`)
            None => literal(password::judge_literal(&hay[secret])),
        },
        // `Authorization: Basic …` is authorization-basic-credentials' to report; Basic
        // credentials under other names (`AUTH_HEADER: "Basic …"`), and the base64
        // `user:password` that Docker's `"auth"` and npm's `_auth` hold, are judged the same way
        CheckKind::Generic
            if named.is_some_and(|n| {
                n.basic
                    || is_auth_name(&hay[n.name.clone()]) && super::basic_auth::is_user_password(&hay[secret.clone()])
            }) =>
        {
            let name = named.map(|n| hay[n.name.clone()].to_ascii_lowercase()).unwrap_or_default();
            if memchr::memmem::find(&name, b"authorization").is_some() {
                Outcome::Drop
            } else {
                super::basic_auth::judge(&hay[secret])
            }
        }
        CheckKind::Generic => {
            // (a recognised name with a few bytes before it: `Public Key:` is two words)
            let name = name.map_or(secret.start.saturating_sub(NAME_REACH)..secret.start, |n| {
                n.start.saturating_sub(16).max(line_start(hay, n.start))..n.end
            });
            let value = &hay[secret.clone()];
            if !(generic_name_ok(&hay[name.clone()]) && generic_value_ok(value)) {
                return Outcome::Drop;
            }
            // (an OAuth 1 consumer key is the client's identifier; its secret is the credential)
            let consumer = || hay[name].windows(8).any(|w| w.eq_ignore_ascii_case(b"consumer"));
            // a UUID is far more often an identifier (`translation_key`, `object_key`) than a key
            let strong = (generic_value_strong(value) || short_value_strong(value) && !consumer()) && !is_uuid(value);
            Outcome::Keep(Some(if strong { Confidence::Medium } else { Confidence::Low }))
        }
        CheckKind::Crc32Base62 => {
            Outcome::Keep(Some(if crc32_base62_valid(&hay[secret]) { Confidence::High } else { Confidence::Low }))
        }
        CheckKind::PypiMacaroon => {
            Outcome::Keep(Some(if pypi_macaroon_valid(&hay[secret]) { Confidence::High } else { Confidence::Low }))
        }
        CheckKind::GitlabRoutable => match gitlab_routable(&hay[secret]) {
            None => Outcome::Keep(None),
            Some(true) => Outcome::Keep(Some(Confidence::High)),
            Some(false) => Outcome::Keep(Some(Confidence::Low)),
        },
    }
}

/// The offset where the line holding `at` starts.
fn line_start(hay: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &hay[..at]).map_or(0, |i| i + 1)
}

/// Another `@` in the URL's authority after the password's `@` (`user:not-re@l@host`): the
/// password the regex stopped at is only its first part, and the whole value was refused
/// (a placeholder, or the host is a documentation domain).
fn at_follows_in_authority(hay: &[u8], end: usize) -> bool {
    hay.get(end + 1..)
        .unwrap_or_default()
        .iter()
        .take(256)
        .take_while(|b| {
            !matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>') && !b.is_ascii_whitespace()
        })
        .any(|&b| b == b'@')
}

/// A literal password's verdict as an outcome: the rule's confidence, or low for the commonest
/// non-passwords (`password` itself, a translated label).
fn literal(verdict: Option<Confidence>) -> Outcome {
    match verdict {
        None => Outcome::Drop,
        Some(Confidence::Low) => Outcome::Keep(Some(Confidence::Low)),
        Some(_) => Outcome::Keep(None),
    }
}

/// `auth` or `_auth` (any case): the name Docker and npm give base64 `user:password`.
fn is_auth_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"auth") || name.eq_ignore_ascii_case(b"_auth")
}

/// `pypi-` + base64url (unpadded) of a macaroon in the libmacaroons v2 binary format.
///
/// PyPI documents its API tokens as macaroons prefixed with `pypi-`; libmacaroons'
/// `doc/format.txt` gives the v2 grammar checked here:
///
/// ```text
/// macaroon: VERSION opt_location IDENTIFIER EOS caveats EOS SIGNATURE
/// caveat:   opt_location IDENTIFIER opt_vid EOS
/// ```
///
/// VERSION is the byte 2 and EOS the byte 0; every other field is a varint field type
/// (LOCATION 1, IDENTIFIER 2, VID 4, SIGNATURE 6), a varint length and that many bytes. The
/// signature is an HMAC-SHA256 (32 bytes) and is the last thing in the token.
pub fn pypi_macaroon_valid(token: &[u8]) -> bool {
    let Some(body) = token.strip_prefix(b"pypi-") else { return false };
    match B64URL.decode(body) {
        Ok(bytes) => macaroon_v2_valid(&bytes),
        Err(_) => false,
    }
}

/// libmacaroons v2 field types.
const MAC_EOS: u64 = 0;
const MAC_LOCATION: u64 = 1;
const MAC_IDENTIFIER: u64 = 2;
const MAC_VID: u64 = 4;
const MAC_SIGNATURE: u64 = 6;

/// A reader over a v2 binary macaroon.
struct MacReader<'a> {
    buf: &'a [u8],
}

impl<'a> MacReader<'a> {
    /// An unsigned LEB128 varint (protocol-buffers style), at most 10 bytes.
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for (i, &b) in self.buf.iter().enumerate().take(10) {
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                self.buf = &self.buf[i + 1..];
                return Some(value);
            }
        }
        None
    }

    /// The type of the next field, without consuming it.
    fn peek_type(&self) -> Option<u64> {
        MacReader { buf: self.buf }.varint()
    }

    /// Consumes an EOS.
    fn eos(&mut self) -> Option<()> {
        (self.varint()? == MAC_EOS).then_some(())
    }

    /// Consumes a field of type `want` and returns its content.
    fn field(&mut self, want: u64) -> Option<&'a [u8]> {
        if self.varint()? != want {
            return None;
        }
        let len = usize::try_from(self.varint()?).ok()?;
        if len > self.buf.len() {
            return None;
        }
        let (content, rest) = self.buf.split_at(len);
        self.buf = rest;
        Some(content)
    }

    /// Consumes a field of type `want` if it comes next.
    fn optional(&mut self, want: u64) -> Option<Option<&'a [u8]>> {
        if self.peek_type()? == want { self.field(want).map(Some) } else { Some(None) }
    }
}

/// The libmacaroons v2 binary grammar, with a 32-byte signature ending the data.
pub fn macaroon_v2_valid(bytes: &[u8]) -> bool {
    let parse = || -> Option<()> {
        let (&version, rest) = bytes.split_first()?;
        if version != 2 {
            return None;
        }
        let mut r = MacReader { buf: rest };
        r.optional(MAC_LOCATION)?;
        r.field(MAC_IDENTIFIER)?;
        r.eos()?;
        while r.peek_type()? != MAC_EOS {
            r.optional(MAC_LOCATION)?;
            r.field(MAC_IDENTIFIER)?;
            r.optional(MAC_VID)?;
            r.eos()?;
        }
        r.eos()?;
        let signature = r.field(MAC_SIGNATURE)?;
        (signature.len() == 32 && r.buf.is_empty()).then_some(())
    };
    parse().is_some()
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix_` + 30 random characters + 6 characters of base62 CRC32 over those 30 (left-padded
/// with `0`), as GitHub documents for its tokens and npm uses for `npm_` tokens.
pub fn crc32_base62_valid(token: &[u8]) -> bool {
    let Some(us) = token.iter().rposition(|&b| b == b'_') else { return false };
    let body = &token[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    let mut crc = crc32fast::hash(random);
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = BASE62[(crc % 62) as usize];
        crc /= 62;
    }
    crc == 0 && enc == check
}

/// A number written in lower-case base36 (`0-9a-z`), as GitLab writes the fields of a routable
/// token's suffix.
fn base36(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'z' => d - b'a' + 10,
            _ => return None,
        };
        acc.checked_mul(36)?.checked_add(u64::from(v))
    })
}

/// A GitLab routable token, as GitLab's Cells "Routable Tokens" design document specifies it:
///
/// ```text
/// <prefix><base64-payload>.<token-version>.<base64-payload-length><crc32>
/// ```
///
/// - `<token-version>`: 2 base36 characters (an earlier revision of the document had no version;
///   that form, `<prefix><base64-payload>.<base64-payload-length><crc32>`, is accepted too);
/// - `<base64-payload-length>`: 2 base36 characters, 27..=300;
/// - `<crc32>`: 7 base36 characters (zero-padded), the CRC32 of everything before them, prefix
///   included;
/// - `<base64-payload>`: base64url of `<random-bytes><routing-payload><routing-payload-length>`,
///   at least 16 random bytes, a one-byte length (3..=159) and a routing payload of 1 to 10
///   lines `<key>:<base36 value>` (`c:` cell, `o:` organization, `g:`, `p:`, `u:`, `t:` …).
///
/// `None` when the token does not end in the routable suffix (a classic random token, which
/// carries no checksum); otherwise whether checksum and payload are valid.
pub fn gitlab_routable(token: &[u8]) -> Option<bool> {
    let n = token.len();
    if n < 10 || token[n - 10] != b'.' {
        return None;
    }
    let crc = base36(&token[n - 7..])?;
    let payload_len = base36(&token[n - 9..n - 7])?;
    let mut b64_end = n - 10;
    if b64_end >= 3 && token[b64_end - 3] == b'.' && base36(&token[b64_end - 2..b64_end]).is_some() {
        b64_end -= 3;
    }
    if u64::from(crc32fast::hash(&token[..n - 7])) != crc {
        return Some(false);
    }
    let Ok(payload_len) = usize::try_from(payload_len) else { return Some(false) };
    if !(27..=300).contains(&payload_len) || payload_len > b64_end {
        return Some(false);
    }
    let prefix = &token[..b64_end - payload_len];
    if !(prefix.is_empty() || prefix.ends_with(b"-")) {
        return Some(false);
    }
    let Ok(payload) = B64URL.decode(&token[b64_end - payload_len..b64_end]) else { return Some(false) };
    Some(routing_payload_valid(&payload))
}

/// `<random-bytes><routing-payload><routing-payload-length>` of a routable token.
fn routing_payload_valid(payload: &[u8]) -> bool {
    let Some((&len, rest)) = payload.split_last() else { return false };
    let len = usize::from(len);
    if !(3..=159).contains(&len) || rest.len() < 16 + len {
        return false;
    }
    let routing = &rest[rest.len() - len..];
    let lines = routing.split(|&b| b == b'\n');
    let mut count = 0;
    for line in lines {
        count += 1;
        let ok = line.len() >= 3
            && line[0].is_ascii_lowercase()
            && line[1] == b':'
            && line[2..].iter().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
        if !ok {
            return false;
        }
    }
    (1..=10).contains(&count)
}

/// A random-looking generic value long enough to be reported at medium confidence (shorter
/// ones, such as typical passwords, are low).
pub fn generic_value_strong(v: &[u8]) -> bool {
    v.len() >= 20
}

/// A 16- to 19-character token of upper case, lower case and digits that reads as random (a
/// bootstrap token, an app key): as strong as a 20-character one. Base64 with padding is an
/// encoding of something shorter, not a token.
fn short_value_strong(v: &[u8]) -> bool {
    (16..20).contains(&v.len())
        && !v.ends_with(b"=")
        && v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().filter(|b| b.is_ascii_digit()).count() >= 2
        && super::randomness::looks_random(v)
}

fn decode_json_object(part: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = B64URL.decode(part).ok()?;
    match serde_json::from_slice::<serde_json::Value>(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// A JWT: `header.payload.signature`, header JSON with a string `alg`, payload a JSON object.
pub fn jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Some(header) = decode_json_object(h) else {
        return false;
    };
    let Some(alg) = header.get("alg").and_then(|a| a.as_str()) else { return false };
    // NATS signs its account and user JWTs with nkeys (`ed25519-nkey`, v1 `ed25519`): they are
    // public claims the server checks against a challenge signed with the seed, not bearer tokens
    // (https://docs.nats.io/running-a-nats-service/nats_admin/security/jwt)
    !alg.eq_ignore_ascii_case("ed25519-nkey") && !alg.eq_ignore_ascii_case("ed25519") && decode_json_object(p).is_some()
}

/// Name suffixes that say the value identifies or describes a secret rather than being one.
const NAME_SUFFIXES: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "url",
    "uri",
    "path",
    "file",
    "dir",
    "type",
    "size",
    "length",
    "len",
    "prefix",
    "format",
    "field",
    "header",
    "count",
    "version",
    "ttl",
    "expiry",
    "expires",
    "timeout",
    "env",
    "var",
    "hint",
    "keywords",
    "words",
    "signature",
    "hash",
];

/// The assignment's name (the text before the value) is one that holds a secret.
pub fn generic_name_ok(prefix: &[u8]) -> bool {
    let trimmed = prefix.iter().rposition(|b| b.is_ascii_alphanumeric()).map(|i| &prefix[..=i]).unwrap_or_default();
    let start = trimmed
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' || *b == b'.'))
        .map_or(0, |i| i + 1);
    let name = trimmed[start..].to_ascii_lowercase();
    let name = String::from_utf8_lossy(&name);
    if name.contains("public") || name.contains("publishable") || name.contains("websocket") {
        return false;
    }
    // a name written as words (`Public Key: …` in a comment or a listing): the word before counts
    if let Some(before) = trimmed[..start].strip_suffix(b" ") {
        let from = before.iter().rposition(|b| !b.is_ascii_alphanumeric()).map_or(0, |i| i + 1);
        if matches!(before[from..].to_ascii_lowercase().as_slice(), b"public" | b"publishable" | b"pub") {
            return false;
        }
    }
    // `bobPubKeyHex`, `pub_key`; `author`, `authorship_tag` only look like `auth`
    let words = password::words(&trimmed[start..]);
    // (and a digest or a fingerprint of a key is computed from it, not the key:
    // `KEY_S256_DIGEST_B64URL`, `cert_thumbprint`)
    if words.iter().any(|w| {
        matches!(
            w.as_str(),
            "pub" | "author" | "authors" | "authorship" | "digest" | "thumbprint" | "fingerprint" | "checksum"
        )
    }) {
        return false;
    }
    // tokens that page through an API's answers or guard a form, not credentials:
    // `nextPageToken`, `NextToken` (every AWS list call), `continuation_token`, `cursorToken`,
    // `syncToken`, `csrf_token`, `X-XSRF-TOKEN`
    if words.last().is_some_and(|w| w == "token")
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "page"
                    | "pagination"
                    | "continuation"
                    | "cursor"
                    | "next"
                    | "prev"
                    | "previous"
                    | "resume"
                    | "sync"
                    | "csrf"
                    | "xsrf"
            )
        })
    {
        return false;
    }
    // WebAuthn's `authenticatorData` (public, signed by the authenticator): `auth` is the only
    // credential word in the name, and it is part of `authenticator`
    if words.iter().any(|w| w == "authenticator")
        && !words.iter().any(|w| matches!(w.as_str(), "secret" | "key" | "token" | "password" | "seed"))
    {
        return false;
    }
    let last = name.rsplit(['_', '-', '.']).next().unwrap_or_default();
    let camel_tail = camel_tail(&trimmed[start..]);
    !NAME_SUFFIXES.iter().any(|s| last == *s || camel_tail.as_deref() == Some(*s))
}

/// The last camelCase word of an identifier, lower-cased (`apiKeyId` -> `id`).
fn camel_tail(ident: &[u8]) -> Option<String> {
    let pos = ident.iter().rposition(|b| b.is_ascii_uppercase())?;
    if pos == 0 {
        return None;
    }
    Some(String::from_utf8_lossy(&ident[pos..]).to_ascii_lowercase())
}

/// The value looks like a random credential, not a reference, path, identifier or word.
///
/// A light structural gate (a letter present; not a path, not `a.b.c` member access), then the
/// [excess surprisal](crate::matcher::randomness) of the value decides; placeholders were
/// already dropped by the global filter.
pub fn generic_value_ok(v: &[u8]) -> bool {
    if !v.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    if v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"../") || v.starts_with(b"~/") {
        return false;
    }
    if is_dotted_identifier(v) || is_path_with_extension(v) {
        return false;
    }
    // a NATS public nkey (user, account, operator, server, cluster, curve): 56 base32 characters
    if v.len() == 56
        && matches!(v[0], b'U' | b'A' | b'O' | b'N' | b'C' | b'X')
        && v.iter().all(|&b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        return false;
    }
    if is_public_by_design(v) {
        return false;
    }
    // a JWT is the jwt rule's to judge (it rejects unsigned `alg: none` tokens); a value that
    // starts with a dot is a fragment of one (`.eyJ…` with no header) or of a longer value
    if v.starts_with(b"eyJ") && v.iter().filter(|&&b| b == b'.').count() == 2 || v.starts_with(b".") {
        return false;
    }
    if crate::matcher::encoded_text::is_encoded_sample(v) {
        return false;
    }
    looks_random(v)
}

/// Keys that their providers publish in client-side code on purpose, so finding one is not a
/// leak: Stripe publishable keys (`pk_live_`, `pk_test_`; Clerk's publishable keys share the
/// prefix) and Mapbox public tokens (`pk.`).
///
/// - <https://docs.stripe.com/keys#obtain-api-keys> ("publishable keys … can be publicly
///   accessible in your web or mobile app's client-side code")
/// - <https://clerk.com/docs/deployments/clerk-environment-variables>
/// - <https://docs.mapbox.com/help/dive-deeper/access-tokens/> (public tokens start with `pk.`)
///
/// And the OAuth client secret of the Google Cloud SDK (`gcloud`), an installed application
/// whose client secret Google says "is obviously not treated as a secret"
/// (<https://developers.google.com/identity/protocols/oauth2#installed>): the SDK ships it in
/// its source, and every `gcloud auth login` writes it to `~/.config/gcloud` (`adc.json`,
/// `.boto`), so it is in every copied gcloud configuration.
pub fn is_public_by_design(v: &[u8]) -> bool {
    v.starts_with(b"pk_live_") || v.starts_with(b"pk_test_") || v.starts_with(b"pk.eyJ") || v == GCLOUD_CLIENT_SECRET
}

/// The Google Cloud SDK's published client secret (see [`is_public_by_design`]).
const GCLOUD_CLIENT_SECRET: &[u8] = b"ZmssLNjJy2998hD4CTg2ejr2";

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter()
            .enumerate()
            .all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { *b == b'-' } else { b.is_ascii_hexdigit() })
}

fn is_ident(s: &[u8]) -> bool {
    !s.is_empty() && !s[0].is_ascii_digit() && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
}

/// `config.apiKey`, `self.settings.token`: member access, not a value.
fn is_dotted_identifier(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| is_ident(p) && !p.iter().all(u8::is_ascii_digit))
        && parts.iter().skip(1).all(|p| p[0].is_ascii_alphabetic() || p[0] == b'_')
        && parts.iter().all(|p| p.len() < 40)
}

/// `keys/prod.json`, `certs/app.pem`: a path to a file, not a value.
fn is_path_with_extension(v: &[u8]) -> bool {
    if !v.contains(&b'/') {
        return false;
    }
    match v.iter().rposition(|&b| b == b'.') {
        Some(dot) => {
            let ext = &v[dot + 1..];
            (2..=5).contains(&ext.len()) && ext.iter().all(u8::is_ascii_lowercase)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_header_must_be_json_with_alg() {
        let enc = |s: &str| B64URL.encode(s);
        let good = format!("{}.{}.c2lnbmF0dXJl", enc(r#"{"alg":"HS256","typ":"JWT"}"#), enc(r#"{"sub":"1"}"#));
        assert!(jwt(good.as_bytes()));
        let no_alg = format!("{}.{}.c2ln", enc(r#"{"typ":"JWT"}"#), enc(r#"{"sub":"1"}"#));
        assert!(!jwt(no_alg.as_bytes()));
        assert!(!jwt(b"eyJub3Rqc29u.eyJhIjoxfQ.sig"));
    }

    #[test]
    fn crc32_checksums() {
        // GitHub's documented layout: 30 random characters, then their CRC32 in base62
        let body = "q8Zr1LmX0vT4kP9sWb2NcY7uH3jD5f";
        let mut crc = crc32fast::hash(body.as_bytes());
        let mut cs = String::new();
        for _ in 0..6 {
            cs.insert(0, BASE62[(crc % 62) as usize] as char);
            crc /= 62;
        }
        let good = format!("ghp_{body}{cs}");
        assert!(crc32_base62_valid(good.as_bytes()));
        assert!(crc32_base62_valid(format!("npm_{body}{cs}").as_bytes()));
        let mut bad = good.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!crc32_base62_valid(&bad));
        assert!(!crc32_base62_valid(b"ghp_short"));
        assert_eq!(judge(CheckKind::Crc32Base62, &bad, 0..bad.len(), None), Outcome::Keep(Some(Confidence::Low)));
    }

    /// Appends a v2 field: varint type, varint length, content.
    fn mac_field(out: &mut Vec<u8>, kind: u8, content: &[u8]) {
        out.push(kind);
        let mut n = content.len();
        while n >= 0x80 {
            out.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
        out.extend_from_slice(content);
    }

    /// A v2 macaroon for pypi.org with the given caveats and signature length.
    fn macaroon(caveats: &[&[u8]], sig_len: usize) -> Vec<u8> {
        let mut m = vec![2];
        mac_field(&mut m, 1, b"pypi.org");
        mac_field(&mut m, 2, b"0d3c2b1a-5e4f-4a6b-9c8d-7e6f5a4b3c2d");
        m.push(0);
        for c in caveats {
            mac_field(&mut m, 2, c);
            m.push(0);
        }
        m.push(0);
        let sig: Vec<u8> = (0..sig_len).map(|i| (i as u8).wrapping_mul(37).wrapping_add(11)).collect();
        mac_field(&mut m, 6, &sig);
        m
    }

    fn pypi(bytes: &[u8]) -> String {
        format!("pypi-{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    #[test]
    fn pypi_macaroons() {
        let long_caveat = format!(r#"{{"version":1,"permissions":{{"projects":["{}"]}}}}"#, "p".repeat(200));
        let caveats: [&[u8]; 2] = [br#"{"version":1,"permissions":"user"}"#, long_caveat.as_bytes()];
        let good = macaroon(&caveats, 32);
        let token = pypi(&good);
        assert!(token.starts_with("pypi-AgEIcHlwaS5vcmc"), "{token}");
        assert!(pypi_macaroon_valid(token.as_bytes()));
        assert_eq!(
            judge(CheckKind::PypiMacaroon, token.as_bytes(), 0..token.len(), None),
            Outcome::Keep(Some(Confidence::High))
        );
        assert!(pypi_macaroon_valid(pypi(&macaroon(&[], 32)).as_bytes()), "no caveats");

        // a third-party caveat: location, identifier and verification id
        let mut third = macaroon(&[], 32);
        let sig_at = third.len() - 34;
        let mut cav = Vec::new();
        mac_field(&mut cav, 1, b"https://auth.example");
        mac_field(&mut cav, 2, b"caveat-id");
        mac_field(&mut cav, 4, &[7; 48]);
        cav.push(0);
        third.splice(sig_at - 1..sig_at - 1, cav);
        assert!(macaroon_v2_valid(&third));

        // truncated: the signature cut short, or a field cut in the middle
        assert!(!macaroon_v2_valid(&good[..good.len() - 1]));
        assert!(!macaroon_v2_valid(&good[..40]));
        assert!(!pypi_macaroon_valid(pypi(&good[..good.len() - 3]).as_bytes()));
        // version byte flipped
        let mut v1 = good.clone();
        v1[0] = 1;
        assert!(!macaroon_v2_valid(&v1));
        // signature of the wrong length
        assert!(!macaroon_v2_valid(&macaroon(&caveats, 31)));
        assert!(!macaroon_v2_valid(&macaroon(&caveats, 33)));
        // trailing bytes after the signature
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(!macaroon_v2_valid(&trailing));
        // no identifier
        assert!(!macaroon_v2_valid(&[2, 1, 1, b'x', 0, 0, 6, 0]));
        // not base64url, or not a pypi token at all
        let bad = "pypi-AgEIcHlwaS5vcmc$$$$";
        assert!(!pypi_macaroon_valid(bad.as_bytes()));
        assert!(!pypi_macaroon_valid(b"AgEIcHlwaS5vcmc"));
        assert_eq!(
            judge(CheckKind::PypiMacaroon, bad.as_bytes(), 0..bad.len(), None),
            Outcome::Keep(Some(Confidence::Low))
        );
    }

    /// A routable token built as GitLab's design document specifies.
    fn routable(prefix: &str, routing: &str, versioned: bool) -> String {
        let mut raw: Vec<u8> = (0..16u8).map(|i| i.wrapping_mul(97).wrapping_add(13)).collect();
        raw.extend_from_slice(routing.as_bytes());
        raw.push(routing.len() as u8);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw);
        let to36 = |mut v: u64, w: usize| {
            let mut s = Vec::new();
            while v > 0 {
                s.push(BASE62[(v % 36) as usize].to_ascii_lowercase());
                v /= 36;
            }
            while s.len() < w {
                s.push(b'0');
            }
            s.reverse();
            String::from_utf8(s).unwrap()
        };
        let version = if versioned { ".01" } else { "" };
        let head = format!("{prefix}{b64}{version}.{}", to36(b64.len() as u64, 2));
        let crc = to36(u64::from(crc32fast::hash(head.as_bytes())), 7);
        format!("{head}{crc}")
    }

    #[test]
    fn gitlab_routable_tokens() {
        // the minimum-length example of GitLab's design document (no prefix, routing "o:1")
        assert_eq!(gitlab_routable(b"EL25d_AKXDUtqLnIQHEpkG86MQM.01.0r1ajj2i3"), Some(true));

        let pat = routable("glpat-", "c:1\no:2s\nu:9ix", true);
        assert_eq!(gitlab_routable(pat.as_bytes()), Some(true), "{pat}");
        assert_eq!(
            judge(CheckKind::GitlabRoutable, pat.as_bytes(), 0..pat.len(), None),
            Outcome::Keep(Some(Confidence::High))
        );
        let runner = routable("glrt-", "c:1\ng:3w\no:1\nt:2", true);
        assert_eq!(gitlab_routable(runner.as_bytes()), Some(true), "{runner}");
        let unversioned = routable("gldt-", "o:1\np:7b", false);
        assert_eq!(gitlab_routable(unversioned.as_bytes()), Some(true), "{unversioned}");

        // one character changed: the CRC no longer matches
        let mut bad = pat.clone().into_bytes();
        bad[10] = if bad[10] == b'A' { b'B' } else { b'A' };
        assert_eq!(gitlab_routable(&bad), Some(false));
        assert_eq!(judge(CheckKind::GitlabRoutable, &bad, 0..bad.len(), None), Outcome::Keep(Some(Confidence::Low)));
        // the checksum covers the prefix
        let other_prefix = format!("glptt-{}", &pat["glpat-".len()..]);
        assert_eq!(gitlab_routable(other_prefix.as_bytes()), Some(false));
        // a routing payload that is not `key:base36` lines, with a correct CRC
        assert_eq!(gitlab_routable(routable("glpat-", "o=1", true).as_bytes()), Some(false));
        assert_eq!(gitlab_routable(routable("glpat-", "o:1\nu:X", true).as_bytes()), Some(false));
        // classic random tokens have no checksum: the rule decides
        // (built at run time so that keyhound's scan of its own source stays clean)
        let classics = [format!("glpat-{}", "7rFxZiVv0Wy04PcuYRfB"), format!("glrt-{}", "t3_Qn8_ceAytDD4rNFAm9fn")];
        for classic in classics.iter().map(String::as_str).chain(["gldt-a.b"]) {
            assert_eq!(gitlab_routable(classic.as_bytes()), None, "{classic}");
            assert_eq!(
                judge(CheckKind::GitlabRoutable, classic.as_bytes(), 0..classic.len(), None),
                Outcome::Keep(None)
            );
        }
    }

    #[test]
    fn generic_names() {
        for ok in [
            "api_key = \"",
            "SECRET_KEY=",
            "\"apiKey\": \"",
            "self.auth_token = '",
            "password: ",
            "CSRF_SECRET=",
            "page_key=",
        ] {
            assert!(generic_name_ok(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "public_key = \"",
            "apiKeyId: \"",
            "token_url=",
            "secretName: ",
            "KEY_ID=",
            "stripePublishableKey: '",
            "\"nextPageToken\": \"",
            "\"NextToken\": \"",
            "\"authenticatorData\":\"",
            "continuation_token=",
            "csrf_token = '",
            "X-XSRF-TOKEN: ",
        ] {
            assert!(!generic_name_ok(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn generic_values() {
        for ok in ["q8Zr1LmX0vT4kP9sWb2N", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz", "3f9a1c7e0b2d4a6f9e8d7c6b5a4f3e2d"] {
            assert!(generic_value_ok(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "response.data.accessToken",
            "getAccessTokenFromEnvironment",
            "SOME_CONSTANT_NAME_HERE",
            "/etc/ssl/private/server",
            "config/secrets/production.json",
            "my-super-secret-value",
            "1234567890123456",
            "manifest.html#the-authors-field-optional",
            "target.x86_64-unknown-linux-gnu",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
            "libssh2_NB_state_created",
        ] {
            assert!(!generic_value_ok(bad.as_bytes()), "{bad}");
        }
    }
}
