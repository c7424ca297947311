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
//! name (password, passwd, pwd, passphrase) is a finding at medium confidence; under a weaker
//! name (`pass`, `secret`, `credentials`), or when the value is a common default such as
//! `admin` or `postgres`, it is low.

use crate::rules::Confidence;

/// Values that fill a password field without being a password (compared lower-cased).
const NOT_PASSWORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "null", "nil", "none", "undefined", "empty", "blank", "n/a", "na",
    "string", "str", "text", "bool", "boolean", "int", "integer", "number", "char", "bytes", "byte", "object",
    "any", "secret", "secrets", "password", "passwd", "pass", "pwd", "passphrase", "credential", "credentials",
    "hidden", "masked", "required", "optional", "securestring", "secretstr", "secretstring", "varchar",
    "changeme", "changeit", "change_me", "change-me", "replaceme", "todo", "tbd", "fixme", "redacted", "removed",
    "omitted", "hunter2", "default", "value", "new", "old", "current", "confirm", "random", "generated",
    "prompt", "input", "env", "file", "stdin", "unset", "notset", "not_set", "sensitive", "protected",
];

/// Fragments that mark a placeholder or a reference anywhere in the value (lower-cased).
const PLACEHOLDER_PARTS: &[&str] = &[
    "${", "{{", "}}", "$(", "#{", "%(", "<%", "[[", "your", "example", "placeholder", "changeme", "change_me",
    "change-me", "xxxx", "****", "....", "\u{2022}", "\u{2026}", "getenv", "environ", "process.env", "secrets.",
    "vault:", "ssm:", "secretsmanager", "keyvault", "lookup(", "env(", "env[", "env.", "settings.", "config.",
    "params.", "values.", "request.", "args.", "options.", "self.", "this.", "input(", "_here", "-here", "insert",
    "replace", "dummy", "fake", "sample", "redacted", "enter ", "not-a-real", "notreal", "not_real",
];

/// Common defaults: real credentials, but ones a scanner should not shout about.
const WEAK_DEFAULTS: &[&str] = &[
    "admin", "root", "test", "guest", "user", "demo", "postgres", "mysql", "oracle", "sa", "password1",
    "password123", "admin123", "123456", "12345678", "qwerty", "letmein", "welcome", "toor", "pass123", "test123",
];

/// How the value was written and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The value was a quoted string.
    pub quoted: bool,
    /// The file is source code (an unquoted value there is an expression, not a literal).
    pub code: bool,
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
const DESCRIBING_WORDS: &[&str] = &[
    "length", "len", "min", "max", "policy", "policies", "field", "fields", "label", "prompt", "hint", "regex",
    "pattern", "reset", "forgot", "expiry", "expires", "expiration", "expired", "age", "changed", "enabled",
    "required", "mode", "strategy", "encoder", "validator", "validation", "command", "cmd", "file", "path",
    "dir", "url", "uri", "id", "name", "type", "env", "var", "key", "ref", "secret", "error", "message", "msg",
    "text", "input", "form", "view", "button", "link", "page", "title", "placeholder", "visible", "show",
    "hidden", "toggle", "strength", "rules", "complexity", "history", "count", "attempts", "retries", "lock",
    "locked", "timeout", "ttl", "salt", "rounds", "iterations", "algorithm", "algo", "format", "mask", "char",
    "chars", "charset", "hash", "hashed", "digest", "encrypted", "callback", "provider", "handler", "manager",
    "service", "store", "storage", "source", "helper", "less", "auth", "authentication", "login", "grant",
    "flow", "sync", "change", "update", "confirm", "confirmation", "repeat", "again", "verify", "check", "match",
    "matches", "valid", "invalid", "set", "get", "is", "has", "use", "new", "old", "current",
];

/// Splits an identifier into lower-case words (`dbPassword_min` -> db, password, min).
fn words(name: &[u8]) -> Vec<String> {
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
    if w[..last].iter().any(|x| matches!(x.as_str(), "forgot" | "show" | "min" | "max" | "reset" | "toggle" | "is" | "has" | "use" | "no"))
    {
        return NameStrength::None;
    }
    password_word(&w[last])
}

fn password_word(w: &str) -> NameStrength {
    match w {
        "password" | "passwd" | "pwd" | "passphrase" | "passwort" | "passw" | "pword" | "dbpassword" | "dbpass"
        | "adminpassword" | "rootpassword" | "userpassword" | "mysqlpassword" | "pgpassword" | "keystorepassword"
        | "storepass" | "keypass" | "truststorepassword" => NameStrength::Strong,
        "pass" | "passwords" | "secret" | "credential" | "credentials" | "pw" => NameStrength::Weak,
        _ if w.ends_with("password") || w.ends_with("passwd") => NameStrength::Strong,
        _ => NameStrength::None,
    }
}

/// The confidence of `value` as a password under `name`, or `None` if it is not one.
pub fn judge(name: &[u8], value: &[u8], ctx: Context) -> Option<Confidence> {
    let strength = name_strength(name);
    if strength == NameStrength::None || !value_ok(name, value, ctx) {
        return None;
    }
    let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
    let weak_value = WEAK_DEFAULTS.contains(&lower.as_str()) || value.len() < 5;
    Some(if strength == NameStrength::Strong && !weak_value { Confidence::Medium } else { Confidence::Low })
}

/// Whether `value` can be a literal password (see the module header for what is rejected).
pub fn value_ok(name: &[u8], value: &[u8], ctx: Context) -> bool {
    if value.len() < 3 || value.len() > 128 {
        return false;
    }
    let Ok(text) = std::str::from_utf8(value) else { return false };
    let lower = text.to_ascii_lowercase();
    if NOT_PASSWORDS.contains(&lower.as_str()) || PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p)) {
        return false;
    }
    // the name again: `password: password`, `DB_PASSWORD=DB_PASSWORD`, `pwd = passwd`
    let name_lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    if lower == name_lower || words(value).iter().all(|w| password_word(w) != NameStrength::None) {
        return false;
    }
    if text.chars().any(char::is_whitespace) || text.chars().any(char::is_control) {
        return false;
    }
    // a template: `{0}`, `{password}`, `%{pw}`
    if value.contains(&b'{') && value.contains(&b'}') {
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
    if (first == b'@' && last == b'@') || (first == b':' && value[1..].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')) {
        return false;
    }
    if matches!(last, b'}' | b'>' | b']' | b')' | b':') {
        return false;
    }
    if lower.contains("://") || lower.starts_with("./") || lower.starts_with("../") {
        return false;
    }
    // an upper-case placeholder or variable name: `PASSWORD_HERE`, `MY_DB_PASSWORD`, `SECRET`
    if value.iter().all(|b| b.is_ascii_uppercase() || *b == b'_') && value.len() >= 4 {
        return false;
    }
    // a file name: `password.txt`, `secrets.json`
    if let Some(dot) = text.rfind('.') {
        let ext = &text[dot + 1..];
        if matches!(ext, "txt" | "json" | "yaml" | "yml" | "pem" | "key" | "env" | "conf" | "cfg" | "ini" | "properties" | "xml" | "toml" | "py" | "js" | "sh" | "jks" | "p12" | "pfx" | "crt" | "der" | "gpg" | "asc" | "enc" | "age")
        {
            return false;
        }
    }
    if ctx.code && !ctx.quoted && is_expression(value) {
        return false;
    }
    // a dotted member path in any file: `form.password`, `cfg.db.pass`
    if is_member_path(value) {
        return false;
    }
    true
}

/// An unquoted value in code that reads like an expression: an identifier, a number, a call.
fn is_expression(v: &[u8]) -> bool {
    let ident = |s: &[u8]| {
        !s.is_empty() && (s[0].is_ascii_alphabetic() || s[0] == b'_') && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    ident(v) || v.iter().all(u8::is_ascii_digit) || v.split(|b| *b == b'.' || *b == b':' || *b == b'-' || *b == b'>').all(ident)
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

    const CONFIG: Context = Context { quoted: false, code: false };
    const CODE_QUOTED: Context = Context { quoted: true, code: true };
    const CODE_BARE: Context = Context { quoted: false, code: true };

    #[test]
    fn names() {
        for n in ["password", "DB_PASSWORD", "dbPassword", "spring.datasource.password", "PGPASSWORD", "pwd", "MYSQL_ROOT_PASSWORD", "passphrase", "new_password", "keystorePassword"] {
            assert_eq!(name_strength(n.as_bytes()), NameStrength::Strong, "{n}");
        }
        for n in ["pass", "DB_PASS", "secret", "client_secret", "credentials"] {
            assert_eq!(name_strength(n.as_bytes()), NameStrength::Weak, "{n}");
        }
        for n in ["password_length", "passwordField", "forgot_password", "PASSWORD_RESET_URL", "bypass", "compass", "passenger", "password_hash_algorithm", "show_password", "secret_name", "secretKeyRef", "api_key"] {
            assert_eq!(name_strength(n.as_bytes()), NameStrength::None, "{n}");
        }
    }

    #[test]
    fn literal_passwords_pass() {
        for (name, v, ctx, want) in [
            ("password", "super{!}$ecret", CODE_QUOTED, Confidence::Medium),
            ("DB_PASSWORD", "Zx8#k{!}Q2!mW9", CONFIG, Confidence::Medium),
            ("POSTGRES_PASSWORD", "postgres", CONFIG, Confidence::Low),
            ("password", "s3cr3t{!}P4ss", CONFIG, Confidence::Medium),
            ("pass", "hunter{!}22x", CONFIG, Confidence::Low),
            ("password", "$2a$10$N9qo8uLOickgx2{!}ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", CONFIG, Confidence::Medium),
        ] {
            assert_eq!(judge(name.as_bytes(), unmark(v).as_bytes(), ctx), Some(want), "{name}={v}");
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
            ("password", CONFIG),
            ("Enter your password:", CODE_QUOTED),
            ("form.password", CODE_BARE),
            ("self.password", CODE_BARE),
            ("getpass", CODE_BARE),
            ("PASSWORD_HERE", CONFIG),
            ("@DB_PASSWORD@", CONFIG),
            (":password", CODE_BARE),
            ("/run/secrets/db_password", CONFIG),
            ("password.txt", CONFIG),
            ("os.getenv", CODE_BARE),
            ("{0}", CODE_QUOTED),
        ] {
            assert_eq!(judge(b"password", v.as_bytes(), ctx), None, "{v:?}");
        }
    }
}
