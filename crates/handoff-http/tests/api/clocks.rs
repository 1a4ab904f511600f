//! SLA clocks on requests, and the alarms the worker raises from them.

use std::collections::HashSet;

use axum::http::StatusCode;
use handoff_domain::sla::Alarm;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Client, TestApp, both_engines, with_policy};

async fn clock(client: &Client, request: i64, target: &str) -> Value {
    let res = client.get(&format!("/api/v1/requests/{request}/sla")).await;
    res.assert(StatusCode::OK);
    res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["target"] == target)
        .cloned()
        .unwrap_or_else(|| panic!("no {target} clock in {}", res.body))
}

async fn sla_history(client: &Client, request: i64) -> Vec<(String, String, String)> {
    let res = client
        .get(&format!("/api/v1/requests/{request}/history"))
        .await;
    res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"].as_str().unwrap().starts_with("sla."))
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["old_value"].as_str().unwrap_or("-").to_owned(),
                e["new_value"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

both_engines! {
    async fn clocks_count_business_time_and_pause_while_waiting(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let id = app.file(&s.requester, s.service, "Poster").await;
        let path = format!("/api/v1/requests/{id}");

        let fr = clock(&s.requester, id, "first_response").await;
        assert_eq!(fr["due_at"], "2026-11-23T10:00:00Z");
        assert_eq!(fr["phase"], "running");
        // Monday has 7.5 working hours: 8 hours from 09:00 end on Tuesday at 09:30.
        let res = clock(&s.requester, id, "resolution").await;
        assert_eq!(res["due_at"], "2026-11-24T09:30:00Z");
        assert_eq!(res["allowed_minutes"], 480.0);

        app.clock.advance(SignedDuration::from_mins(30));
        s.designer.post(&format!("{path}/comments"), json!({"body": "On it"})).await.assert(StatusCode::CREATED);
        let fr = clock(&s.requester, id, "first_response").await;
        assert_eq!(fr["phase"], "stopped");
        assert_eq!(fr["met"], true);
        assert_eq!(fr["used_minutes"], 30.0);

        // Waiting on the customer from 10:30 until Tuesday 10:00: the clock stands still.
        app.clock.advance(SignedDuration::from_mins(60));
        s.designer.patch(&path, json!({"status": "open"})).await.assert(StatusCode::OK);
        s.designer.patch(&path, json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        app.clock.set("2026-11-24T10:00:00Z".parse().unwrap());
        let res = clock(&s.requester, id, "resolution").await;
        assert_eq!(res["phase"], "paused");
        assert_eq!(res["used_minutes"], 90.0);
        assert!(res["due_at"].is_null());
        s.requester.post(&format!("{path}/comments"), json!({"body": "Here you go"})).await.assert(StatusCode::CREATED);
        let res = clock(&s.requester, id, "resolution").await;
        assert_eq!(res["phase"], "running");
        assert_eq!(res["due_at"], "2026-11-24T16:30:00Z");

        app.clock.set("2026-11-24T12:00:00Z".parse().unwrap());
        let res = clock(&s.requester, id, "resolution").await;
        assert_eq!(res["used_minutes"], 210.0);
        assert_eq!(res["left_minutes"], 270.0);
        assert_eq!(res["percent_used"], 43.8);
        s.designer.patch(&path, json!({"status": "resolved"})).await.assert(StatusCode::OK);
        let res = clock(&s.requester, id, "resolution").await;
        assert_eq!(res["phase"], "stopped");
        assert_eq!(res["met"], true);

        let history = sla_history(&s.requester, id).await;
        let expected = [
            ("sla.first_response", "-", "running"), ("sla.resolution", "-", "running"),
            ("sla.first_response", "running", "stopped"),
            ("sla.resolution", "running", "paused"),
            ("sla.resolution", "paused", "running"),
            ("sla.resolution", "running", "stopped"),
        ];
        assert_eq!(history, expected.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())));
    }

    async fn alarms_warn_then_breach_and_escalate_once(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 100, "calendar_time": true})).await;
        let id = app.file(&s.requester, s.service, "Flyer").await;
        assert!(handoff_worker::run_once(&app.actions).await.unwrap().is_empty());

        app.clock.advance(SignedDuration::from_mins(76));
        let fired = handoff_worker::run_once(&app.actions).await.unwrap();
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].alarm, Alarm::Warning(75));
        assert_eq!(fired[0].request_id, id);
        // Nobody is assigned: the whole queue hears of it.
        let mut queue = vec![s.design_manager.person_id, s.designer.person_id];
        queue.sort();
        assert_eq!(fired[0].notified, queue);
        assert!(handoff_worker::run_once(&app.actions).await.unwrap().is_empty(), "fired twice");

        s.designer.patch(&format!("/api/v1/requests/{id}"), json!({"assignee_id": s.designer.person_id})).await.assert(StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(15));
        let fired = handoff_worker::run_once(&app.actions).await.unwrap();
        let alarms: Vec<Alarm> = fired.iter().map(|f| f.alarm).collect();
        assert_eq!(alarms, [Alarm::Warning(90)]);
        assert_eq!(fired[0].notified, vec![s.designer.person_id]);
        app.clock.advance(SignedDuration::from_mins(15));
        let fired = handoff_worker::run_once(&app.actions).await.unwrap();
        let alarms: Vec<Alarm> = fired.iter().map(|f| f.alarm).collect();
        assert_eq!(alarms, [Alarm::Breach]);
        // The breach goes to the assignee and escalates to the department's manager.
        assert_eq!(fired[0].notified, queue);

        let res = s.design_manager.get("/api/v1/notifications").await;
        res.assert(StatusCode::OK);
        let kinds: Vec<&str> = res.body["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["sla_escalation", "sla_warning"]);
        assert!(s.requester.get("/api/v1/notifications").await.ids().is_empty());

        let fr = clock(&s.requester, id, "first_response").await;
        assert_eq!(fr["met"], false);
        assert!(fr["left_minutes"].as_f64().unwrap() < 0.0);
        let history = sla_history(&s.designer, id).await;
        let alarms: Vec<&str> = history.iter().filter(|(_, old, _)| old == "-").map(|(_, _, new)| new.as_str()).collect();
        assert_eq!(alarms, ["running", "warning_75", "warning_90", "breach"]);
    }

    async fn warnings_passed_with_the_breach_are_recorded_as_missed_and_told_to_no_one(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 100, "calendar_time": true})).await;
        let id = app.file(&s.requester, s.service, "Poster").await;
        // The server was stopped while all three moments passed.
        app.clock.advance(SignedDuration::from_mins(300));
        let fired = app.work().await;
        let seen: Vec<(Alarm, bool)> = fired.iter().map(|f| (f.alarm, f.missed)).collect();
        assert_eq!(seen, [(Alarm::Warning(75), true), (Alarm::Warning(90), true), (Alarm::Breach, false)]);
        assert!(fired[0].notified.is_empty() && fired[1].notified.is_empty());
        let kinds: Vec<String> = s.designer.get("/api/v1/notifications").await.body["items"]
            .as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect();
        assert_eq!(kinds, ["sla_breach"]);
        let history = s.designer.get(&format!("/api/v1/requests/{id}/history")).await.body["items"].as_array().unwrap().clone();
        let missed: Vec<(String, String)> = history.iter()
            .filter(|e| e["kind"] == "warning_missed")
            .map(|e| (e["data"]["percent"].to_string(), e["data"]["due_at"].as_str().unwrap().to_owned()))
            .collect();
        // Each with its real due time: 75 and 90 minutes after filing at 09:00.
        assert_eq!(missed, [("75".to_owned(), "2026-11-23T10:15:00Z".to_owned()), ("90".to_owned(), "2026-11-23T10:30:00Z".to_owned())]);
        assert!(history.iter().all(|e| e["kind"] != "sla_warning"));
    }

    async fn changing_the_calendar_or_the_policy_moves_open_due_times(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"resolution_minutes": 480})).await;
        let id = app.file(&s.requester, s.service, "Banner").await;
        assert_eq!(clock(&s.requester, id, "resolution").await["due_at"], "2026-11-24T09:30:00Z");

        // Tuesday becomes a holiday: the work carries over to Wednesday.
        let calendar = s.designer.get(&format!("/api/v1/departments/{}", s.design)).await.body["calendar_id"].as_i64().unwrap();
        s.design_manager.patch(&format!("/api/v1/calendars/{calendar}"), json!({"holidays": [{"date": "2026-11-24"}]})).await.assert(StatusCode::OK);
        app.work().await;
        assert_eq!(clock(&s.requester, id, "resolution").await["due_at"], "2026-11-25T09:30:00Z");

        // A tighter policy: two hours, so due at 11:00 the same morning, and its alarms
        // fire on the new schedule.
        s.design_manager.put(&format!("/api/v1/services/{}/sla", s.service), json!({"policies": [{"resolution_minutes": 120}]})).await.assert(StatusCode::OK);
        app.work().await;
        let res = clock(&s.requester, id, "resolution").await;
        assert_eq!(res["due_at"], "2026-11-23T11:00:00Z");
        assert_eq!(res["allowed_minutes"], 120.0);
        app.clock.set("2026-11-23T11:00:00Z".parse().unwrap());
        let fired = handoff_worker::run_once(&app.actions).await.unwrap();
        let alarms: Vec<Alarm> = fired.iter().map(|f| f.alarm).collect();
        assert_eq!(alarms, [Alarm::Warning(75), Alarm::Warning(90), Alarm::Breach]);

        // Without a calendar, time counts around the clock.
        s.design_manager.patch(&format!("/api/v1/departments/{}", s.design), json!({"calendar_id": null})).await.assert(StatusCode::OK);
        let id = app.file(&s.requester, s.service, "Sticker").await;
        assert_eq!(clock(&s.requester, id, "resolution").await["due_at"], "2026-11-23T13:00:00Z");
    }

    async fn report_months_begin_where_the_provider_works(app: TestApp) {
        let s = app.scene().await;
        let day = json!([["00:00", "24:00"]]);
        let res = s.design_manager.post("/api/v1/calendars", json!({
            "department_id": s.design, "name": "Auckland", "time_zone": "Pacific/Auckland",
            "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day}
        })).await;
        res.assert(StatusCode::CREATED);
        s.design_manager.patch(&format!("/api/v1/departments/{}", s.design), json!({"calendar_id": res.id()})).await.assert(StatusCode::OK);
        s.design_manager.put(&format!("/api/v1/services/{}/sla", s.service), json!({"policies": [{"first_response_minutes": 60}]})).await.assert(StatusCode::OK);
        // Monday 30 November 12:00 UTC is Tuesday 1 December 01:00 in Auckland (NZDT).
        app.clock.set("2026-11-30T12:00:00Z".parse().unwrap());
        app.file(&s.requester, s.service, "Across midnight").await;
        let res = s.design_manager.get("/api/v1/reports/sla?group_by=month&from=2026-11-01T00:00:00Z&to=2027-01-01T00:00:00Z").await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["rows"][0]["key"], "2026-12", "{}", res.body);
    }

    async fn reports_show_attainment_percentiles_and_breaches(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 120, "calendar_time": true})).await;
        let a = app.file(&s.requester, s.service, "Quick one").await;
        let b = app.file(&s.colleague, s.service, "Slow one").await;
        app.clock.advance(SignedDuration::from_mins(30));
        s.designer.post(&format!("/api/v1/requests/{a}/comments"), json!({"body": "Sure"})).await.assert(StatusCode::CREATED);
        app.clock.advance(SignedDuration::from_mins(60));
        s.designer.post(&format!("/api/v1/requests/{b}/comments"), json!({"body": "Sorry for the wait"})).await.assert(StatusCode::CREATED);
        s.designer.patch(&format!("/api/v1/requests/{a}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        app.clock.set("2026-11-23T12:00:00Z".parse().unwrap());

        let period = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
        let res = s.design_manager.get(&format!("/api/v1/reports/sla?group_by=service&{period}")).await;
        res.assert(StatusCode::OK);
        let rows = res.body["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["label"], "Graphics for a campaign");
        let fr = &rows[0]["first_response"];
        assert_eq!((fr["met"].as_u64(), fr["breached"].as_u64()), (Some(1), Some(1)));
        assert_eq!(fr["attainment"], 0.5);
        assert_eq!(fr["median_minutes"], 30.0);
        assert_eq!(fr["p90_minutes"], 90.0);
        let resolution = &rows[0]["resolution"];
        assert_eq!((resolution["met"].as_u64(), resolution["breached"].as_u64()), (Some(1), Some(1)));
        assert_eq!(resolution["median_minutes"], 90.0);

        let res = s.design_manager.get(&format!("/api/v1/reports/sla?group_by=month&{period}")).await;
        assert_eq!(res.body["rows"][0]["key"], "2026-11");
        let res = s.design_manager.get(&format!("/api/v1/reports/sla?group_by=requester_department&{period}")).await;
        assert_eq!(res.body["rows"][0]["label"], "MARKETING");
        let res = s.design_manager.get("/api/v1/reports/sla?group_by=colour&from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("group_by").is_some());
        assert!(res.field_error("from").is_some());

        let res = s.design_manager.get(&format!("/api/v1/reports/sla/breaches?{period}")).await;
        res.assert(StatusCode::OK);
        let items = res.body["items"].as_array().unwrap();
        let found: Vec<(i64, &str)> = items.iter().map(|i| (i["request_id"].as_i64().unwrap(), i["target"].as_str().unwrap())).collect();
        assert_eq!(found, [(b, "resolution"), (b, "first_response")]);
        let story: Vec<&str> = items[1]["timeline"].as_array().unwrap().iter().map(|e| e["to"].as_str().unwrap()).collect();
        assert_eq!(story, ["running", "stopped"]);

        // Reports cover only what the caller may see.
        let res = s.outsider.get(&format!("/api/v1/reports/sla?{period}")).await;
        assert!(res.body["rows"].as_array().unwrap().is_empty());
    }

    async fn a_running_breached_clock_reads_the_same_in_the_report(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"resolution_minutes": 480})).await;
        let id = app.file(&s.requester, s.service, "Still running").await;
        // Monday's 7.5 working hours and Tuesday 09:00 to 16:30: 900 business minutes,
        // all in one running stretch (nothing banked by a pause). The worker has raised
        // the breach at Tuesday 09:30.
        app.clock.set("2026-11-24T16:30:00Z".parse().unwrap());
        let fired = handoff_worker::run_once(&app.actions).await.unwrap();
        assert_eq!(fired.last().map(|f| f.alarm), Some(Alarm::Breach));

        let own = clock(&s.design_manager, id, "resolution").await;
        assert_eq!(own["phase"], "running");
        assert_eq!(own["met"], false);
        assert_eq!(own["used_minutes"], 900.0);

        let period = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
        let res = s.design_manager.get(&format!("/api/v1/reports/sla/breaches?{period}")).await;
        res.assert(StatusCode::OK);
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", res.body);
        assert_eq!((items[0]["request_id"].as_i64(), items[0]["target"].as_str()), (Some(id), Some("resolution")));
        assert_eq!(items[0]["used_minutes"], own["used_minutes"]);
        assert_eq!(items[0]["allowed_minutes"], own["allowed_minutes"]);
        let res = s.design_manager.get(&format!("/api/v1/reports/sla?group_by=service&{period}")).await;
        let resolution = &res.body["rows"][0]["resolution"];
        assert_eq!((resolution["breached"].as_u64(), resolution["open"].as_u64()), (Some(1), Some(0)), "{}", res.body);

        let mut manager = app.signed_in(&s.design_manager).await;
        let page = manager.get("/reports/sla?from=2026-11-01&to=2026-12-01").await;
        page.assert(StatusCode::OK);
        let breaches = page.part(r#"<ul class="breaches""#, "</ul>");
        assert!(breaches.contains("used 15 h 00 min of 8 h 00 min"), "{breaches}");

        // Within its time, a running clock is open in the report and not a breach.
        let fresh = app.file(&s.requester, s.service, "Just filed").await;
        assert_eq!(clock(&s.design_manager, fresh, "resolution").await["met"], Value::Null);
        let res = s.design_manager.get(&format!("/api/v1/reports/sla?group_by=service&{period}")).await;
        assert_eq!(res.body["rows"][0]["resolution"]["open"], 1, "{}", res.body);
        let res = s.design_manager.get(&format!("/api/v1/reports/sla/breaches?{period}")).await;
        assert_eq!(res.body["items"].as_array().unwrap().len(), 1, "{}", res.body);
    }

    async fn two_workers_raise_each_alarm_once(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 10, "calendar_time": true})).await;
        let mut ids = Vec::new();
        for i in 0..40 {
            ids.push(app.file(&s.requester, s.service, &format!("Request {i}")).await);
        }
        app.clock.advance(SignedDuration::from_mins(11));
        let (a, b) = tokio::join!(
            handoff_worker::run_once(&app.actions),
            handoff_worker::run_once(&app.actions),
        );
        let fired: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        let unique: HashSet<(i64, String)> = fired.iter().map(|f| (f.request_id, f.alarm.key())).collect();
        assert_eq!(fired.len(), 120, "40 requests x (75%, 90%, breach)");
        assert_eq!(unique.len(), 120, "an alarm fired twice");
    }
}
