//! Doc attributes from the document's prose.
//!
//! Descriptions are CommonMark written for a documentation site, not for rustdoc: they can hold
//! `[brackets]` rustdoc takes for links, `<tags>` it takes for HTML, bare URLs, and indented or
//! unlabelled code blocks it would compile as doctests. Each line is made safe here, and every line
//! becomes its own `#[doc]` attribute so prettyplease prints `///` lines rather than a block.

use crate::model::{Constraints, Docs};
use proc_macro2::TokenStream;
use quote::quote;
use std::borrow::Cow;

/// Doc attributes for `lines`, one attribute per line, checked by [`safe`].
pub(crate) fn attributes(lines: &[String]) -> TokenStream {
    let lines = safe(lines);
    let attributes = padded(&lines).map(|line| quote!(#[doc = #line]));
    quote!(#(#attributes)*)
}

/// Inner doc attributes (`//!`) for `lines`, such as a crate root's, checked by [`safe`].
pub(crate) fn inner_attributes(lines: &[String]) -> TokenStream {
    let lines = safe(lines);
    let attributes = padded(&lines).map(|line| quote!(#![doc = #line]));
    quote!(#(#attributes)*)
}

/// Each line with the space `///` is followed by, but for empty ones.
fn padded(lines: &[String]) -> impl Iterator<Item = String> + '_ {
    lines.iter().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    })
}

/// The one check every doc comment passes: parsed as rustdoc parses it, it may hold no code block
/// but the `text` fences [`sanitize`] writes, so nothing from a document is ever compiled or run
/// as a doctest, however its prose was made to confuse the line-by-line rules above. Docs that
/// fail are flattened ([`flattened`]): every line unindented, runs of spaces cut to one, fences
/// escaped, so that no block of code can form.
fn safe(lines: &[String]) -> Cow<'_, [String]> {
    if !may_hold_code(lines) || !holds_code(lines) {
        return Cow::Borrowed(lines);
    }
    let flat = flattened(lines);
    if holds_code(&flat) {
        // Unreachable by construction; the item still gets docs, and nothing runs.
        return Cow::Owned(vec![
            "The API description's text for this item is left out: it could not be shown safely."
                .to_owned(),
        ]);
    }
    Cow::Owned(flat)
}

/// Whether a code block could form at all: a fence needs three backticks or tildes, an
/// indented block four columns of indentation.
fn may_hold_code(lines: &[String]) -> bool {
    lines.iter().any(|line| {
        line.contains("```") || line.contains("~~~") || line.contains("    ") || line.contains('\t')
    })
}

/// Whether rustdoc would see a code block in `lines` other than a `text` fence.
fn holds_code(lines: &[String]) -> bool {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
    // The extensions rustdoc turns on; footnotes and tables are containers too.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    let text = lines.join("\n");
    Parser::new_ext(&text, options).any(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.as_ref() != "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
        _ => false,
    })
}

/// `lines` with no structure left that could hold code: each one's runs of whitespace cut to a
/// single space, leading ones dropped, runs of three or more backticks or tildes escaped, and
/// everything escaped as prose is.
fn flattened(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
            let escaped = escape_prose(&collapsed.replace('`', "'"));
            escaped.replace("~~~", "\\~\\~\\~")
        })
        .collect()
}

/// The lines documenting an item: summary, description, then `extra` paragraphs.
pub(crate) fn lines(docs: &Docs, extra: &[String]) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(summary) = &docs.summary {
        paragraphs.push(summary.clone());
    }
    if let Some(description) = &docs.description {
        if docs.summary.as_deref() != Some(description.as_str()) {
            paragraphs.push(description.clone());
        }
    }
    if docs.deprecated {
        paragraphs.push("**Deprecated** by the API.".to_owned());
    }
    paragraphs.extend(extra.iter().cloned());
    paragraphs.extend(docs.notes.iter().cloned());
    if let Some(default) = &docs.default {
        paragraphs.push(format!("Default: `{}`", inline_code(default)));
    }
    if let Some(example) = &docs.example {
        paragraphs.push(format!("Example: `{}`", inline_code(example)));
    }
    let mut out = Vec::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            out.push(String::new());
        }
        out.extend(sanitize(paragraph));
    }
    out
}

/// The lines for a bare description.
pub(crate) fn prose(description: &str) -> Vec<String> {
    lines(
        &Docs {
            description: Some(description.to_owned()),
            ..Docs::default()
        },
        &[],
    )
}

/// Short text such as a title, made safe to stand inside a doc sentence, on one line.
pub(crate) fn inline_prose(text: &str) -> String {
    sanitize(text).join(" ").trim().to_owned()
}

/// The rules a value must follow, as a sentence for its docs.
pub(crate) fn constraint_note(constraints: &Constraints) -> Option<String> {
    let mut rules = Vec::new();
    if let Some(min) = constraints.min_length {
        rules.push(format!("at least {min} character{}", plural(min)));
    }
    if let Some(max) = constraints.max_length {
        rules.push(format!("at most {max} character{}", plural(max)));
    }
    if let Some(bound) = constraints.minimum {
        let relation = if bound.exclusive {
            "greater than"
        } else {
            "at least"
        };
        rules.push(format!("{relation} {}", bound.value));
    }
    if let Some(bound) = constraints.maximum {
        let relation = if bound.exclusive {
            "less than"
        } else {
            "at most"
        };
        rules.push(format!("{relation} {}", bound.value));
    }
    if let Some(min) = constraints.min_items {
        rules.push(format!("at least {min} item{}", plural(min)));
    }
    if let Some(max) = constraints.max_items {
        rules.push(format!("at most {max} item{}", plural(max)));
    }
    if let Some(pattern) = &constraints.pattern {
        let unchecked = if constraints.pattern_regex.is_some() {
            ""
        } else {
            " (not checked by this client)"
        };
        rules.push(format!("matches `{}`{unchecked}", inline_code(pattern)));
    }
    (!rules.is_empty()).then(|| format!("Constraints: {}.", rules.join(", ")))
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Text fit to sit between single backticks: backticks and line breaks removed, and nothing a doc
/// comment cannot hold.
pub(crate) fn inline_code(text: &str) -> String {
    one_line(text).replace('`', "'")
}

/// A URL from the document as a link (`<https://…>`) when it can be one, or else as code: an
/// autolink ends at a space or `>`, and what followed would be read as prose or HTML.
pub(crate) fn url(text: &str) -> String {
    let linkable = (text.starts_with("https://") || text.starts_with("http://"))
        && !text.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '`') || is_unwritable(c)
        });
    if linkable {
        format!("<{text}>")
    } else {
        format!("`{}`", inline_code(text))
    }
}

/// `text` on one line (line breaks as spaces), without what a comment cannot hold.
pub(crate) fn one_line(text: &str) -> String {
    writable(text).replace('\n', " ")
}

/// Whether `c` may not be written into a doc comment: a control character other than a tab or a
/// line break (rustc refuses a bare carriage return, TOML and terminals others), or a
/// bidirectional control, which rustc's deny-by-default `text_direction_codepoint_in_comment`
/// refuses because it makes text read differently from how it compiles.
fn is_unwritable(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// `text` with line breaks as `\n` and without the characters of [`is_unwritable`].
pub(crate) fn writable(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !is_unwritable(*c))
        .collect()
}

/// Splits prose into doc lines that rustdoc renders without warnings and never runs as tests.
///
/// Line by line, each line's leading containers (block quote markers, list markers and the
/// spaces between them) are kept with every run of spaces cut to at most three, so no line is
/// indented enough to start an indented code block, which rustdoc would compile. A fence of any
/// length, of backticks or tildes, is kept with its length and labelled `text`, whatever its info
/// string said; one left open is closed. Inside a fence lines are kept as written; elsewhere they
/// are escaped ([`escape_prose`]). [`attributes`] checks the result once more.
fn sanitize(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut open: Option<Fence> = None;
    for raw in writable(text).lines() {
        if let Some(fence) = &open {
            if fence.is_closed_by(raw) {
                lines.push(format!("{}{}", fence.continuation, fence.marker()));
                open = None;
            } else {
                lines.push(raw.trim_end().to_owned());
            }
            continue;
        }
        let (zone, rest) = split_containers(raw);
        let zone = cut_indentation(zone);
        match Fence::opened_by(rest, &zone) {
            Some(fence) => {
                lines.push(format!("{zone}{}text", fence.marker()));
                open = Some(fence);
            }
            None => lines.push(
                format!("{zone}{}", escape_prose(rest.trim()))
                    .trim_end()
                    .to_owned(),
            ),
        }
    }
    if let Some(fence) = open {
        lines.push(format!("{}{}", fence.continuation, fence.marker()));
    }
    lines
}

/// A fenced code block being read: what closes it, and the prefix its lines continue with.
struct Fence {
    character: char,
    length: usize,
    /// The block quote markers it sits in.
    quotes: usize,
    /// The opening line's containers, list markers turned into spaces: `> ` or `  `.
    continuation: String,
}

impl Fence {
    /// The fence `rest` (a line after its containers `zone`) opens: three or more backticks or
    /// tildes; a backtick fence's info string may hold no backtick (it is inline code then).
    fn opened_by(rest: &str, zone: &str) -> Option<Self> {
        let rest = rest.trim_start();
        let character = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let length = rest.chars().take_while(|c| *c == character).count();
        let info = &rest[length..];
        if length < 3 || (character == '`' && info.contains('`')) {
            return None;
        }
        let continuation = zone
            .chars()
            .map(|c| if c == '>' { '>' } else { ' ' })
            .collect();
        Some(Self {
            character,
            length,
            quotes: zone.matches('>').count(),
            continuation,
        })
    }

    /// Whether `line` closes this fence: in the same block quotes, a run of the fence's
    /// character at least as long, and nothing else.
    fn is_closed_by(&self, line: &str) -> bool {
        let mut rest = line;
        for _ in 0..self.quotes {
            match rest.trim_start().strip_prefix('>') {
                Some(inner) => rest = inner,
                None => return false,
            }
        }
        let rest = rest.trim();
        let run = rest.chars().take_while(|c| *c == self.character).count();
        run >= self.length && run == rest.chars().count()
    }

    /// The fence itself, as long as it was written.
    fn marker(&self) -> String {
        std::iter::repeat_n(self.character, self.length).collect()
    }
}

/// A line's leading containers (spaces, tabs, `>` and list markers such as `-`, `*`, `+`, `1.`
/// or `2)` followed by a space), and the rest of it.
fn split_containers(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let spaced = |at: usize| at >= bytes.len() || matches!(bytes[at], b' ' | b'\t');
    let mut end = 0;
    loop {
        let mut at = end;
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'>') => at += 1,
            Some(b'-' | b'*' | b'+') if spaced(at + 1) => at += 1,
            Some(b'0'..=b'9') => {
                let digits = bytes[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let marker = at + digits;
                if digits <= 9
                    && matches!(bytes.get(marker), Some(b'.' | b')'))
                    && spaced(marker + 1)
                {
                    at = marker + 1;
                } else {
                    return (&line[..at], &line[at..]);
                }
            }
            _ => return (&line[..at], &line[at..]),
        }
        end = at;
    }
}

/// Containers with every run of spaces and tabs cut to at most three spaces: no line is then
/// indented four columns past its container, which is what starts an indented code block.
fn cut_indentation(zone: &str) -> String {
    let mut out = String::with_capacity(zone.len());
    let mut run = 0;
    for c in zone.chars() {
        if c == ' ' || c == '\t' {
            run += 1;
            if run <= 3 {
                out.push(' ');
            }
        } else {
            run = 0;
            out.push(c);
        }
    }
    out
}

/// Escapes what rustdoc would read as links or HTML outside code spans, and wraps bare URLs.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for (index, part) in line.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        let in_code = index % 2 == 1;
        if in_code {
            out.push_str(part);
        } else {
            let escaped = part
                .replace('\\', "\\\\")
                .replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            out.push_str(&wrap_urls(&escaped));
        }
    }
    // An unbalanced backtick would open a code span across lines; neutralise it.
    if line.matches('`').count() % 2 == 1 {
        if let Some(position) = out.rfind('`') {
            out.replace_range(position..=position, "'");
        }
    }
    out
}

fn wrap_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http://").or_else(|| rest.find("https://")) {
        let start = ["http://", "https://"]
            .iter()
            .filter_map(|scheme| rest.find(scheme))
            .min()
            .unwrap_or(start);
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '&'))
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_tags_are_escaped_outside_code() {
        assert_eq!(
            escape_prose("see [docs] and <token>, but `a[0] <b>` stays"),
            "see \\[docs\\] and &lt;token&gt;, but `a[0] <b>` stays"
        );
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            escape_prose("Go to https://example.com/x. Then http://a.b"),
            "Go to <https://example.com/x>. Then <http://a.b>"
        );
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        let lines =
            sanitize("Example:\n```\nlet x = 1;\n```\n      indented code\n- item\n  continued");
        assert_eq!(
            lines,
            [
                "Example:",
                "```text",
                "let x = 1;",
                "```",
                "   indented code",
                "- item",
                "  continued"
            ]
        );
    }

    #[test]
    fn every_fence_is_labelled_text_and_keeps_its_length() {
        let lines = sanitize(
            "```rust,should_panic\npanic!();\n```\n~~~json\n{}\n~~~\n````\n```\ninner\n```\n````",
        );
        assert_eq!(
            lines,
            [
                "```text",
                "panic!();",
                "```",
                "~~~text",
                "{}",
                "~~~",
                "````text",
                "```",
                "inner",
                "```",
                "````"
            ]
        );
    }

    #[test]
    fn code_indented_inside_lists_and_quotes_is_prose() {
        assert_eq!(
            sanitize("-     a();\n>     b();\n1.\n       c();\n\td();"),
            ["-   a();", ">   b();", "1.", "   c();", " d();"]
        );
        let lines: Vec<String> = ["-     a();", ">     b();", "1.\n       c();", "\td();"]
            .iter()
            .flat_map(|text| sanitize(text))
            .collect();
        assert!(!holds_code(&lines), "{lines:?}");
    }

    #[test]
    fn an_open_fence_is_closed_where_it_was_opened() {
        assert_eq!(sanitize("> ```\n> x"), ["> ```text", "> x", "> ```"]);
        assert_eq!(sanitize("- ```\n  x"), ["- ```text", "  x", "  ```"]);
    }

    #[test]
    fn docs_that_slip_past_the_line_rules_are_flattened() {
        // The fence ends with its list item at `x`; the closing line sanitize adds then opens a
        // new, unlabelled fence.
        let lines = sanitize("- ```\nx\n    fn y() {}");
        assert!(holds_code(&lines), "{lines:?}");
        let safe = safe(&lines);
        assert!(!holds_code(&safe), "{safe:?}");
        assert!(safe.iter().all(|line| !line.starts_with(' ')), "{safe:?}");
    }

    #[test]
    fn control_and_bidirectional_characters_are_dropped() {
        assert_eq!(sanitize("a\u{202e}b\u{2066}c\u{0}d\u{7}e"), ["abcde"]);
        assert_eq!(inline_code("x\u{202e}`y`\nz"), "x'y' z");
    }

    #[test]
    fn a_url_is_a_link_only_when_it_can_be_one() {
        assert_eq!(
            url("https://api.example.com/v1"),
            "<https://api.example.com/v1>"
        );
        assert_eq!(
            url("https://x.example/<script>"),
            "`https://x.example/<script>`"
        );
        assert_eq!(url("/relative/{id}"), "`/relative/{id}`");
    }

    #[test]
    fn carriage_returns_and_lone_backticks_are_made_harmless() {
        assert_eq!(sanitize("a\rb `c"), ["a", "b 'c"]);
    }

    #[test]
    fn constraints_read_as_a_sentence() {
        let constraints = Constraints {
            min_length: Some(1),
            max_length: Some(255),
            ..Constraints::default()
        };
        assert_eq!(
            constraint_note(&constraints).as_deref(),
            Some("Constraints: at least 1 character, at most 255 characters.")
        );
    }
}
