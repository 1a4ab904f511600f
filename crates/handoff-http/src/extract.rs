//! Extractors whose failures speak the API's error envelope: JSON bodies that name the
//! offending field, query strings checked field by field, and optional-null fields.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use handoff_domain::FieldErrors;
use handoff_domain::validation::has_control;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// A JSON body. Not JSON at all is 400 `malformed_json`; JSON of the wrong shape is 422
/// with the path of the field at fault (`fields.budget`, `fields[0].type`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::MalformedJson(format!("the request body could not be read: {rejection}"))
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                ApiError::MalformedJson(format!("the request body is not valid JSON: {inner}"))
            }
            _ => {
                let reason = strip_position(&inner.to_string());
                let field = field_of(&path, &reason);
                ApiError::invalid(FieldErrors::single(field, reason))
            }
        }
    })?;
    // Trailing characters after the value.
    de.end()
        .map_err(|e| ApiError::MalformedJson(format!("the request body is not valid JSON: {e}")))?;
    Ok(value)
}

/// The field an error is about: serde names a missing or unknown field in the message,
/// with the path of the object that holds it.
fn field_of(path: &str, reason: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| reason.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        // For an unknown field the path already ends at the field itself.
        (path, Some(name)) if path == name || path.ends_with(&format!(".{name}")) => {
            path.to_owned()
        }
        (".", None) => "body".to_owned(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_owned(),
    }
}

/// serde_json appends " at line 1 column 15", which says nothing to an API client.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The query string as name → value, rejecting names the endpoint does not know.
pub struct QueryMap(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryMap {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|e| ApiError::field("query", format!("cannot be decoded: {e}")))?;
        let mut map = HashMap::new();
        for (name, value) in pairs {
            if has_control(&name) || has_control(&value) {
                return Err(ApiError::field(
                    &name,
                    "must not contain control characters",
                ));
            }
            if map.insert(name.clone(), value).is_some() {
                return Err(ApiError::field(
                    &name,
                    "is given twice; separate values by commas",
                ));
            }
        }
        Ok(QueryMap(map))
    }
}

impl QueryMap {
    /// Refuses parameters other than `known`.
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        let mut errors = FieldErrors::new();
        for name in self.0.keys() {
            if !known.contains(&name.as_str()) {
                errors.add(
                    name,
                    format!("is not a parameter here; known: {}", known.join(", ")),
                );
            }
        }
        errors.into_result(()).map_err(ApiError::invalid)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn id(&self, errors: &mut FieldErrors, name: &str) -> Option<i64> {
        let value = self.get(name)?;
        match value.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add(name, "must be a positive integer id");
                None
            }
        }
    }

    pub fn timestamp(&self, errors: &mut FieldErrors, name: &str) -> Option<jiff::Timestamp> {
        let value = self.get(name)?;
        match value.parse::<jiff::Timestamp>() {
            Ok(at) => Some(at),
            Err(_) => {
                errors.add(
                    name,
                    "must be an RFC 3339 time such as 2026-11-23T09:00:00Z",
                );
                None
            }
        }
    }

    /// `limit` from 1 to `max`, `default` when absent.
    pub fn limit(&self, errors: &mut FieldErrors, default: i64, max: i64) -> i64 {
        match self.get("limit") {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    errors.add("limit", format!("must be an integer from 1 to {max}"));
                    default
                }
            },
        }
    }

    /// A cursor that is an id (lists in id order); 0 when absent.
    pub fn id_cursor(&self, errors: &mut FieldErrors) -> i64 {
        match self.get("cursor") {
            None => 0,
            Some(v) => v.parse::<i64>().unwrap_or_else(|_| {
                errors.add("cursor", "is not a cursor this list handed out");
                0
            }),
        }
    }

    pub fn bool(&self, errors: &mut FieldErrors, name: &str) -> Option<bool> {
        match self.get(name)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                errors.add(name, "must be true or false");
                None
            }
        }
    }
}

/// For PATCH bodies: absent is `None`, `null` is `Some(None)`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Path parameters; a malformed one (`/requests/abc`) is a 404 in the API's envelope,
/// since no resource has such an address.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| ApiError::NotFound("resource"))
    }
}
