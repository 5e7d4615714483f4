//! Where a redirect may send the browser when the target comes from input
//! (`?next=` of the login page and the language switch, a form's way back):
//! only a path on this site. The one parser of such targets is
//! [`LocalPath::parse`]; everything that redirects to a target it did not
//! build itself goes through it.
//!
//! Browsers are lenient: they drop tabs and line breaks anywhere in a URL,
//! read `\` as `/`, and take `//host` (or `/\host`) as another site, so
//! `/\t/evil.test` lands on `http://evil.test/`. A proxy or a second redirect
//! may also decode `%2F%2F` or `%09` once more. The parser therefore refuses
//! anything that is not plain printable ASCII, any backslash, a second slash
//! at the start, and in the path the percent-encoded forms of all of these
//! (decoded repeatedly, so `%252F` counts as `/`). Non-ASCII characters,
//! among them the Unicode slashes and look-alikes (`∕` U+2215, `／` U+FF0F,
//! `⁄` U+2044, `⧸` U+29F8), are refused raw, and refused encoded in the
//! path. The query and fragment only need to be printable ASCII: browsers
//! never decode them to decide where to go.

/// The longest target taken from input (`?next=`), in bytes; also the
/// longest path (before `?`) of any target.
pub const MAX_LOCAL_PATH_LEN: usize = 512;

/// The longest target we build ourselves: one of our paths and a query that
/// carries what was typed back to a refused form (a dispute message of 5,000
/// characters, percent-encoded).
pub const MAX_BUILT_TARGET_LEN: usize = 64 * 1024;

/// How many times a target is percent-decoded while looking for a hidden
/// separator (`%25252F` is three layers deep).
const DECODE_ROUNDS: usize = 4;

/// A path on this site, with its query and fragment, safe to put in a
/// `Location` header: it starts with one `/` and holds only printable ASCII.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalPath(String);

impl LocalPath {
    /// The target, if it is a path on this site (see the module's rules)
    /// of at most [`MAX_LOCAL_PATH_LEN`] bytes.
    pub fn parse(input: &str) -> Option<LocalPath> {
        Self::parse_within(input, MAX_LOCAL_PATH_LEN)
    }

    /// [`LocalPath::parse`] for a target we built (a form's way back with
    /// the typed values in its query): the same rules, a longer query.
    pub fn parse_built(target: &str) -> Option<LocalPath> {
        Self::parse_within(target, MAX_BUILT_TARGET_LEN)
    }

    fn parse_within(input: &str, max_len: usize) -> Option<LocalPath> {
        if input.is_empty() || input.len() > max_len {
            return None;
        }
        // Printable ASCII only: no space, tab, CR, LF, DEL, no other control
        // character, no Unicode (slash look-alikes included).
        if !input.bytes().all(|b| b.is_ascii_graphic()) || input.contains('\\') {
            return None;
        }
        let end = input.find(['?', '#']).unwrap_or(input.len());
        let path = &input[..end];
        if !path.starts_with('/') || path.len() > MAX_LOCAL_PATH_LEN {
            return None;
        }
        // Each decoded layer of the path must itself read as a local path:
        // one leading slash, no backslash, nothing but printable ASCII. The
        // query and fragment are left as they are: browsers never decode
        // them to find where to go, and they carry typed text back to a
        // refused form (a message's line breaks, encoded).
        let path_ok = |l: &[u8]| {
            l.get(1) != Some(&b'/') && l.iter().all(|b| b.is_ascii_graphic() && *b != b'\\')
        };
        every_layer(path.as_bytes(), path_ok).then(|| LocalPath(input.to_string()))
    }

    /// The target, or `fallback` (a fixed path of ours) when it is refused
    /// or missing.
    pub fn parse_or(input: Option<&str>, fallback: &'static str) -> LocalPath {
        input
            .and_then(LocalPath::parse)
            .unwrap_or_else(|| LocalPath(fallback.to_string()))
    }

    /// [`LocalPath::parse_built`], or `fallback` when refused.
    pub fn parse_built_or(target: &str, fallback: &'static str) -> LocalPath {
        LocalPath::parse_built(target).unwrap_or_else(|| LocalPath(fallback.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The login page that comes back here after signing in:
    /// `/login?next=<this path, percent-encoded>`.
    pub fn login_url(&self) -> String {
        let next: String = form_urlencoded::byte_serialize(self.0.as_bytes()).collect();
        format!("/login?next={next}")
    }
}

impl std::fmt::Display for LocalPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `s` as one path segment: everything but letters, digits and `-._~`
/// percent-encoded, so a value taken from input cannot add a segment, a
/// query or a fragment to the path it is put in.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether `ok` holds for `s` and for each of its percent-decoded forms,
/// down to one that decodes to itself; too many layers, or a malformed
/// escape, fail.
fn every_layer(s: &[u8], ok: impl Fn(&[u8]) -> bool) -> bool {
    let mut layer = s.to_vec();
    for _ in 0..=DECODE_ROUNDS {
        if !ok(&layer) {
            return false;
        }
        match percent_decode(&layer) {
            Some(decoded) if decoded == layer => return true,
            Some(decoded) => layer = decoded,
            None => return false,
        }
    }
    false
}

/// One round of percent-decoding; `None` for a malformed escape (`%`, `%4`,
/// `%zz`), which browsers would keep as typed and proxies may read otherwise.
fn percent_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hi = hex(*s.get(i + 1)?)?;
            let lo = hex(*s.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Some(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_targets_are_refused() {
        let overlong = format!("/{}", "a".repeat(MAX_LOCAL_PATH_LEN));
        let hostile: &[&str] = &[
            "",
            "//evil.test",
            "///evil.test",
            "/\t/evil.test",
            "\t//evil.test",
            "/\n/evil.test",
            "/\r\n/evil.test",
            " /invoices",
            "/invoices ",
            "\\\\evil.test",
            "/\\evil.test",
            "\\/evil.test",
            "/invoices\\..\\..\\evil",
            "%2F%2Fevil.test",
            "%2f%2fevil.test",
            "/%2F/evil.test",
            "/%2fevil.test",
            "/%252F/evil.test",
            "/%25252F/evil.test",
            "/%5Cevil.test",
            "/%5cevil.test",
            "%5C%5Cevil.test",
            "/%09/evil.test",
            "/%0a/evil.test",
            "/%0D%0A/evil.test",
            "/%00",
            "/%",
            "/%4",
            "/%zz",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://evil.test/",
            "http://evil.test",
            "http:/evil.test",
            "http:evil.test",
            "evil.test",
            "invoices",
            "?next=/x",
            "#top",
            "/\u{2215}evil.test",
            "/\u{ff0f}evil.test",
            "/\u{2044}evil.test",
            "/\u{29f8}evil.test",
            "\u{2215}\u{2215}evil.test",
            "/%E2%88%95evil.test",
            "/%EF%BC%8Fevil.test",
            "/%e2%81%84evil.test",
            "/%E2%A7%B8evil.test",
            "/invoices\u{7f}",
            "/é",
            &overlong,
        ];
        for input in hostile {
            assert_eq!(LocalPath::parse(input), None, "accepted {input:?}");
        }
    }

    #[test]
    fn paths_of_this_site_are_kept_as_given() {
        let at_limit = format!("/{}", "a".repeat(MAX_LOCAL_PATH_LEN - 1));
        let local: &[&str] = &[
            "/",
            "/invoices",
            "/invoices?status=paid",
            "/invoices?status=paid&q=Dupont+SA",
            "/invoices?q=%C3%A9t%C3%A9",
            "/invoices?q=a%20b",
            "/invoices?q=100%25",
            "/disputes/4?reply_err=invalid&message=line+1%0D%0Aline+2%5C#reply",
            "/invoices?x=%zz",
            "/pay/abc#x",
            "/pay/0123abcdef/disputes/4?done=replied#m12",
            "/invoices/F-2026-000042",
            "/invoices/F%2D2026",
            "/staff/invoices/12/edit",
            "/javascript:alert(1)",
            "/a//b",
            &at_limit,
        ];
        for input in local {
            assert_eq!(
                LocalPath::parse(input).as_ref().map(LocalPath::as_str),
                Some(*input),
                "refused {input:?}"
            );
        }
    }

    #[test]
    fn a_built_target_may_carry_a_long_query_but_never_a_long_or_hostile_path() {
        let message = format!(
            "/disputes/4?reply_err=invalid&message={}#reply",
            "%C3%A9".repeat(5000)
        );
        assert_eq!(LocalPath::parse(&message), None, "too long for a next");
        assert_eq!(
            LocalPath::parse_built(&message).map(LocalPath::into_string),
            Some(message.clone())
        );
        let long_path = format!("/{}?a=b", "a".repeat(MAX_LOCAL_PATH_LEN));
        assert_eq!(LocalPath::parse_built(&long_path), None);
        for hostile in [
            "/\t/evil.test?done=1",
            "//evil.test?done=1",
            "/%2F/evil.test?x=1",
        ] {
            assert_eq!(LocalPath::parse_built(hostile), None, "{hostile}");
        }
        assert_eq!(
            LocalPath::parse_built_or("https://evil.test/", "/").as_str(),
            "/"
        );
    }

    #[test]
    fn a_refused_or_missing_target_falls_back_to_the_given_page() {
        assert_eq!(LocalPath::parse_or(None, "/").as_str(), "/");
        assert_eq!(
            LocalPath::parse_or(Some("/\t/evil.test"), "/invoices").as_str(),
            "/invoices"
        );
        assert_eq!(
            LocalPath::parse_or(Some("/disputes"), "/").as_str(),
            "/disputes"
        );
    }

    #[test]
    fn a_segment_taken_from_input_stays_one_segment() {
        assert_eq!(path_segment("F-2026-000042"), "F-2026-000042");
        let hostile = format!("/invoices/{}", path_segment("x/..\\\t\n?next=//evil#é"));
        assert_eq!(
            hostile,
            "/invoices/x%2F..%5C%09%0A%3Fnext%3D%2F%2Fevil%23%C3%A9"
        );
        assert!(LocalPath::parse(&hostile).is_none(), "encoded controls");
        let spaced = format!("/invoices/{}", path_segment("A-1 B"));
        assert_eq!(spaced, "/invoices/A-1%20B");
        assert!(
            LocalPath::parse(&spaced).is_none(),
            "an encoded space in a path"
        );
        let plain = format!("/invoices/{}", path_segment("A-1/2"));
        assert!(LocalPath::parse(&plain).is_some(), "{plain}");
    }

    #[test]
    fn the_login_url_carries_the_path_encoded() {
        let p = LocalPath::parse("/invoices/F-1?x=1&y=2").expect("local");
        assert_eq!(
            p.login_url(),
            "/login?next=%2Finvoices%2FF-1%3Fx%3D1%26y%3D2"
        );
    }
}
