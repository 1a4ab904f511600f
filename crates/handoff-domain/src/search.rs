//! Full-text search terms: what a user types, reduced to the words both database engines
//! match the same way (lowercase letters and digits, each matched as a word prefix).

/// At most this many words are used from one query.
pub const MAX_TERMS: usize = 8;

/// The text as the index keeps it: its words, lowercased, separated by spaces. Both
/// engines then see plain words only, so that e-mail addresses, paths and version
/// numbers split the same way on each.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Splits a query into lowercase words of letters and digits. Punctuation and operators
/// are separators, so nothing a user types can reach the engines' query syntax.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_TERMS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_quotes_are_separators() {
        assert_eq!(
            terms(r#"Laptop "NEAR" -broken* OR x:y"#),
            ["laptop", "near", "broken", "or", "x", "y"]
        );
        assert!(terms(" \"*(): ").is_empty());
        assert_eq!(terms("Café Ünïcode"), ["café", "ünïcode"]);
    }

    #[test]
    fn indexed_text_is_plain_words() {
        assert_eq!(
            index_text("Mail ann@Example.org re: v1.2\n\0ok"),
            "mail ann example org re v1 2 ok"
        );
    }
}
