//! The password judge: is a value that the [recogniser](crate::assign) found under a
//! password-like name a literal password, and how sure are we?
//!
//! Real passwords are short and punctuated (`super$ecret`, `postgres`, `Tr0ub4dor&3`), so
//! neither length nor entropy can tell them from the rest. What can is everything a password
//! field holds when it is *not* a password: placeholders (`<password>`, `[PASSWORD]`,
//! `your-password`, `changeme`, `****`), references (`${DB_PASS}`, `$PASS`, `%(pw)s`,
//! `{{ .Values.pw }}`, `@PASSWORD@`, `env("PW")`, `secrets.PW`), values that are the name
//! again or a type (`password: string`, `type="password"`), booleans and nulls, prompts and
//! labels (`"Enter your password:"`), paths and URLs, and in source code an unquoted
//! identifier (`password = form.password`). A value that is none of these under a strong
//! name (password, passwd, pwd, pass, passphrase, secret) is a finding at medium confidence,
//! weak defaults such as `postgres` included (they are real credentials, and the commonest);
//! under a weaker name (`credentials`, `pw`), or when the value reads as a translated label
//! (`password=Contraseña`), it is low.

use crate::rules::Confidence;

/// Values that fill a password field without being a password (compared lower-cased).
#[rustfmt::skip]
const NOT_PASSWORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "null", "nil", "none", "undefined", "empty", "blank", "n/a", "na",
    "string", "str", "text", "bool", "boolean", "int", "integer", "number", "char", "bytes", "byte", "object", "any",
    "secrets", "passwd", "pwd", "passphrase", "credential", "credentials", "foobar", "foobarbaz", "hashed", "encrypted", "plain",
    "plaintext", "bcrypt", "argon2", "sha256", "md5", "function", "typeof", "basic", "bearer", "digest", "foo", "bar", "baz", "qux", "quux", "header", "all", "hidden", "masked", "required",
    "optional", "securestring", "secretstr", "secretstring", "varchar", "changeme", "changeit", "change_me",
    "change-me", "replaceme", "todo", "tbd", "fixme", "redacted", "removed", "omitted", "hunter2", "default",
    "value", "new", "old", "current", "confirm", "random", "generated", "prompt", "input", "env", "file", "stdin",
    "unset", "notset", "not_set", "sensitive", "protected", "test", "path", "environment",
];

/// Fragments that mark a placeholder or a reference anywhere in the value (lower-cased).
#[rustfmt::skip]
const PLACEHOLDER_PARTS: &[&str] = &[
    "${", "{{", "}}", "$(", "#{", "%(", "<%", "[[", "your", "example", "placeholder", "changeme", "change_me",
    "change-me", "xxxx", "****", "...", "\u{2022}", "\u{2026}", "getenv", "os.environ", "environ[", "environ.get",
    "process.env", "secrets.",
    "vault:", "ssm:", "secretsmanager", "keyvault", "lookup(", "env(", "env[", "env.", "settings.", "config.",
    "params.", "values.", "request.", "args.", "options.", "self.", "this.", "input(", "_here", "-here", "insert",
    "replace", "dummy", "fake", "sample", "redacted", "enter ", "not-a-real", "notreal", "not_real", "not-real",
];

/// The value with the usual letter-for-symbol swaps undone (`not-re@l` -> `not-real`,
/// `y0ur` -> `your`), so a placeholder written playfully is still one.
fn unleet(lower: &str) -> String {
    lower
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '3' => 'e',
            '0' => 'o',
            '1' | '!' => 'i',
            '$' | '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

/// How the value was written and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The value was a quoted string.
    pub quoted: bool,
    /// The file is source code (an unquoted value there is an expression, not a literal).
    pub code: bool,
    /// More words follow an unquoted value on its line (prose, or an expression).
    pub followed: bool,
}

/// How strongly a name says "password".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameStrength {
    /// Not a password name (or one that describes a password: `password_length`).
    None,
    /// `pass`, `secret`, `credentials`: usually, not always, a password.
    Weak,
    /// `password`, `passwd`, `pwd`, `passphrase`.
    Strong,
}

/// Words after a password word that make the name describe a password instead of holding one.
#[rustfmt::skip]
const DESCRIBING_WORDS: &[&str] = &[
    "length", "len", "min", "max", "policy", "policies", "field", "fields", "label", "prompt", "hint", "regex",
    "pattern", "reset", "forgot", "expiry", "expires", "expiration", "expired", "age", "changed", "enabled",
    "required", "mode", "strategy", "encoder", "validator", "validation", "command", "cmd", "file", "path", "dir",
    "url", "uri", "id", "name", "type", "env", "var", "key", "ref", "secret", "error", "message", "msg", "text",
    "input", "form", "view", "button", "link", "page", "title", "placeholder", "visible", "show", "hidden", "toggle",
    "strength", "rules", "complexity", "history", "count", "attempts", "retries", "lock", "locked", "timeout", "ttl",
    "salt", "rounds", "iterations", "algorithm", "algo", "format", "mask", "char", "chars", "charset", "hash",
    "hashed", "digest", "encrypted", "callback", "provider", "handler", "manager", "service", "store", "storage",
    "source", "helper", "less", "auth", "authentication", "login", "grant", "flow", "sync", "change", "update",
    "verify", "check", "match", "matches", "valid", "invalid", "set", "get", "is", "has", "use", "encryption",
    "hasher", "hashers", "broker", "brokers", "resets", "version", "manage", "management", "generator",
    "generate", "encode", "encoder", "decode", "prefix", "suffix", "alg", "assignment", "scheme", "schemes", "attr", "attrs", "attribute", "attributes",
    "map", "maps",
];

/// Words that make a value a placeholder when it also names a password (`the_password`,
/// `some_pass`, `my_private_password`, `your-secret`).
#[rustfmt::skip]
const DETERMINERS: &[&str] = &[
    "the", "some", "my", "your", "our", "any", "this", "that", "a", "an", "enter", "insert", "sample", "dummy",
    "fake",
];

/// Words before a password word that make the name describe a password rather than hold one
/// (`forgot_password`, `show_password`, `min_password`, `existingSecret`, `configFromSecret`).
#[rustfmt::skip]
const NOT_NAMING: &[&str] = &[
    "forgot", "show", "min", "max", "reset", "toggle", "is", "has", "use", "no", "existing", "from", "ref", "for", "avoid",
];

/// Splits an identifier into lower-case words (`dbPassword_min` -> db, password, min).
pub fn words(name: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for &b in name {
        if b.is_ascii_alphanumeric() {
            if b.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            cur.push(b.to_ascii_lowercase() as char);
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// How strongly `name` says the value is a password.
pub fn name_strength(name: &[u8]) -> NameStrength {
    let w = words(name);
    let Some(last) = w.iter().rposition(|x| password_word(x) != NameStrength::None) else {
        return NameStrength::None;
    };
    // a password word followed by a describing word: `password_length`, `passwordField`
    if w[last + 1..].iter().any(|x| DESCRIBING_WORDS.contains(&x.as_str())) {
        return NameStrength::None;
    }
    // a describing word before: `new_password`, `confirm_password`, `password_reset` stay
    // passwords when literal; but `forgot_password`, `show_password`, `min_password` describe
    // (`existingSecret`, `configFromSecret` name a secret object)
    if w[..last].iter().any(|x| NOT_NAMING.contains(&x.as_str())) {
        return NameStrength::None;
    }
    // a one-time password (`AMROneTimePassword = "otp"`, `one_time_password`) is a code that
    // expires in seconds, not a credential to leak
    // (`AMROneTimePassword` splits into `amrone`, `time`, `password`)
    if w[..last].concat().ends_with("onetime") {
        return NameStrength::None;
    }
    // `bind_pw`, `DB_PW`: after another word `pw` is a password's name; alone it is as often
    // a power, a page width or a playwright handle
    if w[last] == "pw" && last > 0 {
        return NameStrength::Strong;
    }
    password_word(&w[last])
}

/// Adjectives that describe the password a test or a document means (`wrongpassword`,
/// `strongpassword`, a secret key that is `valid`) instead of being one.
#[rustfmt::skip]
pub const DESCRIPTIVE_WORDS: &[&str] = &[
    "wrong", "bad", "invalid", "valid", "correct", "incorrect", "strong", "weak", "good", "right", "other", "another",
    "new", "old", "current", "real", "secure", "insecure", "long", "short", "random",
];

/// The words that only ever name a password.
const CANONICAL_WORDS: &[&str] =
    &["password", "passwd", "pwd", "pass", "passphrase", "secret", "credential", "credentials", "pw", "passw", "pword"];

/// Whether the value word `w` names the password instead of being one: a canonical password
/// word, the name's words glued together, or a canonical word after another, after a
/// describing adjective or after a word of the name (`dbpassword` under `DB_PASSWORD`,
/// `secretpassword`, `wrongpassword`), but not after another word (`testpassword`). A word of the name alone is a password (`postgres` under
/// `POSTGRES_PASSWORD` is the default that ships).
fn names_itself(w: &str, name_words: &[String]) -> bool {
    let in_name = |part: &str| name_words.iter().any(|n| n == part);
    CANONICAL_WORDS.contains(&w)
        || name_words.concat() == w
        || CANONICAL_WORDS.iter().any(|c| {
            w.strip_suffix(c).is_some_and(|rest| {
                rest.is_empty()
                    || CANONICAL_WORDS.contains(&rest)
                    || DESCRIPTIVE_WORDS.contains(&rest)
                    // (`adminpassword` under `admin_password`; `adminsecret` there is a password)
                    || in_name(rest) && in_name(c)
            })
        })
}

fn password_word(w: &str) -> NameStrength {
    match w {
        "password" | "passwd" | "pwd" | "passphrase" | "passwort" | "passw" | "pword" | "dbpassword" | "dbpass"
        | "adminpassword" | "rootpassword" | "userpassword" | "mysqlpassword" | "pgpassword" | "keystorepassword"
        | "storepass" | "keypass" | "truststorepassword" => NameStrength::Strong,
        "pass" | "secret" => NameStrength::Strong,
        // `NOPASSWD`, and file names: `.htpasswd` holds hashes, `/etc/passwd` none
        "nopasswd" | "nopassword" | "htpasswd" | "htdigest" => NameStrength::None,
        "passwords" | "credential" | "credentials" | "pw" => NameStrength::Weak,
        _ if w.ends_with("password") || w.ends_with("passwd") => NameStrength::Strong,
        // one word ending in `secret` (`DEVSECRET`, `clientsecret`, `challenge47secret`), unless
        // what comes before describes it (`nosecret`, `showsecret`, `existingsecret`)
        _ if w.strip_suffix("secret").is_some_and(|rest| rest.len() >= 2 && !NOT_NAMING.contains(&rest)) => {
            NameStrength::Strong
        }
        _ => NameStrength::None,
    }
}

/// The confidence of `value` as a password under `name`, or `None` if it is not one.
pub fn judge(name: &[u8], value: &[u8], ctx: Context) -> Option<Confidence> {
    let strength = name_strength(name);
    if strength == NameStrength::None || !value_ok(value, ctx) {
        return None;
    }
    // a translated label (`password=Contraseña`, `password=Wachtwoord`) or one capitalised word
    let label = !value.is_ascii()
        || value[0].is_ascii_uppercase() && value[1..].iter().all(u8::is_ascii_lowercase) && !ctx.quoted;
    // the name as its own value (`password: password`): the commonest password, and the
    // commonest placeholder
    // (`dbpassword` under `DB_PASSWORD`, `secretpassword`; `testpassword` and `rootpassword`
    // under `password` are weak passwords, not the name)
    let name_words = words(name);
    let self_named = words(value).iter().all(|w| names_itself(w, &name_words)) && !typed(value, ctx);
    // under `secret` (not a password word), one lower-case word is as often a mode or a
    // resource name (`"secret": "filter"`) as a password
    // (and under `pass` alone: a lint pass, a test that passes, `--pass=early`; `account-pass`
    // and `pfx_pass` name a password)
    let word_under_secret = (name_words.iter().any(|w| w.ends_with("secret")) || name_words == ["pass"])
        && !name_words
            .iter()
            .any(|w| !w.ends_with("secret") && w != "pass" && password_word(w) == NameStrength::Strong)
        && value.iter().all(u8::is_ascii_lowercase)
        && value.len() <= 10;
    // `test5`, `test46`: the filler word with a counter, as a test suite numbers its values
    let counted_filler = (5..=6).contains(&value.len())
        && value[..4].eq_ignore_ascii_case(b"test")
        && value[4..].iter().all(u8::is_ascii_digit);
    let medium = strength == NameStrength::Strong && !label && !self_named && !word_under_secret && !counted_filler;
    Some(if medium { Confidence::Medium } else { Confidence::Low })
}

/// Whether a literal written with words has the symbols of a typed password
/// (`MySuperStrongPassword!`, `secretpassword!!`, `p@ssword#1`): a placeholder or the name of a
/// field is an identifier, without them. Only where the value is a literal (quoted, or outside
/// code: TypeScript's `password!` is an expression).
/// (`@` is not one: `p@ssword` is the name in leet, and `user@host` an address.)
fn typed(value: &[u8], ctx: Context) -> bool {
    (ctx.quoted || !ctx.code) && value.iter().any(|b| b"!#$%^&*+?~".contains(b))
}

/// The confidence of `value` where the format, not a name, says it is a password (a
/// `.netrc` or `.pgpass` field, a URL's or a Basic credential's password): judged as a quoted
/// literal under the name `password`.
pub fn judge_literal(value: &[u8]) -> Option<Confidence> {
    judge(b"password", value, Context { quoted: true, code: false, followed: false })
}

/// Whether the password of a URL's userinfo (`scheme://user:PASSWORD@host`, still
/// percent-encoded) is a literal password: decoded, it must have no blank or control character
/// (percent-encoding test vectors) and pass [`value_ok`] (`BOOKMYNAME_PASSWORD`,
/// `remotePassword`, `somepassword` are placeholders).
pub fn url_password_ok(raw: &[u8]) -> bool {
    let decoded: Vec<u8> = percent_encoding::percent_decode(raw).collect();
    if decoded.iter().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
        return false;
    }
    value_ok(&decoded, Context { quoted: true, code: false, followed: false })
}

/// Whether `value` can be a literal password (see the module header for what is rejected).
pub fn value_ok(value: &[u8], ctx: Context) -> bool {
    // a fixed-size C buffer written as a byte string: `b"hunter2\0\0\0"` is `hunter2`
    let mut value = value;
    while let Some(v) = value.strip_suffix(b"\\0") {
        value = v;
    }
    if value.len() < 3 || value.len() > 128 {
        return false;
    }
    // punctuation alone is an encoding test vector (`=[]:;"~|?#@^/$%*`), not a password
    if !value.iter().any(u8::is_ascii_alphanumeric) {
        return false;
    }
    let Ok(text) = std::str::from_utf8(value) else { return false };
    let lower = text.to_ascii_lowercase();
    // (an unquoted word ending a sentence: `… by using ssl_key_password = path.`)
    let word = if ctx.quoted { lower.as_str() } else { lower.trim_end_matches('.') };
    if NOT_PASSWORDS.contains(&word) || PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p)) {
        return false;
    }
    // filler typed into a test's password field (`123456`, `abc`, `qwerty`), and base64 of
    // prose or of a placeholder (`bXktc2VjcmV0LWtleS13aGljaC1zaG91bGQtYmUtY2hhbmdlZC1pbi1w…` is
    // `my-secret-key-which-should-be-changed-in-production…`)
    if super::filters::is_trivial_sequence(value) || super::encoded_text::is_encoded_sample(value) {
        return false;
    }
    let plain = unleet(&lower);
    if plain != lower
        && ["not-real", "notreal", "not_real", "not-a-real", "your", "fake", "dummy"].iter().any(|p| plain.contains(p))
    {
        return false;
    }
    // a placeholder written as words: `the_password`, `some_pass`, `my_private_password`, and
    // an identifier naming a password: `adminPassword`, `getPassword`, `jiraToken`
    let w = words(value);
    let names_secret =
        w.iter().any(|x| password_word(x) != NameStrength::None || matches!(x.as_str(), "token" | "key"));
    // lowerCamelCase reads as an identifier; `UberSecretPassword` may well be the password
    let camel = value[0].is_ascii_lowercase()
        && value.windows(2).any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase());
    let all_words = w.iter().all(|x| x.bytes().all(|b| b.is_ascii_alphabetic()));
    // `somepassword`, `mypass`, `yoursecret`, `mydbpassword`: a determiner glued to a password
    // word (after `a` or `an`, only a bare one: `adminpassword` is not `a` + `dminpassword`)
    if DETERMINERS.iter().any(|d| {
        lower.strip_prefix(d).is_some_and(|rest| {
            rest.len() > 1
                && if d.len() <= 2 && d.starts_with('a') {
                    CANONICAL_WORDS.contains(&rest)
                } else {
                    password_word(rest) != NameStrength::None
                }
        })
    }) {
        return false;
    }
    // (a quoted PascalCase phrase, `"UberSecretPassword"`, is a typed password, not an identifier;
    // in code a type or a constant would not be quoted; a one-letter word is glued to the next
    // by `words`: `MustBeAMinimum`)
    let pascal_phrase = ctx.quoted
        && value[0].is_ascii_uppercase()
        && w.len() >= 3
        && value.iter().all(u8::is_ascii_alphanumeric)
        && (w.len()..=w.len() + 1).contains(&value.iter().filter(|b| b.is_ascii_uppercase()).count());
    // an identifier reads as words; a random string split at its case changes does not, even
    // when it holds a password word by chance (`Pw` in `SbORAztqPwEhnbhMIBNmHBDrfv`): asked
    // last, as it is the costliest test
    if names_secret
        && w.len() >= 2
        && !typed(value, ctx)
        && (camel || all_words && !pascal_phrase || w.iter().any(|x| DETERMINERS.contains(&x.as_str())))
        && !super::randomness::looks_random(value)
    {
        return false;
    }
    if text.chars().any(char::is_control) || ctx.followed && !ctx.quoted {
        return false;
    }
    // a quoted passphrase may have spaces; a sentence or a prompt may not
    if text.contains(' ') {
        let sentence = text.split(' ').count() > 5 || text.ends_with(['.', ':', '?']) || names_secret;
        if !ctx.quoted || sentence {
            return false;
        }
    }
    // a template or a fragment of one: `{0}`, `{password}`, `%{pw}`, `pw_{env` (a closing brace
    // with no opening one, `Hlso}z$vss`, is a character of the password)
    if value.contains(&b'{') {
        return false;
    }
    // one character repeated: `xxxxxx`, `******`, `000000`
    if value.iter().all(|&b| b == value[0]) {
        return false;
    }
    let first = value[0];
    let last = value[value.len() - 1];
    // references and templates: `$PASS`, `%PASS%`, `@PASS@`, `:password`, `{0}`, `<pw>`, `[PW]`, `?`
    if matches!(first, b'$' | b'%' | b'{' | b'<' | b'[' | b'(' | b'&' | b'*' | b'#' | b'?' | b'/' | b'\\' | b'~')
        && !value.starts_with(b"$2")
    {
        return false;
    }
    if (first == b'@' && last == b'@')
        || (first == b':' && value[1..].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_'))
    {
        return false;
    }
    if matches!(last, b'}' | b'>' | b']' | b':') || last == b')' && !value.contains(&b'(') {
        return false;
    }
    if lower.contains("://") || lower.starts_with("./") || lower.starts_with("../") {
        return false;
    }
    // an upper-case placeholder or variable name: `PASSWORD_HERE`, `MY_DB_PASSWORD`, `SECRET`,
    // `ACTUAL_ANSWER_CHALLENGE7`
    let underscores = value.iter().filter(|&&b| b == b'_').count();
    if value.iter().all(|b| b.is_ascii_uppercase() || *b == b'_' || underscores >= 2 && b.is_ascii_digit())
        && value.len() >= 4
    {
        return false;
    }
    // a sentence written as an identifier: `if_you_see_this_please_use_docker_instead`
    // (`if_you_see_this_please_use_k8s`: one word with a digit does not make it a password)
    let dashes = value.iter().filter(|&&b| b == b'-').count();
    let alphabetic_words = w.iter().filter(|x| x.bytes().all(|b| b.is_ascii_alphabetic())).count();
    if w.len() >= 4 && alphabetic_words + 1 >= w.len() && (underscores >= 3 || dashes >= 3) {
        return false;
    }
    // a subscript expression: `auth[1]`, `creds["pw"],`
    let trimmed = value.strip_suffix(b",").or_else(|| value.strip_suffix(b";")).unwrap_or(value);
    if let Some(open) = trimmed.iter().position(|&b| b == b'[')
        && open > 0
        && trimmed.ends_with(b"]")
        && trimmed[..open].iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
    {
        return false;
    }
    // an option string: `--secret id=mysecret,env=SECRET_VALUE`, an attribute map
    // `uniqueIdentifier=user,userPassword=password`
    if let Some(eq) = value.iter().position(|&b| b == b'=')
        && eq > 0
        && eq + 1 < value.len()
        && (value[..eq].iter().all(|b| b.is_ascii_lowercase() || *b == b'_')
            || value[0].is_ascii_alphabetic()
                && value[..eq].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                && value[eq + 1..].iter().any(|b| matches!(b, b',' | b'&' | b'=')))
    {
        return false;
    }
    // a shell variable inside the value: `"AWS4$AWS_SECRET_ACCESS_KEY"`
    if value.windows(4).any(|x| x[0] == b'$' && x[1..].iter().all(|b| b.is_ascii_uppercase() || *b == b'_')) {
        return false;
    }
    // a file name: `password.txt`, `secrets.json`, `src/Login.java`
    if let Some(dot) = text.rfind('.') {
        let ext = &text[dot + 1..];
        if text[..dot].contains('/') && (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        if matches!(
            ext,
            "txt"
                | "json"
                | "yaml"
                | "yml"
                | "pem"
                | "key"
                | "env"
                | "conf"
                | "cfg"
                | "ini"
                | "properties"
                | "xml"
                | "toml"
                | "py"
                | "js"
                | "sh"
                | "jks"
                | "p12"
                | "pfx"
                | "crt"
                | "der"
                | "gpg"
                | "asc"
                | "enc"
                | "age"
        ) {
            return false;
        }
    }
    // in source code a literal is quoted; an unquoted value is an expression; an unquoted
    // number is a port, a count or a flag's argument (`--secret 8080`)
    if !ctx.quoted && (ctx.code || value.iter().all(u8::is_ascii_digit)) {
        return false;
    }
    // a dotted member path in any file: `form.password`, `cfg.db.pass`
    if is_member_path(value) {
        return false;
    }
    true
}

fn is_member_path(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|b| *b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && (p[0].is_ascii_alphabetic() || p[0] == b'_')
                && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                && p.iter().any(u8::is_ascii_lowercase)
        })
        && parts[1..].iter().all(|p| p[0].is_ascii_lowercase() || p[0] == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test values carry `{!}` so that keyhound's scan of its own source stays clean.
    fn unmark(v: &str) -> String {
        v.replace("{!}", "")
    }

    const CONFIG: Context = Context { quoted: false, code: false, followed: false };
    const CODE_QUOTED: Context = Context { quoted: true, code: true, followed: false };
    const CODE_BARE: Context = Context { quoted: false, code: true, followed: false };

    #[test]
    fn names() {
        for n in [
            "password",
            "DB_PASSWORD",
            "dbPassword",
            "spring.datasource.password",
            "PGPASSWORD",
            "pwd",
            "MYSQL_ROOT_PASSWORD",
            "passphrase",
            "new_password",
            "keystorePassword",
        ] {
            assert_eq!(name_strength(n.as_bytes()), NameStrength::Strong, "{n}");
        }
        for n in ["credentials", "pw"] {
            assert_eq!(name_strength(n.as_bytes()), NameStrength::Weak, "{n}");
        }
        for n in [
            "password_length",
            "passwordField",
            "forgot_password",
            "PASSWORD_RESET_URL",
            "bypass",
            "compass",
            "passenger",
            "password_hash_algorithm",
            "show_password",
            "secret_name",
            "secretKeyRef",
            "api_key",
            "password_encryption",
            "existingSecret",
            "NOPASSWD",
            "PSAvoidUsingPlainTextForPassword",
            "GENERIC_SECRET_ALG_PREFIX",
            "PASSWORD_HASHERS",
        ] {
            assert_eq!(name_strength(n.as_bytes()), NameStrength::None, "{n}");
        }
    }

    #[test]
    fn literal_passwords_pass() {
        for (name, v, ctx, want) in [
            ("password", "super{!}$ecret", CODE_QUOTED, Confidence::Medium),
            ("DB_PASSWORD", "Zx8#k{!}Q2!mW9", CONFIG, Confidence::Medium),
            ("POSTGRES_PASSWORD", "post{!}gres", CONFIG, Confidence::Medium),
            ("password", "thi$ 1s c{!}OmplExEr", CODE_QUOTED, Confidence::Medium),
            ("password_wo", "UberSecret{!}Password", CODE_QUOTED, Confidence::Medium),
            ("password", "Wacht{!}woord", CONFIG, Confidence::Low),
            ("credentials", "hunter{!}22x", CONFIG, Confidence::Low),
            ("password", "s3cr3t{!}P4ss", CONFIG, Confidence::Medium),
            ("pass", "hunter{!}22x", CONFIG, Confidence::Medium),
            ("password", "$2a$10$N9qo8uLOickgx2{!}ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", CONFIG, Confidence::Medium),
            // the name as its own value: the commonest placeholder
            ("password", "password", CONFIG, Confidence::Low),
            ("DB_PASSWORD", "secret", CONFIG, Confidence::Low),
        ] {
            assert_eq!(judge(name.as_bytes(), unmark(v).as_bytes(), ctx), Some(want), "{name}={v}");
        }
    }

    #[test]
    fn url_passwords() {
        assert!(url_password_ok(unmark("Zx8k{!}Q2mW9pL").as_bytes()));
        assert!(url_password_ok(unmark("p%40ss{!}w0rd42").as_bytes()));
        // random letters that hold a password word by chance
        assert!(url_password_ok(unmark("SbORAztq{!}PwEhnbhMIBNmHBDrfv").as_bytes()));
        for v in ["BOOKMYNAME_PASSWORD", "remotePassword", "somepassword", "c%20d", "%6d%6D", "a%0D%0Ab"] {
            assert!(!url_password_ok(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn non_passwords_fail() {
        for (v, ctx) in [
            ("", CONFIG),
            ("${DB_PASSWORD}", CONFIG),
            ("$DB_PASSWORD", CONFIG),
            ("%(password)s", CONFIG),
            ("{{ .Values.password }}", CONFIG),
            ("<password>", CONFIG),
            ("[PASSWORD]", CONFIG),
            ("your-password", CONFIG),
            ("changeme", CONFIG),
            ("********", CONFIG),
            ("xxxxxx", CONFIG),
            ("true", CONFIG),
            ("null", CONFIG),
            ("string", CODE_BARE),
            ("the_password", CONFIG),
            ("some_pass", CONFIG),
            ("adminPassword", CODE_QUOTED),
            ("jiraToken", CONFIG),
            ("api-key", CODE_QUOTED),
            ("if_you_see_this_please_use_vault", CONFIG),
            ("if_you_see_this_please_use_k8s", CONFIG),
            ("auth[1],", CONFIG),
            ("ACTUAL_ANSWER_CHALLENGE7", CONFIG),
            ("AWS4$AWS_SECRET_ACCESS_KEY", CODE_QUOTED),
            ("bar", CODE_QUOTED),
            ("id=mysecret", CONFIG),
            ("Basic", CODE_QUOTED),
            ("2MbI7{!", CONFIG),
            ("Invalid username and password.", CONFIG),
            ("Enter your password:", CODE_QUOTED),
            ("form.password", CODE_BARE),
            ("self.password", CODE_BARE),
            ("getpass", CODE_BARE),
            ("PASSWORD_HERE", CONFIG),
            ("@DB_PASSWORD@", CONFIG),
            (":password", CODE_BARE),
            ("/run/secrets/db_password", CONFIG),
            ("password.txt", CONFIG),
            ("src/UserTest.java", CODE_QUOTED),
            ("somepassword", CONFIG),
            ("8080", CONFIG),
            ("os.getenv", CODE_BARE),
            ("{0}", CODE_QUOTED),
            ("pw_{env}x", CODE_QUOTED),
            ("not-re@l", CONFIG),
            ("n0t_r3al", CONFIG),
            ("y0ur-p4ss", CONFIG),
            ("hunter2\\0\\0\\0\\0", CODE_QUOTED),
            // filler a test types into the field, and the word `test` itself
            ("123456", CODE_QUOTED),
            ("abc123", CODE_QUOTED),
            ("1234567890abcdefghijklmnopqrstuvwxyz", CODE_QUOTED),
            ("qwerty", CONFIG),
            ("test", CODE_QUOTED),
            // a sentence's last word; an attribute map; base64 of a placeholder phrase
            ("path.", CONFIG),
            ("uniqueIdentifier=user,userPassword=password", CONFIG),
            ("bXktc2VjcmV0LWtleS13aGljaC1zaG91bGQtYmUtY2hhbmdlZC1pbi1wcm9kdWN0aW9uCg==", CONFIG),
        ] {
            assert_eq!(judge(b"password", v.as_bytes(), ctx), None, "{v:?}");
        }
        // names that describe a password's settings
        for name in ["default_password_scheme", "DOVECOT_PASS_ATTRS", "AMROneTimePassword", "one_time_password"] {
            assert_eq!(judge(name.as_bytes(), b"SHA512-CRYPT", CONFIG), None, "{name}");
        }
    }

    #[test]
    fn one_word_under_pass_is_low() {
        // `--pass=early` (a lint pass), `"pass": "late"`; a real password under `pass` stays medium
        for v in ["early", "late"] {
            assert_eq!(judge(b"pass", v.as_bytes(), CONFIG), Some(Confidence::Low), "{v}");
        }
        assert_eq!(judge(b"pass", unmark("kT7{!}w#pq2").as_bytes(), CONFIG), Some(Confidence::Medium));
        assert_eq!(judge(b"password", b"early", CONFIG), Some(Confidence::Medium));
        assert_eq!(judge(b"account-pass", b"admin", CONFIG), Some(Confidence::Medium));
    }

    #[test]
    fn the_name_as_its_value_is_low_another_word_glued_to_it_is_not() {
        for (name, v, want) in [
            ("password", "test{!}password", Confidence::Medium),
            ("password", "root{!}password", Confidence::Medium),
            ("MYSQL_ROOT_PASSWORD", "root{!}password", Confidence::Low),
            ("password", "secret{!}password", Confidence::Low),
            ("DB_PASSWORD", "db{!}password", Confidence::Low),
            ("password", "pass{!}word", Confidence::Low),
            ("auth-password", "wrong{!}password", Confidence::Low),
            ("root_password", "root{!}password", Confidence::Low),
            ("admin_password", "admin{!}secret", Confidence::Medium),
            ("password", "admin{!}password", Confidence::Medium),
            ("CLIENTSECRET", "Xq7{!}vR2mBt9", Confidence::Medium),
            ("LDAP_BIND_PW", "pass{!}1234", Confidence::Medium),
            ("secret", "fil{!}ter", Confidence::Low),
        ] {
            assert_eq!(judge(name.as_bytes(), unmark(v).as_bytes(), CONFIG), Some(want), "{name} {v}");
        }
    }
}
