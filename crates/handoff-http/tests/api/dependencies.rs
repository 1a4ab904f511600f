//! Dependencies between departments, "my internal customers", recurring deliverables with
//! their occurrences, alarms, rates and calendar feeds.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, Scene, TestApp, both_engines};

/// Design (London, Monday to Friday, New Year's Day off) owes Marketing; returns the
/// calendar's id.
async fn london(s: &Scene) -> i64 {
    let day = json!([["09:00", "17:30"]]);
    let res = s
        .design_manager
        .post(
            "/api/v1/calendars",
            json!({
                "department_id": s.design, "name": "London", "time_zone": "Europe/London",
                "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
                "holidays": [{"date": "2027-01-01", "name": "New Year's Day"}]
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    s.design_manager
        .patch(
            &format!("/api/v1/departments/{}", s.design),
            json!({"calendar_id": res.id()}),
        )
        .await
        .assert(StatusCode::OK);
    res.id()
}

fn dependency(s: &Scene, customer_owner: i64, provider_owner: i64) -> Value {
    json!({
        "customer_department_id": s.marketing, "provider_department_id": s.design,
        "what": "campaign artwork", "criticality": "high",
        "customer_owner_id": customer_owner, "provider_owner_id": provider_owner,
        "expectation": "Artwork for every campaign two weeks before launch",
        "service_ids": [s.service]
    })
}

async fn count(client: &Client, path: &str) -> usize {
    let res = client.get(path).await;
    res.assert(StatusCode::OK);
    res.body["items"].as_array().unwrap().len()
}

fn items(res: &crate::support::Res) -> Vec<Value> {
    res.body["items"].as_array().unwrap().clone()
}

both_engines! {
    async fn a_dependency_is_proposed_by_either_side_and_agreed_by_the_provider(app: TestApp) {
        let s = app.scene().await;
        let marketing_manager = app.manager(s.marketing).await;
        let body = dependency(&s, s.requester.person_id, s.designer.person_id);

        // Someone who manages neither side may not propose it.
        s.outsider.post("/api/v1/dependencies", body.clone()).await.assert(StatusCode::FORBIDDEN);
        s.requester.post("/api/v1/dependencies", body.clone()).await.assert(StatusCode::FORBIDDEN);

        let res = marketing_manager.post("/api/v1/dependencies", body.clone()).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        assert_eq!(res.body["state"], "proposed");
        assert_eq!(res.body["service_ids"], json!([s.service]));
        assert_eq!(res.body["criticality"], "high");

        // The customer cannot agree on the provider's behalf.
        let agree = format!("/api/v1/dependencies/{id}/agree");
        marketing_manager.post(&agree, json!({})).await.assert(StatusCode::FORBIDDEN);
        s.designer.post(&agree, json!({})).await.assert(StatusCode::FORBIDDEN);
        let res = s.design_manager.post(&agree, json!({})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "agreed");
        assert_eq!(res.body["agreed_by"], s.design_manager.person_id);
        let res = s.design_manager.post(&agree, json!({})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "illegal_transition");

        // Changed terms go back to the provider for agreement; the departments never change.
        let path = format!("/api/v1/dependencies/{id}");
        let res = marketing_manager.patch(&path, json!({"criticality": "critical"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "proposed");
        assert_eq!(res.body["criticality"], "critical");
        let res = marketing_manager.patch(&path, json!({"provider_department_id": s.marketing})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("provider_department_id").is_some());

        // Cycles are real: Design depends on Marketing too.
        let mut back = dependency(&s, s.designer.person_id, s.requester.person_id);
        back["customer_department_id"] = json!(s.design);
        back["provider_department_id"] = json!(s.marketing);
        back["service_ids"] = json!([]);
        let res = s.design_manager.post("/api/v1/dependencies", back).await;
        res.assert(StatusCode::CREATED);

        // The register filters by department, criticality and state.
        let list = |q: String| {
            let c = s.requester.clone();
            async move { c.all_ids(&format!("/api/v1/dependencies?{q}")).await }
        };
        assert_eq!(list(format!("customer_department_id={}", s.marketing)).await, vec![id]);
        assert_eq!(list(format!("department_id={}", s.marketing)).await.len(), 2);
        assert_eq!(list("criticality=critical".into()).await, vec![id]);
        assert_eq!(list("state=agreed".into()).await, Vec::<i64>::new());
        let res = s.requester.get("/api/v1/dependencies?criticality=urgent").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("criticality").is_some());

        let res = s.design_manager.post(&format!("/api/v1/dependencies/{id}/retire"), json!({})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "retired");
        let res = marketing_manager.patch(&path, json!({"what": "anything"})).await;
        res.assert(StatusCode::CONFLICT);
        let res = s.outsider.get(&path).await;
        res.assert(StatusCode::OK);
    }

    async fn bad_dependencies_are_refused_by_field_and_nothing_is_stored(app: TestApp) {
        let s = app.scene().await;
        let cases: Vec<(Value, &str)> = vec![
            (json!({"provider_department_id": s.marketing}), "provider_department_id"),
            (json!({"customer_owner_id": s.designer.person_id}), "customer_owner_id"),
            (json!({"provider_owner_id": s.requester.person_id}), "provider_owner_id"),
            (json!({"criticality": "urgent"}), "criticality"),
            (json!({"what": "  "}), "what"),
            (json!({"expectation": ""}), "expectation"),
            (json!({"service_ids": [s.service + 1000]}), "service_ids.0"),
            (json!({"customer_department_id": 999_999}), "customer_department_id"),
        ];
        for (change, field) in cases {
            let mut body = dependency(&s, s.requester.person_id, s.designer.person_id);
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let res = app.admin().post("/api/v1/dependencies", body).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        }
        // A service of another department does not fulfil Design's side.
        let other = app.department("legal").await;
        let legal_manager = app.manager(other).await;
        let res = legal_manager.post("/api/v1/services", json!({"department_id": other, "name": "Contracts", "description": "Review"})).await;
        res.assert(StatusCode::CREATED);
        let mut body = dependency(&s, s.requester.person_id, s.designer.person_id);
        body["service_ids"] = json!([s.service, res.id()]);
        let res = s.design_manager.post("/api/v1/dependencies", body).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("service_ids.1").is_some());
        assert_eq!(count(&s.requester, "/api/v1/dependencies").await, 0);
    }

    async fn a_deliverable_on_the_third_business_day_is_late_warned_and_escalated_once(app: TestApp) {
        let s = app.scene().await;
        london(&s).await;
        let owner = s.requester.clone();
        let res = s.design_manager.post("/api/v1/deliverables", json!({
            "provider_department_id": s.design, "customer_department_id": s.marketing,
            "name": "Monthly brand report", "rrule": "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3",
            "due_time": "12:00", "starts_on": "2026-09-01",
            "provider_owner_id": s.designer.person_id, "customer_owner_id": owner.person_id
        })).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        assert_eq!(res.body["warn_minutes"], 240);

        // Now is Monday 23 November 2026. The 3rd business days in London: Thu 3 Sep
        // (BST), Mon 5 Oct (BST), Wed 4 Nov, Thu 3 Dec; in January the 1st is a holiday,
        // so Wed 6 Jan.
        let res = s.requester.get(&format!("/api/v1/deliverables/{id}/occurrences?from=2026-09-01T00:00:00Z&to=2027-02-01T00:00:00Z")).await;
        res.assert(StatusCode::OK);
        let got: Vec<(String, String)> = items(&res).iter().map(|o| (o["due_at"].as_str().unwrap().to_owned(), o["state"].as_str().unwrap().to_owned())).collect();
        let want = [
            ("2026-09-03T11:00:00Z", "missed"), ("2026-10-05T11:00:00Z", "missed"),
            ("2026-11-04T12:00:00Z", "late"), ("2026-12-03T12:00:00Z", "upcoming"),
            ("2027-01-06T12:00:00Z", "upcoming"),
        ];
        assert_eq!(got, want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec());
        let december = items(&res)[3]["id"].as_i64().unwrap();
        let november = items(&res)[2]["id"].as_i64().unwrap();

        // Nothing is told about the past on creation.
        app.work().await;
        assert!(kinds(&s.designer).await.is_empty());

        // 08:30 on 3 December: within the four hours before the due time. Two workers
        // step at once; the warning is raised once.
        app.clock.set("2026-12-03T08:30:00Z".parse().unwrap());
        let (a, b) = tokio::join!(handoff_app::jobs::step(&app.actions), handoff_app::jobs::step(&app.actions));
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut warned = a.deliverables.warned.clone();
        warned.extend(&b.deliverables.warned);
        assert_eq!(warned, vec![december]);
        let res = s.designer.get("/api/v1/notifications").await;
        let notes = items(&res);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0]["kind"], "deliverable_warning");
        assert_eq!(notes[0]["deliverable_id"], id);
        assert_eq!(notes[0]["occurrence_id"], december);
        // The worker wrote occurrences ahead again: March's is there now.
        let res = s.requester.get(&format!("/api/v1/deliverables/{id}/occurrences?from=2027-03-01T00:00:00Z&to=2027-03-31T00:00:00Z")).await;
        assert_eq!(items(&res).iter().map(|o| o["due_at"].clone()).collect::<Vec<_>>(), vec![json!("2027-03-03T12:00:00Z")]);

        // At the due time, undelivered: late, escalated to both owners and Design's
        // managers, once.
        app.clock.set("2026-12-03T12:00:00Z".parse().unwrap());
        let (a, b) = tokio::join!(handoff_app::jobs::step(&app.actions), handoff_app::jobs::step(&app.actions));
        let mut late = a.unwrap().deliverables.late;
        late.extend(b.unwrap().deliverables.late);
        assert_eq!(late, vec![december]);
        app.work().await;
        for client in [&s.designer, &s.design_manager, &owner] {
            let k = kinds(client).await;
            assert_eq!(k.iter().filter(|k| *k == "deliverable_late").count(), 1, "{k:?}");
        }
        let res = s.requester.get(&format!("/api/v1/occurrences/{december}")).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "late");
        let history: Vec<&str> = res.body["history"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(history, ["warned", "late", "escalated"]);

        // Delivery: only the providing department, once, with a link or a note.
        app.clock.set("2026-12-03T12:30:00Z".parse().unwrap());
        let deliver = format!("/api/v1/occurrences/{december}/deliver");
        s.requester.post(&deliver, json!({"note": "done"})).await.assert(StatusCode::FORBIDDEN);
        let res = s.designer.post(&deliver, json!({})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("note").is_some());
        let res = s.designer.post(&deliver, json!({"link": "ftp://x"})).await;
        assert!(res.field_error("link").is_some());
        let res = s.designer.post(&deliver, json!({"link": "https://files.example.org/brand-dec.pdf"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "delivered");
        assert_eq!(res.body["on_time"], false);
        let res = s.designer.post(&deliver, json!({"note": "again"})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "already_delivered");

        // Review: only the receiving department, once; a problem needs a note.
        let review = format!("/api/v1/occurrences/{december}/review");
        s.designer.post(&review, json!({"accurate": true})).await.assert(StatusCode::FORBIDDEN);
        let res = s.requester.post(&review, json!({"accurate": false})).await;
        assert!(res.field_error("note").is_some());
        let res = s.requester.post(&review, json!({"accurate": false, "note": "November's figures"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["accurate"], false);
        s.requester.post(&review, json!({"accurate": true})).await.assert(StatusCode::CONFLICT);
        assert!(kinds(&s.design_manager).await.contains(&"deliverable_problem".to_owned()));
        s.requester.post(&format!("/api/v1/occurrences/{november}/review"), json!({"accurate": true})).await.assert(StatusCode::CONFLICT);
        s.designer.post(&format!("/api/v1/occurrences/{november}/deliver"), json!({"note": "Sent by mail"})).await.assert(StatusCode::OK);
        s.requester.post(&format!("/api/v1/occurrences/{november}/review"), json!({"accurate": true})).await.assert(StatusCode::OK);

        // Rates: of the four due, none on time; of two reviewed, one accurate.
        let res = s.outsider.get(&format!("/api/v1/deliverables/{id}/rates")).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["occurrences"], 4);
        assert_eq!(res.body["on_time"], 0.0);
        assert_eq!(res.body["accurate"], 0.5);
        let res = s.outsider.get(&format!("/api/v1/deliverable-rates?provider_department_id={}&customer_department_id={}", s.design, s.marketing)).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["occurrences"], 4);
        let res = s.outsider.get(&format!("/api/v1/deliverable-rates?provider_department_id={}", s.design)).await;
        assert!(res.field_error("customer_department_id").is_some());
    }

    async fn a_new_holiday_moves_the_occurrences_not_yet_delivered(app: TestApp) {
        let s = app.scene().await;
        let calendar = london(&s).await;
        let res = s.design_manager.post("/api/v1/deliverables", json!({
            "provider_department_id": s.design, "customer_department_id": s.marketing,
            "name": "Headcount", "rrule": "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=1",
            "due_time": "09:30", "starts_on": "2026-12-01",
            "provider_owner_id": s.designer.person_id, "customer_owner_id": s.requester.person_id
        })).await;
        res.assert(StatusCode::CREATED);
        let path = format!("/api/v1/deliverables/{}/occurrences?from=2026-12-01T00:00:00Z&to=2027-02-28T00:00:00Z", res.id());
        let due = |res: crate::support::Res| items(&res).iter().map(|o| o["due_at"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        // The 1st business days: Tue 1 Dec, Mon 4 Jan (the 1st is a holiday), Mon 1 Feb.
        assert_eq!(due(s.requester.get(&path).await), ["2026-12-01T09:30:00Z", "2027-01-04T09:30:00Z", "2027-02-01T09:30:00Z"]);
        // Design closes on 1 and 2 December, and 1 February.
        let res = s.design_manager.patch(&format!("/api/v1/calendars/{calendar}"), json!({
            "holidays": [{"date": "2026-12-01"}, {"date": "2026-12-02"}, {"date": "2027-01-01"}, {"date": "2027-02-01"}]
        })).await;
        res.assert(StatusCode::OK);
        app.work().await;
        assert_eq!(due(s.requester.get(&path).await), ["2026-12-03T09:30:00Z", "2027-01-04T09:30:00Z", "2027-02-02T09:30:00Z"]);
    }

    async fn bad_deliverables_are_refused_by_field_and_nothing_is_stored(app: TestApp) {
        let s = app.scene().await;
        london(&s).await;
        let base = json!({
            "provider_department_id": s.design, "customer_department_id": s.marketing,
            "name": "Weekly figures", "rrule": "FREQ=WEEKLY;BYDAY=FR", "due_time": "16:00",
            "starts_on": "2026-11-27",
            "provider_owner_id": s.designer.person_id, "customer_owner_id": s.requester.person_id
        });
        let cases: Vec<(Value, &str)> = vec![
            (json!({"customer_department_id": s.design}), "customer_department_id"),
            (json!({"provider_owner_id": s.requester.person_id}), "provider_owner_id"),
            (json!({"customer_owner_id": s.designer.person_id}), "customer_owner_id"),
            (json!({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}), "rrule"),
            (json!({"rrule": "FREQ=MINUTELY;INTERVAL=30"}), "rrule"),
            (json!({"rrule": "FREQ=DAILY;BYMINUTE=0,30"}), "rrule"),
            (json!({"rrule": "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=25"}), "rrule"),
            (json!({"rrule": "FREQ=WEEKLY;X-HANDOFF-BUSINESS-DAY=2"}), "rrule"),
            (json!({"rrule": "not a rule"}), "rrule"),
            (json!({"due_time": "25:00"}), "due_time"),
            (json!({"starts_on": "2026-13-01"}), "starts_on"),
            (json!({"starts_on": "2020-01-01"}), "starts_on"),
            (json!({"name": ""}), "name"),
            (json!({"warn_minutes": -5}), "warn_minutes"),
            (json!({"dependency_id": 999_999}), "dependency_id"),
        ];
        for (change, field) in cases {
            let mut body = base.clone();
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let res = s.design_manager.post("/api/v1/deliverables", body).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        }
        s.designer.post("/api/v1/deliverables", base.clone()).await.assert(StatusCode::FORBIDDEN);
        assert_eq!(count(&s.requester, "/api/v1/deliverables").await, 0);
        // The receiving department's manager may create it as well.
        let marketing_manager = app.manager(s.marketing).await;
        marketing_manager.post("/api/v1/deliverables", base).await.assert(StatusCode::CREATED);
    }

    async fn my_internal_customers_and_calendar_feeds(app: TestApp) {
        let s = app.scene().await;
        let marketing_manager = app.manager(s.marketing).await;
        let res = marketing_manager.post("/api/v1/dependencies", dependency(&s, s.requester.person_id, s.designer.person_id)).await;
        res.assert(StatusCode::CREATED);
        let dep = res.id();
        s.design_manager.post(&format!("/api/v1/dependencies/{dep}/agree"), json!({})).await.assert(StatusCode::OK);
        let res = s.design_manager.post("/api/v1/deliverables", json!({
            "provider_department_id": s.design, "customer_department_id": s.marketing,
            "name": "Campaign calendar", "rrule": "FREQ=WEEKLY;BYDAY=FR", "due_time": "16:00",
            "starts_on": "2026-11-23", "dependency_id": dep,
            "provider_owner_id": s.designer.person_id, "customer_owner_id": s.requester.person_id
        })).await;
        res.assert(StatusCode::CREATED);
        let deliverable = res.id();
        app.file(&s.requester, s.service, "Poster").await;
        app.file(&s.colleague, s.service, "Banner").await;

        let res = s.outsider.get(&format!("/api/v1/people/{}/internal-customers", s.designer.person_id)).await;
        res.assert(StatusCode::OK);
        let customers = res.body["customers"].as_array().unwrap();
        assert_eq!(customers.len(), 1);
        let c = &customers[0];
        assert_eq!(c["department_id"], s.marketing);
        assert_eq!(c["dependency_id"], dep);
        assert_eq!(c["criticality"], "high");
        assert_eq!(c["personal"], true);
        assert_eq!(c["open_requests"], 2);
        assert_eq!(c["owed"][0]["deliverable_id"], deliverable);
        assert_eq!(c["owed"][0]["due_at"], "2026-11-27T16:00:00Z");
        assert_eq!(res.body["providers"], json!([]));

        let res = s.requester.get(&format!("/api/v1/people/{}/internal-customers", s.requester.person_id)).await;
        let providers = res.body["providers"].as_array().unwrap();
        assert_eq!(providers.len(), 1);
        assert_eq!(providers[0]["department_id"], s.design);
        assert_eq!(providers[0]["open_requests"], 2);
        s.requester.get("/api/v1/people/999999/internal-customers").await.assert(StatusCode::NOT_FOUND);

        // A calendar feed opens with its secret, and only with the current one.
        let feed = format!("/api/v1/departments/{}/deliverables.ics", s.design);
        app.anonymous().get(&feed).await.assert(StatusCode::UNAUTHORIZED);
        let res = s.designer.post("/api/v1/me/calendar-feed", json!({})).await;
        res.assert(StatusCode::CREATED);
        let key = res.body["key"].as_str().unwrap().to_owned();
        assert_eq!(res.body["department_feed"], format!("{feed}?key={key}"));
        let (status, body) = app.anonymous().text(&format!("{feed}?key={key}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.starts_with("BEGIN:VCALENDAR"), "{body}");
        assert!(body.contains("SUMMARY:Due: Campaign calendar"), "{body}");
        assert!(body.contains("DTSTART:20261127T160000Z"), "{body}");
        let (status, person) = app.anonymous().text(&format!("/api/v1/people/{}/deliverables.ics?key={key}", s.requester.person_id)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(person.contains("Campaign calendar"));
        s.designer.post("/api/v1/me/calendar-feed", json!({})).await.assert(StatusCode::CREATED);
        let (status, _) = app.anonymous().text(&format!("{feed}?key={key}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

async fn kinds(client: &Client) -> Vec<String> {
    let res = client.get("/api/v1/notifications").await;
    res.assert(StatusCode::OK);
    items(&res)
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}
