//! Relationship pulses: who is asked, anonymous answers, what results show at and around
//! the anonymity threshold, and a walk through every route and page looking for anything
//! that ties an answer to the person who gave it.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Client, TestApp, both_engines};

const CLOSES: &str = "2026-11-30T17:00:00Z";

async fn start(by: &Client, providers: &[i64], customers: &[i64]) -> i64 {
    let res = by
        .post(
            "/api/v1/pulses",
            json!({"provider_department_ids": providers, "customer_department_ids": customers, "closes_at": CLOSES}),
        )
        .await;
    res.assert(StatusCode::CREATED);
    res.id()
}

async fn answer(client: &Client, pulse: i64, provider: i64, score: i32) {
    let res = client
        .post(
            &format!("/api/v1/pulses/{pulse}/responses"),
            json!({"provider_department_id": provider, "score": score, "works": "", "change": ""}),
        )
        .await;
    res.assert(StatusCode::CREATED);
}

async fn members(app: &TestApp, department: i64, n: usize) -> Vec<Client> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(app.member(department).await);
    }
    out
}

async fn results(client: &Client, pulse: i64) -> Value {
    let res = client.get(&format!("/api/v1/pulses/{pulse}/results")).await;
    res.assert(StatusCode::OK);
    res.body
}

fn item(results: &Value, provider: i64, customer: Option<i64>) -> &Value {
    results["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["provider_department_id"] == provider
                && i["customer_department_id"] == json!(customer)
        })
        .unwrap_or_else(|| panic!("no item {provider}/{customer:?} in {results}"))
}

fn hidden(item: &Value) -> bool {
    item["shown"] == false
        && item["responses"].is_null()
        && item["score"].is_null()
        && item["works"].as_array().unwrap().is_empty()
        && item["change"].as_array().unwrap().is_empty()
        && item["trend"].is_null()
}

both_engines! {
    async fn results_show_only_at_the_threshold_and_only_once_closed(app: TestApp) {
        let design = app.department("design").await;
        let manager = app.manager(design).await;
        for (n, shown) in [(2, false), (4, false), (5, true), (6, true)] {
            let customer = app.department(&format!("c{n}")).await;
            let people = members(&app, customer, n).await;
            let pulse = start(&manager, &[design], &[customer]).await;
            for (i, person) in people.iter().enumerate() {
                answer(person, pulse, design, 1 + (i as i32 % 5)).await;
            }
            // While open, nothing shows: watching the count grow would give answers away.
            let open = results(&manager, pulse).await;
            assert_eq!(open["closed"], false);
            assert!(hidden(item(&open, design, None)));
            manager.post(&format!("/api/v1/pulses/{pulse}/close"), json!({})).await.assert(StatusCode::OK);
            let closed = results(&manager, pulse).await;
            assert_eq!(closed["threshold"], 5);
            for slice in [item(&closed, design, None), item(&closed, design, Some(customer))] {
                if shown {
                    assert_eq!(slice["shown"], true, "{n} answers: {closed}");
                    assert_eq!(slice["responses"], n);
                    assert!(slice["score"].as_f64().is_some());
                } else {
                    assert!(hidden(slice), "{n} answers must say nothing: {closed}");
                }
            }
        }
    }

    async fn a_slice_that_could_be_subtracted_from_the_total_is_withheld(app: TestApp) {
        let design = app.department("design").await;
        let marketing = app.department("marketing").await;
        let finance = app.department("finance").await;
        let manager = app.manager(design).await;
        let in_marketing = members(&app, marketing, 5).await;
        let in_finance = members(&app, finance, 2).await;
        let pulse = start(&manager, &[design], &[marketing, finance]).await;
        for p in in_marketing.iter().chain(&in_finance) {
            answer(p, pulse, design, 4).await;
        }
        app.clock.set(CLOSES.parse().unwrap());
        app.work().await;
        let r = results(&manager, pulse).await;
        assert_eq!(r["closed"], true);
        let total = item(&r, design, None);
        assert_eq!(total["shown"], true);
        assert_eq!(total["responses"], 7);
        // 5 of 7 shown would tell what Finance's 2 answered.
        assert!(hidden(item(&r, design, Some(marketing))), "{r}");
        assert!(hidden(item(&r, design, Some(finance))));
    }

    async fn answers_are_anonymous_replaceable_and_only_from_those_asked_while_open(app: TestApp) {
        let design = app.department("design").await;
        let marketing = app.department("marketing").await;
        let finance = app.department("finance").await;
        let manager = app.manager(design).await;
        let people = members(&app, marketing, 5).await;
        let outsider = app.member(finance).await;
        // Managers ask about their own department only; members not at all.
        let res = manager.post("/api/v1/pulses", json!({"provider_department_ids": [finance], "customer_department_ids": [marketing], "closes_at": CLOSES})).await;
        res.assert(StatusCode::FORBIDDEN);
        let res = people[0].post("/api/v1/pulses", json!({"provider_department_ids": [marketing], "customer_department_ids": [design], "closes_at": CLOSES})).await;
        res.assert(StatusCode::FORBIDDEN);
        let res = manager.post("/api/v1/pulses", json!({"provider_department_ids": [design], "customer_department_ids": [marketing], "closes_at": "2026-11-01T00:00:00Z"})).await;
        assert!(res.field_error("closes_at").is_some());
        let res = manager.post("/api/v1/pulses", json!({"provider_department_ids": [design], "customer_department_ids": [], "closes_at": CLOSES})).await;
        assert!(res.field_error("customer_department_ids").is_some());
        assert!(app.admin().get("/api/v1/pulses").await.ids().is_empty());

        let pulse = start(&manager, &[design], &[marketing]).await;
        let got = manager.get(&format!("/api/v1/pulses/{pulse}")).await;
        assert_eq!(got.body["invited"], 5);
        let asks = people[0].get("/api/v1/me/asks").await;
        assert_eq!(asks.body["pulses"][0]["pulse_id"], pulse);
        assert_eq!(asks.body["pulses"][0]["provider_department_id"], design);

        let path = format!("/api/v1/pulses/{pulse}/responses");
        let res = people[0].post(&path, json!({"provider_department_id": design, "score": 9})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("score").is_some());
        let res = people[0].post(&path, json!({"provider_department_id": finance, "score": 3})).await;
        assert!(res.field_error("provider_department_id").is_some());
        outsider.post(&path, json!({"provider_department_id": design, "score": 3})).await.assert(StatusCode::NOT_FOUND);
        let res = manager.post(&path, json!({"provider_department_id": design, "score": 3})).await;
        res.assert(StatusCode::FORBIDDEN);

        let res = people[0].post(&path, json!({"provider_department_id": design, "score": 1, "works": "", "change": "Answer the phone"})).await;
        res.assert(StatusCode::CREATED);
        assert_eq!(res.body, json!({"pulse_id": pulse, "provider_department_id": design, "received": true}));
        assert!(people[0].get("/api/v1/me/asks").await.body["pulses"].as_array().unwrap().is_empty());
        // A second answer replaces the first.
        answer(&people[0], pulse, design, 5).await;
        for p in &people[1..] {
            answer(p, pulse, design, 5).await;
        }
        app.clock.set(CLOSES.parse().unwrap());
        let res = people[1].post(&path, json!({"provider_department_id": design, "score": 1})).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.field_error("pulse_id").is_some());
        let r = results(&manager, pulse).await;
        let total = item(&r, design, None);
        assert_eq!(total["responses"], 5);
        assert_eq!(total["score"], 5.0);
        assert!(total["change"].as_array().unwrap().is_empty(), "the replaced answer is gone");
        outsider.get(&format!("/api/v1/pulses/{pulse}/results")).await.assert(StatusCode::NOT_FOUND);
    }

    async fn results_trend_against_the_previous_pulse_of_the_pair(app: TestApp) {
        let design = app.department("design").await;
        let marketing = app.department("marketing").await;
        let manager = app.manager(design).await;
        let people = members(&app, marketing, 5).await;
        let first = start(&manager, &[design], &[marketing]).await;
        for p in &people {
            answer(p, first, design, 2).await;
        }
        manager.post(&format!("/api/v1/pulses/{first}/close"), json!({})).await.assert(StatusCode::OK);
        assert!(item(&results(&manager, first).await, design, None)["trend"].is_null());
        app.clock.advance(SignedDuration::from_hours(1));
        let second = start(&manager, &[design], &[marketing]).await;
        for p in &people {
            answer(p, second, design, 4).await;
        }
        manager.post(&format!("/api/v1/pulses/{second}/close"), json!({})).await.assert(StatusCode::OK);
        let r = results(&manager, second).await;
        let trend = &item(&r, design, Some(marketing))["trend"];
        assert_eq!(trend["previous_pulse_id"], first);
        assert_eq!(trend["previous_score"], 2.0);
        assert_eq!(trend["change"], 2.0);
    }

    async fn nothing_ties_an_anonymous_answer_to_its_author_on_any_route_or_page(app: TestApp) {
        let design = app.department("design").await;
        let marketing = app.department("marketing").await;
        let manager = app.manager(design).await;
        let mut responders = Vec::new();
        for i in 1..=5 {
            responders.push(app.named(marketing, &format!("Quentin Responder{i}"), &format!("quentin.responder{i}@example.org")).await);
        }
        let pulse = start(&manager, &[design], &[marketing]).await;
        for (i, r) in responders.iter().enumerate() {
            r.post(&format!("/api/v1/pulses/{pulse}/responses"), json!({
                "provider_department_id": design, "score": 1 + i as i32 % 5,
                "works": format!("secret-works-{i}"), "change": format!("secret-change-{i}")
            })).await.assert(StatusCode::CREATED);
        }
        let res = responders[0].post("/api/v1/concerns", json!({
            "about_department_id": design, "problem": "secret-problem", "proposal": "secret-proposal", "anonymous": true
        })).await;
        res.assert(StatusCode::CREATED);
        let concern = res.id();
        manager.post(&format!("/api/v1/pulses/{pulse}/close"), json!({})).await.assert(StatusCode::OK);
        app.clock.advance(SignedDuration::from_hours(48));
        app.work().await;
        // The results are shown: the texts are there to be found next to an author.
        let shown = results(&manager, pulse).await;
        assert_eq!(item(&shown, design, None)["responses"], 5);

        let secrets: Vec<String> = (0..5)
            .flat_map(|i| [format!("secret-works-{i}"), format!("secret-change-{i}")])
            .chain(["secret-problem".to_owned(), "secret-proposal".to_owned()])
            .collect();
        let names: Vec<String> = (1..=5).flat_map(|i| [format!("Responder{i}"), format!("quentin.responder{i}")]).collect();
        let ids: Vec<i64> = responders.iter().map(|r| r.person_id).collect();
        let mut candidates: Vec<i64> = vec![pulse, concern, design, marketing, manager.person_id];
        candidates.extend(&ids);
        candidates.extend(1..=4);

        let doc = app.anonymous().get("/api/v1/openapi.json").await.body;
        let mut visited = 0;
        let mut found = 0;
        for (template, item) in doc["paths"].as_object().unwrap() {
            if item.get("get").is_none() {
                continue;
            }
            let paths: Vec<String> = if template.contains('{') {
                candidates.iter().map(|id| {
                    let mut p = template.clone();
                    while let (Some(a), Some(b)) = (p.find('{'), p.find('}')) {
                        p.replace_range(a..=b, &id.to_string());
                    }
                    p
                }).collect()
            } else {
                vec![template.clone()]
            };
            for path in paths {
                for reader in [app.admin(), &manager] {
                    if path.ends_with(".ics") || path.ends_with(".svg") {
                        // Calendar feeds and drawings answer text, not JSON.
                        let (_, text) = reader.text(&path).await;
                        visited += 1;
                        assert!(!secrets.iter().any(|s| text.contains(s)), "{path} shows an answer");
                        continue;
                    }
                    let res = reader.get(&path).await;
                    visited += 1;
                    let text = res.body.to_string();
                    if !secrets.iter().any(|s| text.contains(s)) {
                        continue;
                    }
                    found += 1;
                    for name in &names {
                        assert!(!text.contains(name), "{path} shows {name} beside an anonymous answer: {text}");
                    }
                    check_no_author(&res.body, &secrets, &ids, &path);
                }
            }
        }
        assert!(visited > 100, "walked {visited} routes");
        assert!(found >= 3, "the answers were found on {found} routes only");

        // Every page an admin or the provider's manager reaches.
        let pages = ["/requests", "/requests?view=queue", "/catalog", "/calendars", "/reports/sla",
            "/reports/handoffs", "/notifications", "/jobs", "/settings", "/asks", "/kudos", "/stories",
            "/concerns", "/pulses", "/organisation", "/dependencies", "/internal-customers"];
        let mut page_paths: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
        page_paths.push(format!("/pulses/{pulse}"));
        page_paths.push(format!("/concerns/{concern}"));
        page_paths.push(format!("/departments/{design}/digest"));
        page_paths.push(format!("/departments/{design}"));
        let mut pages_found = 0;
        for client in [app.admin().clone(), manager.clone()] {
            let mut browser = app.signed_in(&client).await;
            for path in &page_paths {
                let page = browser.get(path).await;
                if secrets.iter().any(|s| page.html.contains(s)) {
                    pages_found += 1;
                    for name in &names {
                        assert!(!page.html.contains(name), "page {path} shows {name} beside an anonymous answer");
                    }
                }
            }
        }
        assert!(pages_found >= 2, "the answers were found on {pages_found} pages only");
    }
}

/// No object holding an anonymous text names one of the responders by id.
fn check_no_author(value: &Value, secrets: &[String], ids: &[i64], path: &str) {
    match value {
        Value::Array(items) => items
            .iter()
            .for_each(|v| check_no_author(v, secrets, ids, path)),
        Value::Object(map) => {
            let holds = map.values().any(|v| match v {
                Value::String(s) => secrets.iter().any(|x| s.contains(x)),
                Value::Array(a) => a.iter().any(|v| {
                    v.as_str()
                        .is_some_and(|s| secrets.iter().any(|x| s.contains(x)))
                }),
                _ => false,
            });
            if holds {
                for (key, v) in map {
                    let about_people = key.ends_with("_by")
                        || key.ends_with("_by_id")
                        || key.contains("person")
                        || key == "author_id";
                    if about_people && let Some(id) = v.as_i64() {
                        assert!(
                            !ids.contains(&id),
                            "{path}: {key} = {id} beside an anonymous answer"
                        );
                    }
                }
            }
            map.values()
                .for_each(|v| check_no_author(v, secrets, ids, path));
        }
        _ => {}
    }
}
