//! Quoted-printable (RFC 2045), in mail and MIME parts that say so: once a region names
//! `quoted-printable` in its first 64 KiB (`quoted` in any case, `printable` as mail software
//! writes it: lower case, capitalised or capitals), each line after that header with an `=` in
//! it (lines joined by soft breaks count as one) is a candidate, decoded with the
//! `quoted_printable` crate (soft line breaks joined, `=XX` escapes decoded).

use std::ops::Range;

use super::{Decoder, Text};

/// The quoted-printable decoder.
#[derive(Debug)]
pub struct QuotedPrintable;

/// How far into a text the header is looked for (mail headers and MIME part headers of
/// text parts come early; every file pays for this much).
const HEAD: usize = 64 << 10;

fn header_end(hay: &[u8], region: &Range<usize>) -> Option<usize> {
    // RFC 2045's values are case-insensitive: the spellings mail software writes (lower case,
    // capitalised, upper case) are found in one SIMD pass over the tail of the word; then the
    // whole word is compared in any case. (A case-insensitive search for the whole word ran
    // from every `q` and cost twice as much on code full of random tokens.)
    static TAIL: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(["-printable", "-Printable", "-PRINTABLE"]).ok());
    const WORD: &[u8] = b"quoted-printable";
    let text = &hay[region.start..region.end.min(region.start + HEAD)];
    let at = TAIL.as_ref()?.find_iter(text).map(|m| m.start()).find_map(|dash| {
        let start = dash.checked_sub("quoted".len())?;
        text.get(start..start + WORD.len())?.eq_ignore_ascii_case(WORD).then_some(start)
    })?;
    let eol = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |k| at + k + 1);
    Some(region.start + eol)
}

impl Decoder for QuotedPrintable {
    fn name(&self) -> &'static str {
        "quoted-printable"
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        let (hay, region) = (text.hay, text.region.clone());
        let Some(mut at) = header_end(hay, &region) else { return };
        // each logical line (lines joined by soft breaks: `=` at a line's end) that holds an
        // escape is a candidate of its own, so what is found in it is reported at its line,
        // not where the body starts
        let mut start = at;
        while at < region.end {
            let eol = memchr::memchr(b'\n', &hay[at..region.end]).map_or(region.end, |k| at + k + 1);
            let line = &hay[at..eol];
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let end = at + line.len();
            at = eol;
            if line.ends_with(b"=") && at < region.end {
                continue;
            }
            if memchr::memchr(b'=', &hay[start..end]).is_some() {
                out.push(start..end);
            }
            start = at;
        }
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        match quoted_printable::decode(span, quoted_printable::ParseMode::Robust) {
            Ok(d) => {
                // the crate writes line breaks as CRLF; keep the text's own
                if memchr::memchr(b'\r', span).is_none() {
                    out.extend(d.iter().copied().filter(|&b| b != b'\r'));
                } else {
                    out.extend_from_slice(&d);
                }
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_after_the_header() {
        let hay = "Content-Transfer-Encoding: quoted-printable\n\ntoken =3D \"abc=\ndef\"\n";
        let mut c = Vec::new();
        QuotedPrintable.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        assert_eq!(c.len(), 1);
        let mut out = Vec::new();
        assert!(QuotedPrintable.decode(&hay.as_bytes()[c[0].clone()], &mut out));
        assert_eq!(String::from_utf8(out).unwrap(), "token = \"abcdef\"");
        // lines without an escape are not candidates; each escaped line is one of its own
        let hay = "Content-Transfer-Encoding: quoted-printable\n\nhello\na =3D 1\nplain\nb =3D=\n2\n";
        c.clear();
        QuotedPrintable.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        let spans: Vec<&str> = c.iter().map(|r| &hay[r.clone()]).collect();
        assert_eq!(spans, ["a =3D 1", "b =3D=\n2"]);
        // the header in capitals or capitalised, and no header at all
        for header in
            ["QUOTED-PRINTABLE", "Quoted-Printable", "QUOTED-printable", "quoted-Printable", "x quoted-printable"]
        {
            let text = format!("Content-Transfer-Encoding: {header}\n\nk =3D v\n");
            c.clear();
            QuotedPrintable.candidates(&Text::new(text.as_bytes(), 0..text.len()), &mut c);
            assert_eq!(c.len(), 1, "{header}");
            assert_eq!(&text[c[0].clone()], "k =3D v");
        }
        c.clear();
        QuotedPrintable.candidates(&Text::new(b"k =3D v\n", 0..8), &mut c);
        assert!(c.is_empty());
        // the word's tail alone, or at the very start, is not the header
        for text in ["encoding: not-printable\n\nk =3D v\n", "-printable\n\nk =3D v\n"] {
            c.clear();
            QuotedPrintable.candidates(&Text::new(text.as_bytes(), 0..text.len()), &mut c);
            assert!(c.is_empty(), "{text}");
        }
    }
}
