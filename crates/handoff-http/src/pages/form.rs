//! What a page receives: the name/value pairs of a query string (GET) or of an
//! `application/x-www-form-urlencoded` form (POST), keeping repeated names (multi-choice
//! fields, several statuses).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};

use super::PageError;

#[derive(Debug, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, when not empty.
    pub fn filled(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The id a select sent as `name`, `None` for its empty choice; a value that is no
    /// number is refused naming the field.
    pub fn chosen(&self, name: &str) -> Result<Option<i64>, String> {
        match self.filled(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("{name}: must be one of the choices")),
        }
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Pairs {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        let bad = |why: &str| PageError::Rejected(StatusCode::BAD_REQUEST, why.to_owned());
        if request.method() == Method::GET || request.method() == Method::HEAD {
            let query = request.uri().query().unwrap_or_default();
            return serde_urlencoded::from_str(query)
                .map(Pairs)
                .map_err(|_| bad("the address has a malformed query string"));
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| bad("the form could not be read"))?;
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&body).map_err(|_| bad("the form is not URL-encoded"))?;
        // Browsers send line breaks of text areas as CRLF; Handoff stores LF.
        Ok(Pairs(
            pairs
                .into_iter()
                .map(|(k, v)| (k, v.replace("\r\n", "\n")))
                .collect(),
        ))
    }
}

/// The id in a page's path (`/requests/{id}`); anything else is a page that does not
/// exist.
pub struct PageId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PageId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::NotFound)?;
        raw.parse().map(PageId).map_err(|_| PageError::NotFound)
    }
}

/// Percent-encodes a value for a query string.
pub fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// Where to go after signing in: a path on this site only (never `//host` or a full URL,
/// which would send the person elsewhere).
pub fn safe_next(next: Option<&str>) -> String {
    // Browsers drop tabs and line breaks from URLs, and read `\` as `/`: `/\t/host` is
    // `//host` to them. A local path needs none of those.
    let local = |path: &str| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    };
    match next {
        Some(path) if local(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/requests/4?x=1")), "/requests/4?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn values_are_encoded_for_query_strings() {
        assert_eq!(
            encode("/requests?view=queue&q=a b"),
            "%2Frequests%3Fview%3Dqueue%26q%3Da+b"
        );
    }
}
