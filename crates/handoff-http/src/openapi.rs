//! The OpenAPI document's frame: title, security scheme, tags. The paths and schemas come
//! from the handlers' annotations, gathered by the router.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Handoff API", description = "Requests between departments, with their services, people and history."),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "departments"), (name = "people"), (name = "services"), (name = "requests"),
        (name = "calendars"), (name = "notifications"), (name = "reports"),
        (name = "feedback", description = "Satisfaction ratings, relationship pulses, concerns, kudos and the organisation's settings for them"),
        (name = "dependencies", description = "Who depends on whom for what, recurring deliverables and their occurrences, calendar feeds"),
        (name = "jobs", description = "The background job queue, for administrators"),
        (name = "relationships", description = "Relationship health per pair of departments, bottlenecks, the map, scorecards"),
        (name = "health")
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers every operation may give besides its own, so that a generated client can
/// trust the document: each handler lists what it answers when it works, and this adds
/// the error answers the shared extractors and the database can give, in the JSON
/// envelope. A status an operation lists itself keeps its own description.
pub fn add_error_answers(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let answer = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    // Every list takes `limit` from 1 to 200 (see `QueryMap::limit`).
    let limit = || {
        RefOr::T(utoipa::openapi::schema::Schema::Object(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Integer)
                .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                    utoipa::openapi::schema::KnownFormat::Int64,
                )))
                .minimum(Some(1))
                .maximum(Some(crate::api::MAX_LIMIT))
                .build(),
        ))
    };
    let complete = |operation: &mut Operation, write: bool, public: bool| {
        for parameter in operation.parameters.iter_mut().flatten() {
            if let RefOr::T(p) = parameter
                && p.parameter_in == ParameterIn::Query
                && p.name == "limit"
            {
                p.schema = Some(limit());
                p.description
                    .get_or_insert_with(|| "How many items at most, 1 to 200".to_owned());
            }
        }
        let has_path_id = operation.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == ParameterIn::Path,
            RefOr::Ref(_) => false,
        });
        let mut add = |status: &str, description: &str| {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| answer(description));
        };
        if public {
            add("503", "The database cannot be reached");
            return;
        }
        add(
            "400",
            "Malformed input: a body that is not JSON, or a path or query value of the wrong type",
        );
        add(
            "401",
            "No valid API token: send `Authorization: Bearer TOKEN`",
        );
        if has_path_id {
            add("404", "Nothing with this id that the caller may see");
        }
        if write {
            add("403", "The caller may not do this");
            add(
                "409",
                "The state does not allow it (a move the lifecycle forbids, a name taken, a record still referred to)",
            );
        }
        add(
            "422",
            "Input with named problems: `fields` gives the reason per field or parameter",
        );
        add("503", "The database cannot be reached; try again shortly");
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        let public = path == "/healthz" || path == "/api/v1/openapi.json";
        for operation in [&mut item.get, &mut item.head].into_iter().flatten() {
            complete(operation, false, public);
        }
        for operation in [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            complete(operation, true, public);
        }
    }
}
