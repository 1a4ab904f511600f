//! CSV answers of the request list, the SLA report and the health matrix: the same rows
//! and figures as their JSON, the same visibility, text that cannot start a formula,
//! `?format=csv` or `Accept: text/csv`, and the pages' "Download CSV" links.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use handoff_http::AppState;
use http_body_util::BodyExt;
use jiff::SignedDuration;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::health::{AT, setup};
use crate::support::{Client, TestApp, both_engines, with_policy};

/// An answer of any kind.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

/// A CSV file: its header line and its lines by column name.
struct Sheet {
    columns: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }

    #[track_caller]
    fn csv(&self) -> Sheet {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert_eq!(self.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
        assert!(
            self.header(header::CONTENT_DISPOSITION)
                .starts_with("attachment; filename=\""),
            "{:?}",
            self.headers
        );
        parse(&self.body)
    }

    #[track_caller]
    fn json(&self) -> Value {
        assert!(
            self.header(header::CONTENT_TYPE)
                .starts_with("application/json"),
            "{:?}: {}",
            self.headers,
            self.body
        );
        serde_json::from_str(&self.body).unwrap()
    }

    /// The reason a 422 gives for `field`.
    #[track_caller]
    fn field_error(&self, field: &str) -> String {
        assert_eq!(
            self.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            self.body
        );
        let body = self.json();
        assert_eq!(body["error"]["code"], "validation_failed");
        body["error"]["fields"][field]
            .as_str()
            .unwrap_or_else(|| panic!("no error on {field}: {body}"))
            .to_owned()
    }
}

/// Parses a CSV file with the `csv` crate, every line as wide as the header.
fn parse(text: &str) -> Sheet {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.unwrap_or_else(|e| panic!("{e} in:\n{text}"));
            assert_eq!(record.len(), columns.len());
            columns
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    Sheet { columns, rows }
}

impl Sheet {
    fn ids(&self, column: &str) -> Vec<i64> {
        self.rows
            .iter()
            .map(|r| r[column].parse().unwrap())
            .collect()
    }
}

/// A GET with the headers given, through the app's router.
async fn get(app: &TestApp, path: &str, headers: &[(header::HeaderName, String)]) -> Answer {
    let router = handoff_http::router(AppState::new(app.actions.clone()));
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::HOST, "handoff.test");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn bearer(client: &Client) -> (header::HeaderName, String) {
    (
        header::AUTHORIZATION,
        format!("Bearer {}", client.token.as_deref().unwrap()),
    )
}

/// A GET as `client`, with `Accept: accept` when given.
async fn api(app: &TestApp, client: &Client, path: &str, accept: Option<&str>) -> Answer {
    let mut headers = vec![bearer(client)];
    headers.extend(accept.map(|a| (header::ACCEPT, a.to_owned())));
    get(app, path, &headers).await
}

/// The address of a page's "Download CSV" link.
#[track_caller]
fn csv_link(html: &str) -> String {
    let at = html
        .find(r#"id="csv""#)
        .unwrap_or_else(|| panic!("no CSV link in:\n{html}"));
    let before = &html[..at];
    let start = before.rfind(r#"href=""#).unwrap() + r#"href=""#.len();
    let end = start + before[start..].find('"').unwrap();
    assert!(html[at..].starts_with(r#"id="csv" download>Download CSV</a>"#));
    html[start..end].replace("&#38;", "&").replace("&amp;", "&")
}

/// A number in a CSV cell against the JSON's (`null` is an empty cell).
#[track_caller]
fn same_figure(cell: &str, json: &Value, what: &str) {
    match json.as_f64() {
        None => assert_eq!(cell, "", "{what}: {json}"),
        Some(expected) => {
            let got: f64 = cell.parse().unwrap_or_else(|_| panic!("{what}: {cell:?}"));
            assert_eq!(got, expected, "{what}");
        }
    }
}

/// A JSON value as the CSV writes it: strings as they are, null as an empty cell.
fn cell(json: &Value) -> String {
    match json {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

both_engines! {
    async fn the_request_list_as_csv_has_every_row_and_clock_of_the_json(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let formula = app.file(&s.requester, s.service, "=HYPERLINK(\"http://evil.example\",\"Open\")").await;
        let answered = app.file(&s.colleague, s.service, "Poster, \"large\"").await;
        let minus = app.file(&s.requester, s.service, "-5 posters").await;
        // 09:30: Design answers one and takes it; 11:00: the others' first response
        // (due 10:00) is breached, still running.
        app.clock.advance(SignedDuration::from_mins(30));
        s.designer.post(&format!("/api/v1/requests/{answered}/comments"), json!({"body": "On it"})).await.assert(StatusCode::CREATED);
        s.designer.patch(&format!("/api/v1/requests/{answered}"), json!({"assignee_id": s.designer.person_id})).await.assert(StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(90));

        let json = s.design_manager.get("/api/v1/requests?limit=200").await;
        json.assert(StatusCode::OK);
        let items = json.body["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 3);
        // Every row, not one page: a limit of 1 does not cut the file.
        let answer = api(&app, &s.design_manager, "/api/v1/requests?limit=1&format=csv", None).await;
        assert_eq!(answer.header(header::CONTENT_DISPOSITION), "attachment; filename=\"requests-2026-11-23.csv\"");
        assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
        let sheet = answer.csv();
        assert_eq!(sheet.ids("id"), json.ids(), "the JSON's order");
        for column in ["subject", "service", "provider_department", "requester", "assignee",
                       "created_at", "resolved_at", "first_response_state", "first_response_due_at",
                       "resolution_used_minutes", "next_update_state"] {
            assert!(sheet.columns.iter().any(|c| c == column), "{column} in {:?}", sheet.columns);
        }
        for (row, item) in sheet.rows.iter().zip(&items) {
            for key in ["id", "service_id", "provider_department_id", "requester_id",
                        "requester_department_id", "assignee_id", "status", "priority",
                        "confidential", "created_at", "updated_at", "resolved_at", "closed_at",
                        "transfers", "ping_pong"] {
                assert_eq!(row[key], cell(&item[key]), "{key} of {}", item["id"]);
            }
            assert_eq!(row["service"], "Graphics for a campaign");
            assert_eq!((row["provider_department"].as_str(), row["requester_department"].as_str()), ("DESIGN", "MARKETING"));
            assert_eq!(row["requester"], "Test Person");
            // The clocks read now, as the request's own SLA reads them.
            let id = row["id"].as_str();
            let clocks = s.design_manager.get(&format!("/api/v1/requests/{id}/sla")).await;
            for clock in clocks.body["items"].as_array().unwrap() {
                let target = clock["target"].as_str().unwrap();
                same_figure(&row[&format!("{target}_allowed_minutes")], &clock["allowed_minutes"], target);
                same_figure(&row[&format!("{target}_used_minutes")], &clock["used_minutes"], target);
                assert_eq!(row[&format!("{target}_due_at")], cell(&clock["due_at"]));
                assert_eq!(row[&format!("{target}_counted_in")], "business");
            }
            // No policy sets a next update.
            assert_eq!(row["next_update_state"], "");
        }
        let by_id: HashMap<i64, &HashMap<String, String>> = sheet.rows.iter().map(|r| (r["id"].parse().unwrap(), r)).collect();
        // Free text cannot start a formula; commas and quotes survive the quoting.
        assert_eq!(by_id[&formula]["subject"], "'=HYPERLINK(\"http://evil.example\",\"Open\")");
        assert_eq!(by_id[&minus]["subject"], "'-5 posters");
        assert_eq!(by_id[&answered]["subject"], "Poster, \"large\"");
        // Real figures: 120 business minutes used of 60, due at 10:00; the resolution
        // (480 business minutes) falls due Tuesday 09:30.
        let late = by_id[&minus];
        assert_eq!(late["first_response_state"], "breached");
        assert_eq!((late["first_response_allowed_minutes"].as_str(), late["first_response_used_minutes"].as_str()), ("60.0", "120.0"));
        assert_eq!(late["resolution_state"], "running");
        assert_eq!(late["resolution_due_at"], "2026-11-24T09:30:00Z");
        let met = by_id[&answered];
        assert_eq!((met["first_response_state"].as_str(), met["first_response_used_minutes"].as_str()), ("met", "30.0"));
        assert_eq!(met["first_response_due_at"], "");
        assert_eq!((met["assignee_id"].clone(), met["assignee"].as_str()), (s.designer.person_id.to_string(), "Test Person"));

        // The same filters as the JSON.
        for query in [format!("assignee_id={}", s.designer.person_id), format!("requester_id={}", s.requester.person_id),
                      "assignee_id=none&sort=id".to_owned(), "q=posters".to_owned(), "status=resolved".to_owned()] {
            let ids = s.design_manager.all_ids(&format!("/api/v1/requests?limit=1&{query}")).await;
            let sheet = api(&app, &s.design_manager, &format!("/api/v1/requests?{query}&format=csv"), None).await.csv();
            assert_eq!(sheet.ids("id"), ids, "{query}");
        }
        assert_eq!(api(&app, &s.design_manager, &format!("/api/v1/requests?assignee_id={}&format=csv", s.designer.person_id), None).await.csv().ids("id"), [answered]);

        // `Accept: text/csv` asks for the same file; `?format=json` and a header that
        // prefers JSON keep the JSON.
        let by_header = api(&app, &s.design_manager, "/api/v1/requests?limit=1", Some("text/csv")).await;
        assert_eq!(by_header.csv().ids("id"), json.ids());
        assert_eq!(by_header.body, api(&app, &s.design_manager, "/api/v1/requests?format=csv", None).await.body);
        let listed = api(&app, &s.design_manager, "/api/v1/requests?format=json", Some("text/csv")).await;
        assert_eq!(listed.json()["items"].as_array().unwrap().len(), 3);
        let listed = api(&app, &s.design_manager, "/api/v1/requests?limit=1", Some("application/json, text/csv")).await;
        assert_eq!(listed.json()["items"].as_array().unwrap().len(), 1);

        // Bad input: a JSON error naming each field, whatever was asked for.
        let refused = api(&app, &s.design_manager, "/api/v1/requests?format=xml", None).await;
        assert_eq!(refused.field_error("format"), "must be json or csv");
        let refused = api(&app, &s.design_manager, "/api/v1/requests?format=xml&limit=0&status=lost", Some("text/csv")).await;
        for field in ["format", "limit", "status"] {
            refused.field_error(field);
        }
        let refused = api(&app, &s.design_manager, "/api/v1/requests?format=csv&colour=red", None).await;
        refused.field_error("colour");
        let anonymous = get(&app, "/api/v1/requests?format=csv", &[]).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_csv_shows_each_caller_what_the_json_shows_them(app: TestApp) {
        let s = app.scene().await;
        // Finance (the outsider's department) approves purchases within an hour around
        // the clock.
        let finance = s.outsider.department_id;
        let finance_manager = app.manager(finance).await;
        let res = finance_manager.post("/api/v1/services", json!({"department_id": finance, "name": "Budget check"})).await;
        res.assert(StatusCode::CREATED);
        let budget = res.id();
        finance_manager.put(&format!("/api/v1/services/{budget}/sla"),
            json!({"policies": [{"first_response_minutes": 60, "calendar_time": true}]})).await.assert(StatusCode::OK);
        app.work().await;

        app.file(&s.requester, s.service, "Banner").await;
        let moved = app.file(&s.requester, s.service, "Banner with a budget").await;
        s.designer.post(&format!("/api/v1/requests/{moved}/transfer"),
            json!({"service_id": budget, "reason": "Needs a budget first"})).await.assert(StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(20));

        let viewers = [(&s.requester, 2), (&s.colleague, 2), (&s.designer, 2), (&s.design_manager, 2),
                       (&s.outsider, 1), (&finance_manager, 1), (app.admin(), 2)];
        for (viewer, count) in viewers {
            let ids = viewer.all_ids("/api/v1/requests?limit=1").await;
            let sheet = api(&app, viewer, "/api/v1/requests?format=csv", None).await.csv();
            assert_eq!(sheet.ids("id"), ids);
            assert_eq!(ids.len(), count);
        }
        // A member of another department sees nothing.
        let stranger = app.member(app.admin().department_id).await;
        assert!(api(&app, &stranger, "/api/v1/requests?format=csv", None).await.csv().rows.is_empty());
        assert!(stranger.get("/api/v1/requests").await.ids().is_empty());

        // Finance reads its clock; Design, which held it before, sees the request but not
        // the new holder's clock, as its own SLA answer shows nothing.
        let row = |sheet: &Sheet, id: i64| sheet.rows.iter().find(|r| r["id"] == id.to_string()).cloned().unwrap();
        let theirs = row(&api(&app, &finance_manager, "/api/v1/requests?format=csv", None).await.csv(), moved);
        assert_eq!((theirs["first_response_state"].as_str(), theirs["first_response_used_minutes"].as_str()), ("running", "20.0"));
        assert_eq!(theirs["first_response_counted_in"], "calendar");
        assert_eq!(theirs["provider_department_id"], finance.to_string());
        let former = row(&api(&app, &s.designer, "/api/v1/requests?format=csv", None).await.csv(), moved);
        assert_eq!(s.designer.get(&format!("/api/v1/requests/{moved}/sla")).await.body["items"], json!([]));
        for column in ["first_response_state", "first_response_used_minutes", "first_response_due_at", "first_response_counted_in"] {
            assert_eq!(former[column], "", "{column}");
        }
        assert_eq!(former["transfers"], "1");
        // The requester sees the clock of whoever holds it.
        let own = row(&api(&app, &s.requester, "/api/v1/requests?format=csv", None).await.csv(), moved);
        assert_eq!(own["first_response_state"], "running");
    }

    async fn the_sla_report_as_csv_has_the_jsons_figures_in_business_minutes(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        s.design_manager.patch(&format!("/api/v1/services/{}", s.service), json!({"name": "=Graphics"})).await.assert(StatusCode::OK);
        let quick = app.file(&s.requester, s.service, "Quick one").await;
        let slow = app.file(&s.colleague, s.service, "Slow one").await;
        app.clock.advance(SignedDuration::from_mins(30));
        s.designer.post(&format!("/api/v1/requests/{quick}/comments"), json!({"body": "Sure"})).await.assert(StatusCode::CREATED);
        app.clock.advance(SignedDuration::from_mins(60));
        s.designer.post(&format!("/api/v1/requests/{slow}/comments"), json!({"body": "Sorry for the wait"})).await.assert(StatusCode::CREATED);
        s.designer.patch(&format!("/api/v1/requests/{quick}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        app.clock.set("2026-11-23T12:00:00Z".parse().unwrap());

        let period = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
        for group_by in ["service", "provider_department", "requester_department", "month"] {
            let query = format!("/api/v1/reports/sla?group_by={group_by}&{period}");
            let json = s.design_manager.get(&query).await;
            json.assert(StatusCode::OK);
            let sheet = api(&app, &s.design_manager, &format!("{query}&format=csv"), None).await.csv();
            let rows = json.body["rows"].as_array().unwrap();
            assert_eq!(sheet.rows.len(), rows.len(), "{group_by}");
            assert!(!rows.is_empty());
            for (line, row) in sheet.rows.iter().zip(rows) {
                assert_eq!(line["group_by"], group_by);
                assert_eq!(line["key"], cell(&row["key"]));
                let label = row["label"].as_str().unwrap();
                let guarded = if label.starts_with('=') { format!("'{label}") } else { label.to_owned() };
                assert_eq!(line["label"], guarded);
                assert_eq!((line["from"].as_str(), line["to"].as_str()), ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"));
                for target in ["first_response", "resolution", "next_update"] {
                    for figure in ["met", "breached", "open"] {
                        assert_eq!(line[&format!("{target}_{figure}")], cell(&row[target][figure]), "{group_by} {target} {figure}");
                    }
                    same_figure(&line[&format!("{target}_attainment")], &row[target]["attainment"], target);
                    same_figure(&line[&format!("{target}_median_business_minutes")], &row[target]["median_minutes"], target);
                    same_figure(&line[&format!("{target}_p90_business_minutes")], &row[target]["p90_minutes"], target);
                }
            }
        }
        // The figures by hand: answered after 30 and 90 business minutes (one breached),
        // one resolved after 90.
        let answer = api(&app, &s.design_manager, &format!("/api/v1/reports/sla?{period}"), Some("text/csv")).await;
        assert_eq!(answer.header(header::CONTENT_DISPOSITION), "attachment; filename=\"sla-report-service-2026-11-01-2026-12-01.csv\"");
        let sheet = answer.csv();
        assert_eq!(sheet.rows.len(), 1);
        let line = &sheet.rows[0];
        assert_eq!(line["label"], "'=Graphics");
        assert_eq!(line["key"], s.service.to_string());
        let figures = |target: &str| ["met", "breached", "open", "attainment", "median_business_minutes", "p90_business_minutes"]
            .map(|f| line[&format!("{target}_{f}")].clone());
        assert_eq!(figures("first_response"), ["1", "1", "0", "0.5", "30.0", "90.0"]);
        assert_eq!(figures("resolution"), ["1", "0", "1", "1.0", "90.0", "90.0"]);
        assert_eq!(figures("next_update"), ["0", "0", "0", "", "", ""]);

        // Only what the caller may see; bad input named.
        let outsider = api(&app, &s.outsider, &format!("/api/v1/reports/sla?{period}&format=csv"), None).await.csv();
        assert!(outsider.rows.is_empty());
        assert!(outsider.columns.iter().any(|c| c == "resolution_p90_business_minutes"));
        let refused = api(&app, &s.design_manager, "/api/v1/reports/sla?format=xlsx&group_by=colour", None).await;
        refused.field_error("format");
        refused.field_error("group_by");

        // The page's link: the same report for the page's period, with the session.
        let mut manager = app.signed_in(&s.design_manager).await;
        let page = manager.get("/reports/sla?group_by=requester_department&from=2026-11-01&to=2026-11-30").await;
        page.assert(StatusCode::OK);
        let link = csv_link(&page.html);
        assert_eq!(link, "/reports/sla?group_by=requester_department&from=2026-11-01&to=2026-11-30&format=csv");
        let cookie = (header::COOKIE, manager.cookie.clone().unwrap());
        let from_page = get(&app, &link, std::slice::from_ref(&cookie)).await.csv();
        // Design works in London, on UTC in November; `to` names the last day shown.
        let from_api = api(&app, &s.design_manager, "/api/v1/reports/sla?group_by=requester_department&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&format=csv", None).await.csv();
        assert_eq!(from_page.rows, from_api.rows);
        assert_eq!(from_page.rows[0]["label"], "MARKETING");
        assert_eq!(from_page.rows[0]["first_response_median_business_minutes"], "30.0");
        let refused = get(&app, "/reports/sla?format=pdf", &[cookie]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Without a session the page sends people to sign in, not a file.
        let anonymous = get(&app, &link, &[]).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    }

    async fn health_as_csv_has_each_pairs_parts_as_the_json(app: TestApp) {
        let s = app.scene().await;
        setup(&app, &s).await;
        // Monday 09:00: three requests; Design answers two at 09:30. By Tuesday noon the
        // third's first response and all three resolutions (due Tuesday 09:30) are
        // breached: 2 of 6 clocks met.
        let mut requests = Vec::new();
        for n in 1..=3 {
            requests.push(app.file(&s.requester, s.service, &format!("Poster {n}")).await);
        }
        // Finance asks Design four times: a second pair, with more requests.
        for n in 1..=4 {
            app.file(&s.outsider, s.service, &format!("Invoice art {n}")).await;
        }
        app.clock.advance(SignedDuration::from_mins(30));
        for id in &requests[..2] {
            s.designer.post(&format!("/api/v1/requests/{id}/comments"), json!({"body": "On it"})).await.assert(StatusCode::CREATED);
        }
        app.admin().patch(&format!("/api/v1/departments/{}", s.marketing), json!({"name": "=Marketing"})).await.assert(StatusCode::OK);
        app.clock.set(AT.parse().unwrap());
        app.work().await;

        let json = s.requester.get(&format!("/api/v1/health?at={AT}")).await;
        json.assert(StatusCode::OK);
        let answer = api(&app, &s.requester, &format!("/api/v1/health?at={AT}&format=csv"), None).await;
        assert_eq!(answer.header(header::CONTENT_DISPOSITION), "attachment; filename=\"health-2026-11-24.csv\"");
        let sheet = answer.csv();
        let items = json.body["items"].as_array().unwrap();
        assert_eq!(sheet.rows.len(), items.len());
        assert_eq!(items.len(), 2);
        for (line, pair) in sheet.rows.iter().zip(items) {
            assert_eq!((line["window_from"].as_str(), line["window_to"].as_str()),
                       (json.body["from"].as_str().unwrap(), json.body["at"].as_str().unwrap()));
            for key in ["customer_department_id", "provider_department_id", "watermelon", "kudos", "open_concerns", "requests"] {
                assert_eq!(line[key], cell(&pair[key]), "{key}");
            }
            same_figure(&line["score"], &pair["score"], "score");
            same_figure(&line["score_trend"], &pair["score_trend"], "score_trend");
            for part in pair["parts"].as_array().unwrap() {
                let name = part["name"].as_str().unwrap();
                same_figure(&line[&format!("{name}_value")], &part["value"], name);
                same_figure(&line[&format!("{name}_weight")], &part["weight"], name);
                assert_eq!(line[&format!("{name}_events")], cell(&part["events"]), "{name}");
                assert_eq!(line[&format!("{name}_enough")], cell(&part["enough"]), "{name}");
            }
        }
        let line = sheet.rows.iter().find(|r| r["customer_department_id"] == s.marketing.to_string()).unwrap();
        assert_eq!((line["customer"].as_str(), line["provider"].as_str()), ("'=Marketing", "DESIGN"));
        assert_eq!(line["customer_department_id"], s.marketing.to_string());
        assert_eq!((line["sla_value"].as_str(), line["sla_events"].as_str(), line["sla_enough"].as_str()), ("33.3", "6", "true"));
        assert_eq!((line["deliverables_on_time_value"].as_str(), line["deliverables_on_time_events"].as_str()), ("0.0", "4"));
        assert_eq!(line["pulse_value"], "");
        assert_eq!(line["requests"], "3");
        let columns: Vec<&str> = sheet.columns.iter().map(String::as_str).collect();
        assert_eq!(&columns[..12], ["window_from", "window_to", "customer_department_id", "customer",
            "provider_department_id", "provider", "score", "score_trend", "sla_value", "sla_events",
            "sla_enough", "sla_weight"]);

        let by_header = api(&app, &s.requester, &format!("/api/v1/health?at={AT}"), Some("text/csv;q=0.9, */*;q=0.1")).await;
        assert_eq!(by_header.body, answer.body);
        let refused = api(&app, &s.requester, "/api/v1/health?format=xml", None).await;
        assert_eq!(refused.field_error("format"), "must be json or csv");

        // The page's link keeps its instant and order, and gives the same lines in the
        // order the page lists them.
        let browser = app.signed_in(&s.requester).await;
        let cookie = (header::COOKIE, browser.cookie.clone().unwrap());
        let by_id = |rows: &[HashMap<String, String>]| {
            let mut rows = rows.to_vec();
            rows.sort_by_key(|r| r["customer_department_id"].parse::<i64>().unwrap());
            rows
        };
        let mut orders = Vec::new();
        for sort in ["customer", "requests"] {
            let page = browser.clone().get(&format!("/health?at={AT}&sort={sort}")).await;
            page.assert(StatusCode::OK);
            let link = csv_link(&page.html);
            assert_eq!(link, format!("/health?at=2026-11-24T12%3A00%3A00Z&sort={sort}&format=csv"));
            let from_page = get(&app, &link, std::slice::from_ref(&cookie)).await.csv();
            assert_eq!(by_id(&from_page.rows), by_id(&sheet.rows));
            let customers: Vec<String> = from_page.rows.iter().map(|r| r["customer"].clone()).collect();
            orders.push(customers);
        }
        assert_eq!(orders, [["'=Marketing", "FINANCE"], ["FINANCE", "'=Marketing"]]);
    }

    async fn the_request_pages_link_downloads_the_whole_list_it_shows(app: TestApp) {
        let s = app.scene().await;
        let mut filed = Vec::new();
        for subject in ["Poster one", "Banner two", "@Poster three"] {
            filed.push(app.file(&s.requester, s.service, subject).await);
        }
        s.designer.patch(&format!("/api/v1/requests/{}", filed[0]), json!({"status": "in_progress"})).await.assert(StatusCode::OK);

        let mut designer = app.signed_in(&s.designer).await;
        let page = designer.get("/requests?view=queue&status=all").await;
        page.assert(StatusCode::OK);
        let link = csv_link(&page.html);
        assert_eq!(link, "/requests?view=queue&status=all&format=csv");
        let cookie = (header::COOKIE, designer.cookie.clone().unwrap());
        let answer = get(&app, &link, std::slice::from_ref(&cookie)).await;
        assert!(answer.header(header::CONTENT_DISPOSITION).starts_with("attachment; filename=\"requests-queue-"));
        let sheet = answer.csv();
        let queue = s.designer.all_ids(&format!("/api/v1/requests?limit=1&provider_department_id={}", s.design)).await;
        assert_eq!(sheet.ids("id"), queue);
        assert_eq!(queue.len(), 3);
        let third = sheet.rows.iter().find(|r| r["id"] == filed[2].to_string()).unwrap();
        assert_eq!(third["subject"], "'@Poster three");

        // The filters on the page are the file's: a status and words.
        let page = designer.get("/requests?view=queue&status=in_progress&q=poster").await;
        let link = csv_link(&page.html);
        assert_eq!(link, "/requests?view=queue&status=in_progress&q=poster&format=csv");
        assert_eq!(get(&app, &link, std::slice::from_ref(&cookie)).await.csv().ids("id"), [filed[0]]);
        // What the requester filed, as they see it.
        let mut requester = app.signed_in(&s.requester).await;
        let page = requester.get("/requests?view=mine").await;
        let link = csv_link(&page.html);
        let mine = get(&app, &link, &[(header::COOKIE, requester.cookie.clone().unwrap())]).await.csv();
        let mut ids = mine.ids("id");
        ids.sort();
        assert_eq!(ids, filed);
        // A format the page does not know is refused.
        assert_eq!(get(&app, "/requests?format=xml", &[cookie]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

both_engines! {
    async fn a_long_list_comes_whole_past_each_batch_read(app: TestApp) {
        let s = app.scene().await;
        let mut filed = Vec::new();
        for n in 0..1003 {
            filed.push(app.file(&s.requester, s.service, &format!("Poster {n}")).await);
        }
        let sheet = api(&app, &s.design_manager, "/api/v1/requests?sort=id&format=csv", None).await.csv();
        assert_eq!(sheet.ids("id"), filed);
        // From a cursor on, as the JSON pages go.
        let json = s.design_manager.get("/api/v1/requests?sort=id&limit=200").await;
        let cursor = json.body["next_cursor"].as_str().unwrap();
        let rest = api(&app, &s.design_manager, &format!("/api/v1/requests?sort=id&cursor={cursor}&format=csv"), None).await.csv();
        assert_eq!(rest.ids("id"), filed[200..]);
    }
}
