//! History imported as events comes out as if it had happened live: the health story of
//! `health.rs`, replayed from a file, gives the same figures.

use axum::http::StatusCode;
use handoff_app::import;
use serde_json::{Value, json};

use crate::health::{AT, part, setup};
use crate::support::{Client, TestApp, both_engines};

async fn email(client: &Client) -> String {
    let res = client
        .get(&format!("/api/v1/people/{}", client.person_id))
        .await;
    res.assert(StatusCode::OK);
    res.body["email"].as_str().unwrap().to_owned()
}

fn jsonl(lines: &[Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

both_engines! {
    async fn an_imported_history_scores_as_if_it_happened_live(app: TestApp) {
        let s = app.scene().await;
        let (deliverable, _) = setup(&app, &s).await;
        let requester = email(&s.requester).await;
        let designer = email(&s.designer).await;
        let mut events = Vec::new();
        for n in 1..=6 {
            events.push(json!({"at": "2026-11-23T09:00:00Z", "event": "request_created",
                "ref": format!("r{n}"), "service_id": s.service, "requester_email": requester,
                "subject": format!("Poster {n}"), "description": "Details follow.",
                "priority": "normal", "fields": {"format": "banner"}}));
        }
        for n in 1..=4 {
            events.push(json!({"at": "2026-11-23T09:30:00Z", "event": "comment",
                "ref": format!("r{n}"), "by_email": designer, "body": "On it", "internal": false}));
        }
        events.push(json!({"at": "2026-11-23T09:30:00Z", "event": "occurrence_delivered",
            "deliverable_id": deliverable, "due_at": "2026-11-23T10:00:00Z", "by_email": designer}));
        events.push(json!({"at": "2026-11-23T09:30:00Z", "event": "occurrence_reviewed",
            "deliverable_id": deliverable, "due_at": "2026-11-23T10:00:00Z",
            "by_email": requester, "accurate": true}));
        for (n, score) in [(1, 5), (2, 4), (3, 1)] {
            events.push(json!({"at": "2026-11-23T11:00:00Z", "event": "status_changed",
                "ref": format!("r{n}"), "by_email": designer, "status": "resolved"}));
            events.push(json!({"at": "2026-11-23T11:00:00Z", "event": "rated",
                "ref": format!("r{n}"), "score": score, "comment": ""}));
        }
        events.push(json!({"at": "2026-11-23T11:00:00Z", "event": "kudos", "by_email": requester,
            "to_department_id": s.design, "value": "Helpful", "message": "Quick posters"}));
        events.push(json!({"at": "2026-11-23T11:00:00Z", "event": "concern_raised", "ref": "c1",
            "by_email": requester, "about_department_id": s.design,
            "problem": "Reports come late", "proposal": "Send them on Friday", "anonymous": false}));

        let lines = import::parse(&jsonl(&events)).unwrap();
        import::check(&app.actions, &lines).await.unwrap();
        let summary = import::apply(&app.actions, &app.clock, &lines, &mut |_| {}).await.unwrap();
        assert_eq!(summary.lines, events.len());
        assert_eq!(summary.events["request_created"], 6);
        app.clock.set(AT.parse().unwrap());
        app.work().await;

        // The figures of the live story, to the decimal.
        let res = s.requester.get(&format!("/api/v1/health?at={AT}")).await;
        let pair = &res.body["items"][0];
        assert_eq!(pair["score"], 44.0, "{pair}");
        assert_eq!(part(pair, "sla")["events"], 12);
        assert_eq!(part(pair, "sla")["value"], 58.3);
        assert_eq!(part(pair, "deliverables_on_time")["value"], 25.0);
        assert_eq!(part(pair, "satisfaction")["events"], 3);
        assert_eq!((pair["kudos"].clone(), pair["open_concerns"].clone()), (json!(1), json!(1)));
        let res = s.requester.get(&format!("/api/v1/bottlenecks?at={AT}")).await;
        assert_eq!(res.body["items"][0]["impact"], 528.0);
        // The breach was recorded when it fell, not when the next event came.
        let ids = s.requester.all_ids("/api/v1/requests").await;
        let res = s.requester.get(&format!("/api/v1/requests/{}/history", ids.iter().max().unwrap())).await;
        let breach = res.body["items"].as_array().unwrap().iter()
            .find(|e| e["kind"] == "sla_breached" && e["data"]["target"] == "first_response")
            .unwrap_or_else(|| panic!("no breach in {}", res.body)).clone();
        assert_eq!(breach["at"], "2026-11-23T10:00:00Z");
    }

    async fn a_bad_line_is_named_with_its_number_and_reason(app: TestApp) {
        let s = app.scene().await;
        let requester = email(&s.requester).await;
        let designer = email(&s.designer).await;
        let created = json!({"at": "2026-11-23T09:00:00Z", "event": "request_created", "ref": "r1",
            "service_id": s.service, "requester_email": requester, "subject": "Poster",
            "fields": {"format": "banner"}});
        let cases: Vec<(Vec<Value>, &str)> = vec![
            (vec![json!({"at": "yesterday", "event": "kudos", "by_email": designer, "to_department_id": s.design, "value": "Helpful", "message": "x"})], "line 1: at"),
            (vec![created.clone(), json!({"at": "2026-11-23T08:00:00Z", "event": "comment", "ref": "r1",
                "by_email": designer, "body": "x"})], "line 2: at"),
            (vec![json!({"at": "2026-11-23T09:00:00Z", "event": "comment", "ref": "r9",
                "by_email": designer, "body": "x"})], "line 1: ref"),
            (vec![created.clone(), created.clone()], "line 2: ref"),
            (vec![json!({"at": "2026-11-23T09:00:00Z", "event": "teleported"})], "line 1: unknown variant"),
        ];
        for (events, want) in cases {
            let err = import::parse(&jsonl(&events)).unwrap_err();
            assert!(err.to_string().starts_with(want), "{err} (wanted {want})");
        }
        // Checked against the database: an unknown person, an unknown service.
        let lines = import::parse(&jsonl(&[json!({"at": "2026-11-23T09:00:00Z", "event": "request_created",
            "ref": "r1", "service_id": s.service, "requester_email": "nobody@example.org", "subject": "x"})])).unwrap();
        let err = import::check(&app.actions, &lines).await.unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.reason.contains("nobody@example.org"), "{err}");
        // Refused by the rules as live: a member of Marketing may not resolve Design's
        // request; the line says so and the replay stops there.
        let lines = import::parse(&jsonl(&[created.clone(),
            json!({"at": "2026-11-23T10:00:00Z", "event": "status_changed", "ref": "r1",
                   "by_email": requester, "status": "resolved"}),
            json!({"at": "2026-11-23T10:00:00Z", "event": "comment", "ref": "r1",
                   "by_email": designer, "body": "never reached"})])).unwrap();
        import::check(&app.actions, &lines).await.unwrap();
        let err = import::apply(&app.actions, &app.clock, &lines, &mut |_| {}).await.unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.reason.starts_with("status_changed: "), "{err}");
    }
}
