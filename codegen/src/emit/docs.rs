//! Doc attributes from the document's prose.
//!
//! Descriptions are CommonMark written for a documentation site, not for rustdoc: they can hold
//! `[brackets]` rustdoc takes for links, `<tags>` it takes for HTML, bare URLs, and indented or
//! unlabelled code blocks it would compile as doctests. Each line is made safe here, and every line
//! becomes its own `#[doc]` attribute so prettyplease prints `///` lines rather than a block.

use crate::model::{Constraints, Docs};
use proc_macro2::TokenStream;
use quote::quote;

/// Doc attributes for `lines`, one attribute per line.
pub(crate) fn attributes(lines: &[String]) -> TokenStream {
    let attributes = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attributes)*)
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

/// Text fit to sit between single backticks: backticks and line breaks removed.
pub(crate) fn inline_code(text: &str) -> String {
    text.replace('`', "'").replace(['\r', '\n'], " ")
}

/// Splits prose into doc lines that rustdoc renders without warnings and never runs as tests.
fn sanitize(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let trimmed = raw.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                lines.push("```".to_owned());
            } else {
                // A fence without a language, or marked Rust, would be compiled as a doctest.
                let info = info.trim();
                let info = if info.is_empty() || info.starts_with("rust") {
                    "text"
                } else {
                    info
                };
                lines.push(format!("```{info}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(raw.trim_end().to_owned());
        } else {
            // Four spaces of indentation would make an indented code block, which rustdoc runs as a
            // doctest; up to three keep list continuations attached to their item.
            let indent = raw.len() - raw.trim_start().len();
            lines.push(format!(
                "{}{}",
                " ".repeat(indent.min(3)),
                escape_prose(trimmed)
            ));
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    lines
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
