//! The background job queue: jobs queued with the change that causes them, retried with
//! backoff, kept as failed with their error, shown to administrators and retried by them;
//! two workers never run one job twice.

use axum::http::StatusCode;
use handoff_domain::clock::Clock;
use handoff_domain::job::{MAX_ATTEMPTS, Work, backoff};
use handoff_domain::request::RequestEvent;
use handoff_domain::sla::Target;
use handoff_store::jobs;
use serde_json::json;

use crate::support::{TestApp, both_engines, with_policy};

/// Queues an SLA alarm job for `request_id`, as raising an alarm does.
async fn queue_alarm(app: &TestApp, request_id: i64) {
    let now = app.clock.now();
    let work = Work::SlaAlarm {
        request_id,
        event: RequestEvent::SlaWarning {
            target: Target::Resolution,
            percent: 75,
            due_at: Some(now),
        },
    };
    let mut tx = app.db.begin().await.unwrap();
    assert!(jobs::enqueue(&mut tx, &work, now, now).await.unwrap());
    tx.commit().await.unwrap();
}

both_engines! {
    async fn a_job_that_keeps_failing_is_kept_with_its_error_and_retried_by_an_admin(app: TestApp) {
        let s = app.scene().await;
        // A job about a request that does not exist fails at every attempt.
        queue_alarm(&app, 987_654).await;
        let admin = app.admin();
        let queued = admin.get("/api/v1/jobs?state=queued").await;
        queued.assert(StatusCode::OK);
        assert_eq!(queued.body["items"][0]["kind"], "sla_alarm");
        assert_eq!(queued.body["items"][0]["attempts"], 0);

        for attempt in 1..=MAX_ATTEMPTS {
            let step = handoff_app::jobs::step(&app.actions).await.unwrap();
            assert_eq!((step.jobs_done, step.jobs_failed), (0, 1), "attempt {attempt}");
            // Not retried before its backoff has passed.
            let again = handoff_app::jobs::step(&app.actions).await.unwrap();
            assert_eq!(again.jobs_failed, 0, "retried early after attempt {attempt}");
            app.clock.advance(backoff(attempt));
        }
        assert!(admin.get("/api/v1/jobs?state=queued").await.body["items"].as_array().unwrap().is_empty());
        let failed = admin.get("/api/v1/jobs?state=failed").await;
        let job = &failed.body["items"][0];
        assert_eq!(job["state"], "failed");
        assert_eq!(job["attempts"], MAX_ATTEMPTS);
        assert!(job["last_error"].as_str().unwrap().contains("request not found"), "{job}");
        let id = job["id"].as_i64().unwrap();

        // Only administrators see the queue; states are checked.
        s.design_manager.get("/api/v1/jobs").await.assert(StatusCode::FORBIDDEN);
        let bad = admin.get("/api/v1/jobs?state=stuck").await;
        bad.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.field_error("state").is_some());
        s.design_manager.post(&format!("/api/v1/jobs/{id}/retry"), json!({})).await.assert(StatusCode::FORBIDDEN);

        let retried = admin.post(&format!("/api/v1/jobs/{id}/retry"), json!({})).await;
        retried.assert(StatusCode::OK);
        assert_eq!((retried.body["state"].as_str(), retried.body["attempts"].as_i64()), (Some("queued"), Some(0)));
        admin.post(&format!("/api/v1/jobs/{id}/retry"), json!({})).await.assert(StatusCode::CONFLICT);
        admin.post("/api/v1/jobs/424242/retry", json!({})).await.assert(StatusCode::NOT_FOUND);

        // The page shows it, and its button queues it again.
        let step = handoff_app::jobs::step(&app.actions).await.unwrap();
        assert_eq!(step.jobs_failed, 1);
        let mut browser = app.signed_in(admin).await;
        browser.get("/jobs?state=queued").await.assert(StatusCode::OK).assert_has(&format!(r#"id="job-{id}""#));
        let mut other = app.signed_in(&s.designer).await;
        other.get("/jobs").await.assert(StatusCode::FORBIDDEN);
    }

    async fn a_policy_change_and_its_recompute_are_one_and_two_workers_run_each_job_once(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"resolution_minutes": 480})).await;
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(app.file(&s.requester, s.service, &format!("Banner {i}")).await);
        }
        // The new policy is saved with its recompute queued, not yet run.
        s.design_manager.put(&format!("/api/v1/services/{}/sla", s.service), json!({"policies": [{"resolution_minutes": 120}]})).await.assert(StatusCode::OK);
        let queued = app.admin().get("/api/v1/jobs?state=queued").await;
        let kinds: Vec<&str> = queued.body["items"].as_array().unwrap().iter().map(|j| j["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["recompute"]);
        for id in &ids {
            queue_alarm(&app, *id).await;
        }
        let (a, b) = tokio::join!(handoff_app::jobs::step(&app.actions), handoff_app::jobs::step(&app.actions));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.jobs_done + b.jobs_done, 7, "each job run once");
        assert_eq!(a.jobs_failed + b.jobs_failed, 0);
        assert!(app.admin().get("/api/v1/jobs").await.body["items"].as_array().unwrap().is_empty());
        // Nobody is assigned: the department (manager and designer) hears of each once.
        let told = s.designer.get("/api/v1/notifications?limit=100").await;
        assert_eq!(told.body["items"].as_array().unwrap().len(), ids.len());
        let res = s.requester.get(&format!("/api/v1/requests/{}/sla", ids[0])).await;
        let resolution = res.body["items"].as_array().unwrap().iter().find(|c| c["target"] == "resolution").unwrap().clone();
        assert_eq!(resolution["allowed_minutes"], 120.0);
    }

    async fn a_calendar_that_puts_a_target_out_of_reach_is_refused_and_nothing_is_saved(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"resolution_minutes": 500_000})).await;
        app.file(&s.requester, s.service, "Long haul").await;
        let calendar = s.designer.get(&format!("/api/v1/departments/{}", s.design)).await.body["calendar_id"].as_i64().unwrap();
        let before = s.design_manager.get(&format!("/api/v1/calendars/{calendar}")).await.body.clone();
        // One minute of work a week: 500,000 minutes would take thousands of years.
        let week = json!({"mon": [["09:00", "09:01"]], "tue": [], "wed": [], "thu": [], "fri": [], "sat": [], "sun": []});
        let refused = s.design_manager.patch(&format!("/api/v1/calendars/{calendar}"), json!({"week": week})).await;
        refused.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.field_error("week").is_some(), "{}", refused.body);
        assert_eq!(s.design_manager.get(&format!("/api/v1/calendars/{calendar}")).await.body, before);
        assert!(app.admin().get("/api/v1/jobs").await.body["items"].as_array().unwrap().is_empty());
    }
}
