//! Spreadsheet exports with a credential column: password managers' CSV exports (KeePass,
//! Bitwarden, LastPass, 1Password, browsers: `name,url,username,password`), OTP exports
//! (`Title,User Name,TimeOtp-Secret-Base32`), user lists with a `password` column. Every value
//! in such a column is a credential, and no name sits beside it on its line.
//!
//! The header (the first non-empty line) names the columns; the delimiter is the one of `,`,
//! `;`, tab that splits it most. Fields follow RFC 4180 quoting (`"a ""b"", c"`) on one line;
//! a record whose quoted field spans lines is skipped (never a panic). Only credential columns
//! are reported, under the header's name lower-cased; rules in `rules/credential-files.toml`
//! say which. The `csv` crate was not used: it yields unescaped values without their offsets
//! in the file, and findings need the span.

use std::ops::Range;

use super::{Field, Parser, lines};

/// Reads credential columns of a CSV or TSV export.
#[derive(Debug)]
pub struct CsvExport;

/// Words of a header cell that make its column a credential column.
const CREDENTIAL_WORDS: &[&str] = &["password", "passwd", "pwd", "secret", "passphrase", "otp", "totp", "hotp", "seed"];

/// Two-word headers that name a credential column (`API Key`, `access_token`, `Auth Token`).
const CREDENTIAL_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("private", "key"),
    ("access", "token"),
    ("auth", "token"),
    ("api", "token"),
    ("refresh", "token"),
];

/// Whether a header cell names a credential column.
pub fn is_credential_column(cell: &str) -> bool {
    let words = crate::matcher::password::words(cell.as_bytes());
    words.iter().any(|w| CREDENTIAL_WORDS.contains(&w.as_str()) || w == "apikey")
        && !words.iter().any(|w| {
            matches!(
                w.as_str(),
                "hint"
                    | "length"
                    | "policy"
                    | "changed"
                    | "expires"
                    | "reset"
                    | "strength"
                    | "counter"
                    | "period"
                    | "digits"
                    | "algorithm"
                    | "type"
            )
        })
        || words.windows(2).any(|p| CREDENTIAL_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

/// The delimiter that splits `header` into the most cells.
fn delimiter(header: &[u8]) -> u8 {
    [b',', b';', b'\t'].into_iter().max_by_key(|d| split(header, *d).map_or(0, |c| c.len())).unwrap_or(b',')
}

/// Splits one line into cells (quotes excluded from the spans); `None` when a quoted cell is
/// not closed on this line.
fn split(line: &[u8], delim: u8) -> Option<Vec<Range<usize>>> {
    let mut cells = Vec::new();
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            loop {
                match line.get(j) {
                    None => return None,
                    Some(b'"') if line.get(j + 1) == Some(&b'"') => j += 2,
                    Some(b'"') => break,
                    Some(_) => j += 1,
                }
            }
            cells.push(start..j);
            i = j + 1;
            while i < line.len() && line[i] != delim {
                i += 1;
            }
        } else {
            let start = i;
            while i < line.len() && line[i] != delim {
                i += 1;
            }
            cells.push(start..i);
        }
        if i >= line.len() {
            return Some(cells);
        }
        i += 1;
    }
}

/// The header's credential columns (index and lower-cased name), if it has any.
fn credential_columns(header: &[u8], delim: u8) -> Vec<(usize, String)> {
    let Some(cells) = split(header, delim) else { return Vec::new() };
    cells
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let cell = String::from_utf8_lossy(&header[r]).trim().to_ascii_lowercase();
            is_credential_column(&cell).then_some((i, cell))
        })
        .collect()
}

/// Whether the first line of `head` is a CSV/TSV header with a credential column.
pub fn has_credential_header(head: &[u8]) -> bool {
    let Some((_, header)) = lines(head).find(|(_, l)| !l.trim_ascii().is_empty()) else { return false };
    header.len() <= 4096 && !credential_columns(header, delimiter(header)).is_empty()
}

impl Parser for CsvExport {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        let mut rows = lines(hay).filter(|(_, l)| !l.trim_ascii().is_empty());
        let Some((_, header)) = rows.next() else { return };
        let delim = delimiter(header);
        let columns = credential_columns(header, delim);
        if columns.is_empty() {
            return;
        }
        for (start, line) in rows {
            let Some(cells) = split(line, delim) else { continue };
            for (i, name) in &columns {
                if let Some(r) = cells.get(*i).filter(|r| !r.is_empty()) {
                    out.push(Field { key: name.clone(), value: start + r.start..start + r.end });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        CsvExport.fields(text.as_bytes(), &mut out);
        out.into_iter().map(|f| (f.key, text[f.value].to_string())).collect()
    }

    #[test]
    fn reads_credential_columns_only() {
        let got = fields("name,url,username,password\r\nmail,https://m.io,ann,\"Xq,7\"\"z\"\nbank,,bob,\n");
        assert_eq!(got, [("password".to_string(), "Xq,7\"\"z".to_string())]);
        let got = fields("Title;User Name;TimeOtp-Secret-Base32;Group\nvpn;pi;JBSWY3DPEHPK3PXP;OTP\n");
        assert_eq!(got, [("timeotp-secret-base32".to_string(), "JBSWY3DPEHPK3PXP".to_string())]);
    }

    #[test]
    fn headers() {
        for h in ["password", "Login Password", "TimeOtp-Secret-Base32", "API Key", "access_token", "secret"] {
            assert!(is_credential_column(h), "{h}");
        }
        for h in ["token", "key", "username", "password_hint", "password changed", "HmacOtp-Counter", "url"] {
            assert!(!is_credential_column(h), "{h}");
        }
        assert!(has_credential_header(b"\nname,password\n"));
        assert!(!has_credential_header(b"name,token,count\n"));
    }

    #[test]
    fn an_unclosed_quote_skips_the_record() {
        assert_eq!(fields("user,password\n\"ann,pw\nbob,Zk9q2\n"), [("password".to_string(), "Zk9q2".to_string())]);
    }
}
