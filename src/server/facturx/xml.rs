//! A small XML writer: elements opened and closed in order, text and
//! attribute values escaped. Enough for the CII document, with nothing to
//! parse and no dependency.

/// Escapes the five XML special characters, and drops the control characters
/// XML 1.0 forbids (a pasted description must never make the file invalid).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An XML document being written, with the stack of open elements.
#[derive(Debug, Default)]
pub struct Xml {
    out: String,
    open: Vec<&'static str>,
}

impl Xml {
    pub fn new() -> Self {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape(v));
            self.out.push('"');
        }
    }

    /// Opens an element; [`Xml::close`] closes it.
    pub fn open(&mut self, name: &'static str) -> &mut Self {
        self.open_with(name, &[])
    }

    pub fn open_with(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start(name, attrs);
        self.out.push_str(">\n");
        self.open.push(name);
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        self
    }

    /// An element holding text.
    pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.text_with(name, &[], value)
    }

    pub fn text_with(&mut self, name: &str, attrs: &[(&str, &str)], value: &str) -> &mut Self {
        self.start(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape(value));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self
    }

    /// The document, every element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("Dupont & fils <\"l'atelier\">\u{7}"),
            "Dupont &amp; fils &lt;&quot;l&apos;atelier&quot;&gt;"
        );
        assert_eq!(escape("ligne 1\nligne 2"), "ligne 1\nligne 2");
    }

    #[test]
    fn elements_close_in_order_with_escaped_attributes() {
        let mut x = Xml::new();
        x.open("a")
            .text_with("b", &[("id", "1&2")], "x<y")
            .open("c")
            .text("d", "é");
        let s = x.finish();
        assert!(
            s.ends_with("<a>\n  <b id=\"1&amp;2\">x&lt;y</b>\n  <c>\n    <d>é</d>\n  </c>\n</a>\n")
        );
    }
}
