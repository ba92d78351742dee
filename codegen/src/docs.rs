//! Smithy documentation (a small HTML subset) -> rustdoc Markdown.
//!
//! Output never contains indented lines (rustdoc would run them as doctests), never contains
//! raw `[`/`]` (intra-doc link syntax) and never contains raw HTML tags.

/// Converts model documentation to Markdown.
pub fn to_markdown(html: &str) -> String {
    let mut out = Md::default();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let looks_like_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
            if let Some(end) = after.find('>').filter(|_| looks_like_tag) {
                let tag = &after[..end];
                rest = &after[end + 1..];
                out.tag(tag);
                continue;
            }
            out.text("<");
            rest = after;
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        out.text(&decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    out.finish()
}

#[derive(Default)]
struct Md {
    out: String,
    line: String,
    lists: Vec<(bool, usize)>,
    code: usize,
    href: Vec<Option<String>>,
    link_text_start: Vec<usize>,
}

impl Md {
    fn flush_line(&mut self) {
        let line = self.line.trim();
        if !line.is_empty() {
            self.out.push_str(line);
            self.out.push('\n');
        }
        self.line.clear();
    }
    fn paragraph(&mut self) {
        self.flush_line();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\n' | '\r' | '\t' | ' ' => {
                    if !self.line.ends_with(' ') && !self.line.is_empty() {
                        self.line.push(' ');
                    }
                }
                '[' | ']' | '*' | '_' | '\\' | '#' if self.code == 0 => {
                    self.line.push('\\');
                    self.line.push(c);
                }
                '<' if self.code == 0 => self.line.push_str("&lt;"),
                '>' if self.code == 0 => self.line.push_str("&gt;"),
                '`' if self.code > 0 => self.line.push('\''),
                _ => self.line.push(c),
            }
        }
    }
    fn tag(&mut self, raw: &str) {
        let closing = raw.starts_with('/');
        let body = raw.trim_start_matches('/').trim_end_matches('/');
        let name: String = body.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
        match (name.as_str(), closing) {
            // A paragraph right after a note marker continues the marker's line.
            ("p", _) | ("div", _) if self.line.ends_with(":** ") => {}
            // Inside a list a paragraph is part of the item: no blank line, keep the marker.
            ("p", _) | ("div", _) if !self.lists.is_empty() => {
                let marker_only = self.line.trim_end().trim_end_matches('.').chars().all(|c| c == '-' || c.is_ascii_digit());
                if !marker_only {
                    self.flush_line();
                }
            }
            ("p", _) | ("div", _) => self.paragraph(),
            ("br", _) => self.flush_line(),
            ("code", false) => {
                if self.code == 0 {
                    self.line.push('`');
                }
                self.code += 1;
            }
            ("code", true) => {
                self.code = self.code.saturating_sub(1);
                if self.code == 0 {
                    if self.line.ends_with('`') {
                        self.line.pop();
                    } else {
                        self.line.push('`');
                    }
                }
            }
            ("b" | "strong", _) => self.line.push_str("**"),
            ("i" | "em", _) => self.line.push('*'),
            ("note" | "important", false) => {
                self.paragraph();
                self.line.push_str(if name == "note" { "**Note:** " } else { "**Important:** " });
            }
            ("note" | "important", true) => self.paragraph(),
            ("ul" | "ol", false) => {
                self.paragraph();
                self.lists.push((name == "ol", 0));
            }
            ("ul" | "ol", true) => {
                self.lists.pop();
                self.paragraph();
            }
            ("li", false) => {
                self.flush_line();
                let marker = match self.lists.last_mut() {
                    Some((true, n)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "- ".to_string(),
                };
                // Nested lists are flattened: indentation would turn into code blocks.
                self.line.push_str(&marker);
            }
            ("li", true) => self.flush_line(),
            ("dt", false) => {
                self.paragraph();
                self.line.push_str("**");
            }
            ("dt", true) => {
                while self.line.ends_with(' ') {
                    self.line.pop();
                }
                self.line.push_str("**");
                self.flush_line();
            }
            ("dd", _) => self.flush_line(),
            ("a", false) => {
                let href = attribute(body, "href");
                self.href.push(href);
                self.link_text_start.push(self.line.len());
                self.line.push('[');
            }
            ("a", true) => {
                let href = self.href.pop().flatten();
                let start = self.link_text_start.pop();
                match (href, start) {
                    (Some(href), Some(_)) if !href.is_empty() => {
                        while self.line.ends_with(' ') {
                            self.line.pop();
                        }
                        self.line.push_str("](");
                        self.line.push_str(&href.replace(' ', "%20").replace(')', "%29"));
                        self.line.push(')');
                    }
                    (_, Some(start)) => {
                        // No target: keep the text only.
                        if start < self.line.len() {
                            self.line.remove(start);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    fn finish(mut self) -> String {
        self.flush_line();
        let text = self.out.trim().to_string();
        text
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))?;
    let rest = &tag[at + name.len() + 1..];
    let (quote, rest) = match rest.chars().next()? {
        q @ ('"' | '\'') => (q, &rest[1..]),
        _ => (' ', rest),
    };
    let end = rest.find(quote).unwrap_or(rest.len());
    Some(decode_entities(rest[..end].trim()))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn converts_the_html_subset() {
        let html = "<p>Sends a <code>code</code> to\n            the user.</p>\n<note><p>See <a href=\"https://x.y/a b\">the guide</a>.</p></note><ul><li><p>one [x]</p></li><li>two</li></ul>";
        assert_eq!(
            to_markdown(html),
            "Sends a `code` to the user.\n\n**Note:** See [the guide](https://x.y/a%20b).\n\n- one \\[x\\]\n- two"
        );
    }

    #[test]
    fn never_emits_indentation_or_tags() {
        let md = to_markdown("<p>    indented <b>bold</b> a < b &amp; c</p><foo>bar</foo>");
        assert!(md.lines().all(|l| !l.starts_with(' ')));
        assert_eq!(md, "indented **bold** a &lt; b & c\n\nbar");
    }
}
