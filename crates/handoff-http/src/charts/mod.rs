//! Pictures drawn on the server as SVG, ready to be put inline in a page: the map of
//! departments (a directed graph laid out by layout-rs) and trend lines (plotters).
//!
//! Both return a complete `<svg>` element that is well-formed XML, scales through its
//! `viewBox`, and carries an `aria-label` and a `<title>`: the trend is `role="img"`, the
//! map `role="group"` so that its department and edge links stay reachable (an image's
//! content is presentational). Styling is done
//! with presentation attributes only (no `<style>` element, no `style` attribute), so a
//! strict Content-Security-Policy does not strip it. Neither needs fonts on the server:
//! the browser draws the text.

mod map;
mod trend;

pub use map::{EdgeHealth, MapEdge, MapNode, edge_width, map_svg};
pub use trend::{TrendPoint, trend_svg};

/// Escapes text for XML content and attribute values, and drops the characters XML 1.0
/// cannot carry at all (control characters other than tab, line feed and carriage return).
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Makes text fit for one line of a label: control characters and line breaks become
/// spaces, runs of white space collapse, and the ends are trimmed.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control() || !is_xml_char(c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Shortens a label to at most `max` characters, ending it with "…" when cut (between
/// words when one ends in the last third).
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    // Prefer to cut between words when that keeps most of the room.
    if let Some(space) = out.rfind(' ')
        && out[..space].chars().count() * 3 >= max * 2
    {
        out.truncate(space);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// A number for people: one decimal at most, no trailing ".0".
pub(crate) fn format_value(value: f64) -> String {
    let s = format!("{value:.1}");
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => s,
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || (!c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
        || ('\u{7F}'..='\u{9F}').contains(&c)
}

/// A small well-formedness check for the SVG the tests produce: one root element,
/// balanced and properly nested tags, quoted attributes without duplicates, `<` never in
/// text or attribute values, and only the five predefined or numeric entities. Enough to
/// catch what string building gets wrong, without an XML crate.
#[cfg(test)]
pub(crate) fn check_xml(doc: &str) -> Result<(), String> {
    fn check_entities(text: &str) -> Result<(), String> {
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            let after = &rest[at + 1..];
            let end = after
                .find(';')
                .ok_or_else(|| format!("unterminated entity in {text:?}"))?;
            let name = &after[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("bad entity &{name}; in {text:?}"));
            }
            rest = &after[end + 1..];
        }
        if let Some(c) = text
            .chars()
            .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r') && c < '\u{7F}')
        {
            return Err(format!("control character {c:?} in {text:?}"));
        }
        Ok(())
    }
    fn is_name_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')
    }

    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = doc.trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        let end = after.find("?>").ok_or("unterminated XML declaration")?;
        rest = after[end + 2..].trim_start();
    }
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if stack.is_empty() && !rest.trim().is_empty() {
                return Err(format!("text outside the root: {rest:?}"));
            }
            check_entities(rest)?;
            break;
        };
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_entities(text)?;
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unterminated comment")?;
            rest = &after[end + 3..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or("unterminated end tag")?;
            let name = after[..end].trim_end();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            rest = &after[end + 1..];
            continue;
        }
        // A start tag.
        let after = &rest[1..];
        let name_len = after
            .find(|c: char| !is_name_char(c))
            .ok_or("unterminated start tag")?;
        let name = &after[..name_len];
        if name.is_empty() {
            return Err(format!("bad tag at {:?}", &rest[..rest.len().min(40)]));
        }
        if stack.is_empty() {
            roots += 1;
            if roots > 1 {
                return Err("more than one root element".into());
            }
        }
        let mut attrs = &after[name_len..];
        let mut seen: Vec<&str> = Vec::new();
        loop {
            attrs = attrs.trim_start();
            if let Some(after) = attrs.strip_prefix("/>") {
                rest = after;
                break;
            }
            if let Some(after) = attrs.strip_prefix('>') {
                stack.push(name);
                rest = after;
                break;
            }
            let attr_len = attrs
                .find(|c: char| !is_name_char(c))
                .ok_or("unterminated attribute")?;
            let attr = &attrs[..attr_len];
            if attr.is_empty() {
                return Err(format!(
                    "bad attribute in <{name}> at {:?}",
                    &attrs[..attrs.len().min(40)]
                ));
            }
            if seen.contains(&attr) {
                return Err(format!("duplicate attribute {attr} in <{name}>"));
            }
            seen.push(attr);
            let value = attrs[attr_len..]
                .trim_start()
                .strip_prefix('=')
                .ok_or_else(|| format!("attribute {attr} without a value"))?
                .trim_start();
            let quote = value
                .chars()
                .next()
                .filter(|q| *q == '"' || *q == '\'')
                .ok_or_else(|| format!("unquoted attribute {attr}"))?;
            let end = value[1..]
                .find(quote)
                .ok_or_else(|| format!("unterminated value of {attr}"))?;
            let v = &value[1..1 + end];
            if v.contains('<') {
                return Err(format!("< in the value of {attr}"));
            }
            check_entities(v)?;
            attrs = &value[end + 2..];
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> is never closed"));
    }
    if roots != 1 {
        return Err("no root element".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            escape_xml("R&D <\"Ops\"> 'x'"),
            "R&amp;D &lt;&quot;Ops&quot;&gt; &apos;x&apos;"
        );
        assert_eq!(escape_xml("a\u{0}b\u{1b}c\td"), "abc\td");
        assert_eq!(escape_xml("Zürich 東京"), "Zürich 東京");
    }

    #[test]
    fn one_line_collapses_breaks_and_controls() {
        assert_eq!(
            one_line("  Sales\n\tand\u{0}Support  "),
            "Sales and Support"
        );
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("Département", 20), "Département");
        assert_eq!(truncate("ééééé ééééé", 7), "ééééé…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ab cdef", 4), "ab…");
        assert_eq!(truncate("Sales and Marketing", 12), "Sales and…");
        assert_eq!(truncate("Sales Marketing", 12), "Sales Marke…");
    }

    #[test]
    fn values_read_well() {
        assert_eq!(format_value(82.5), "82.5");
        assert_eq!(format_value(82.0), "82");
        assert_eq!(format_value(82.04), "82");
        assert_eq!(format_value(-0.01), "0");
    }

    #[test]
    fn the_xml_check_catches_common_mistakes() {
        assert!(check_xml("<svg a=\"1\"><g><title>x &amp; y</title></g></svg>").is_ok());
        assert!(check_xml("<?xml version=\"1.0\"?>\n<svg/>").is_ok());
        assert!(check_xml("<svg><g></svg>").is_err());
        assert!(check_xml("<svg><g></g>").is_err());
        assert!(check_xml("<svg a=1/>").is_err());
        assert!(check_xml("<svg a=\"1\" a=\"2\"/>").is_err());
        assert!(check_xml("<svg>R&D</svg>").is_err());
        assert!(check_xml("<svg>a < b</svg>").is_err());
        assert!(check_xml("<svg/><svg/>").is_err());
        assert!(check_xml("<svg t=\"<\"/>").is_err());
    }
}
