//! Relationship health, bottlenecks, the map and scorecards, checked against figures
//! computed by hand for a small organisation: Marketing asks Design.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Finance, Scene, TestApp, both_engines, finance, with_policy};

/// The instant the figures are read at: Tuesday 24 November 2026, 12:00 London (UTC).
pub const AT: &str = "2026-11-24T12:00:00Z";

/// What the story's events need in place: Design's calendar and policy, the agreed
/// dependency and the weekly deliverable. Returns the deliverable and its occurrences
/// due before the instant read.
pub async fn setup(app: &TestApp, s: &Scene) -> (i64, Vec<i64>) {
    // Design: London calendar (Monday 09:00-12:30 and 13:30-17:30, Tuesday to Friday
    // 09:00-17:30); first response within 60 business minutes, resolution within 480.
    with_policy(
        app,
        s,
        json!({"first_response_minutes": 60, "resolution_minutes": 480}),
    )
    .await;

    // Marketing depends on Design (high), agreed by Design's manager.
    let res = s
        .design_manager
        .post(
            "/api/v1/dependencies",
            json!({
                "customer_department_id": s.marketing, "provider_department_id": s.design,
                "what": "campaign artwork", "criticality": "high",
                "customer_owner_id": s.requester.person_id,
                "provider_owner_id": s.designer.person_id,
                "expectation": "Artwork two weeks before launch", "service_ids": [s.service]
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let dependency = res.id();
    s.design_manager
        .post(
            &format!("/api/v1/dependencies/{dependency}/agree"),
            json!({}),
        )
        .await
        .assert(StatusCode::OK);

    // A weekly report due Mondays 10:00 since 2 November: due 2, 9, 16 and 23 November
    // before the instant read.
    let res = s
        .design_manager
        .post(
            "/api/v1/deliverables",
            json!({
                "provider_department_id": s.design, "customer_department_id": s.marketing,
                "name": "Weekly campaign figures", "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "due_time": "10:00", "starts_on": "2026-11-02",
                "provider_owner_id": s.designer.person_id,
                "customer_owner_id": s.requester.person_id, "dependency_id": dependency
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let deliverable = res.id();
    let res = s
        .requester
        .get(&format!(
            "/api/v1/deliverables/{deliverable}/occurrences?from=2026-11-01T00:00:00Z&to=2026-11-24T00:00:00Z"
        ))
        .await;
    res.assert(StatusCode::OK);
    let occurrences: Vec<i64> = res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(occurrences.len(), 4);
    (deliverable, occurrences)
}

/// Builds the story the figures below are computed from (see each step), live through
/// the API, and returns the request ids, in filing order, and the deliverable's
/// occurrences due so far.
async fn story(app: &TestApp, s: &Scene) -> (Vec<i64>, Vec<i64>) {
    let (_, occurrences) = setup(app, s).await;

    // Monday 09:00: six requests.
    let mut requests = Vec::new();
    for n in 1..=6 {
        requests.push(
            app.file(&s.requester, s.service, &format!("Poster {n}"))
                .await,
        );
    }
    // 09:30: Design answers the first four (first response met) and delivers the
    // report of the 23rd (on time); Marketing confirms it accurate.
    app.clock.advance(SignedDuration::from_mins(30));
    for id in &requests[..4] {
        s.designer
            .post(
                &format!("/api/v1/requests/{id}/comments"),
                json!({"body": "On it"}),
            )
            .await
            .assert(StatusCode::CREATED);
    }
    s.designer
        .post(
            &format!("/api/v1/occurrences/{}/deliver", occurrences[3]),
            json!({"note": "Attached"}),
        )
        .await
        .assert(StatusCode::OK);
    s.requester
        .post(
            &format!("/api/v1/occurrences/{}/review", occurrences[3]),
            json!({"accurate": true}),
        )
        .await
        .assert(StatusCode::OK);
    // 11:00: the first three are resolved (resolution met) and rated 5, 4 and 1.
    app.clock.advance(SignedDuration::from_mins(90));
    for (id, score) in requests[..3].iter().zip([5, 4, 1]) {
        s.designer
            .patch(
                &format!("/api/v1/requests/{id}"),
                json!({"status": "resolved"}),
            )
            .await
            .assert(StatusCode::OK);
        s.requester
            .put(
                &format!("/api/v1/requests/{id}/rating"),
                json!({"score": score}),
            )
            .await
            .assert(StatusCode::OK);
    }
    // Thanks and a concern stand beside the score.
    s.requester
        .post(
            "/api/v1/kudos",
            json!({"to_department_id": s.design, "value": "Helpful", "message": "Quick posters"}),
        )
        .await
        .assert(StatusCode::CREATED);
    s.requester
        .post(
            "/api/v1/concerns",
            json!({"about_department_id": s.design, "problem": "Reports come late",
                   "proposal": "Send them on Friday", "anonymous": false}),
        )
        .await
        .assert(StatusCode::CREATED);
    app.clock.set(AT.parse().unwrap());
    app.work().await;
    (requests, occurrences)
}

pub fn part<'a>(pair: &'a Value, name: &str) -> &'a Value {
    pair["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no part {name} in {pair}"))
}

/// Design (London, resolution within 480 business minutes, not pausing for linked
/// requests) holds Marketing's "Print run", filed Monday 09:00; `after` later Design asks
/// Finance (New York, resolution within 960) on its behalf. Returns Finance, the request
/// and the linked request.
async fn print_run_asking_finance(
    app: &TestApp,
    s: &Scene,
    after: SignedDuration,
) -> (Finance, i64, i64) {
    with_policy(app, s, json!({"resolution_minutes": 480})).await;
    let f = finance(app, json!({"resolution_minutes": 960})).await;
    let parent = app.file(&s.requester, s.service, "Print run").await;
    app.clock.advance(after);
    let res = s.designer.post(&format!("/api/v1/requests/{parent}/links"), json!({
        "service_id": f.service, "subject": "Approve the print budget", "fields": {"amount": 300}
    })).await;
    res.assert(StatusCode::CREATED);
    let child = res.id();
    (f, parent, child)
}

/// The events and value of part `name` of the pair (customer, provider) in a health answer.
fn pair_part(body: &Value, customer: i64, provider: i64, name: &str) -> (Value, Value) {
    let pair = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["customer_department_id"] == customer && p["provider_department_id"] == provider
        })
        .unwrap_or_else(|| panic!("no pair {customer} {provider} in {body}"));
    let part = part(pair, name);
    (part["events"].clone(), part["value"].clone())
}

both_engines! {
    async fn a_pairs_health_is_computed_part_by_part_as_by_hand(app: TestApp) {
        let s = app.scene().await;
        let (requests, occurrences) = story(&app, &s).await;

        let res = s.requester.get(&format!("/api/v1/health?at={AT}")).await;
        res.assert(StatusCode::OK);
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", res.body);
        let pair = &items[0];
        assert_eq!(pair["customer_department_id"], s.marketing);
        assert_eq!(pair["provider_department_id"], s.design);

        // SLA: first responses met for 1-4 (answered at 09:30), breached for 5 and 6
        // (due 10:00, still running); resolutions met for 1-3 (11:00), breached for 4-6
        // (480 business minutes from Monday 09:00 end Tuesday 09:30). 7 of 12: 58.3.
        let sla = part(pair, "sla");
        assert_eq!((sla["events"].clone(), sla["value"].clone()), (json!(12), json!(58.3)));
        assert_eq!(sla["enough"], true);
        // Deliverables: 4 due, 1 on time: 25.0. One reviewed (accurate): too few.
        let on_time = part(pair, "deliverables_on_time");
        assert_eq!((on_time["events"].clone(), on_time["value"].clone()), (json!(4), json!(25.0)));
        let accurate = part(pair, "deliverables_accurate");
        assert_eq!((accurate["events"].clone(), accurate["value"].clone()), (json!(1), json!(100.0)));
        assert_eq!((accurate["enough"].clone(), accurate["weight"].clone()), (json!(false), json!(0.0)));
        // Ratings 5, 4, 1 are worth 100, 75 and 0: 58.3, but 3 are fewer than 5.
        let satisfaction = part(pair, "satisfaction");
        assert_eq!((satisfaction["events"].clone(), satisfaction["value"].clone()), (json!(3), json!(58.3)));
        assert_eq!((satisfaction["enough"].clone(), satisfaction["weight"].clone()), (json!(false), json!(0.0)));
        // The concern's target is five business days away: no verdict yet; no pulse.
        assert_eq!(part(pair, "concerns")["events"], 0);
        assert_eq!(part(pair, "pulse")["value"], Value::Null);

        // Only SLA (20) and on time (15) count: (20 * 58.3 + 15 * 25.0) / 35 = 44.03.
        assert_eq!(pair["score"], 44.0);
        assert_eq!(sla["weight"], 57.1);
        assert_eq!(on_time["weight"], 42.9);
        // Anyone can recompute it from what is shown.
        let by_hand: f64 = pair["parts"].as_array().unwrap().iter()
            .filter(|p| p["enough"] == true)
            .map(|p| p["value"].as_f64().unwrap() * p["weight"].as_f64().unwrap() / 100.0)
            .sum();
        assert!((by_hand - 44.0).abs() <= 0.1, "{by_hand}");
        // Beside the score, not in it; no previous window to compare with.
        assert_eq!((pair["kudos"].clone(), pair["open_concerns"].clone()), (json!(1), json!(1)));
        assert_eq!(pair["requests"], 6);
        assert_eq!(pair["score_trend"], Value::Null);
        let notes = pair["notes"].as_array().unwrap();
        assert!(notes.iter().any(|n| n.as_str().unwrap().contains("shared")), "{notes:?}");

        // The pair's page: the same figures, the evidence and a 12-month trend.
        let res = s.requester.get(&format!("/api/v1/health/{}/{}?at={AT}", s.marketing, s.design)).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["score"], 44.0);
        let breached: Vec<(i64, String)> = res.body["evidence"]["breaches"].as_array().unwrap().iter()
            .map(|b| (b["request_id"].as_i64().unwrap(), b["target"].as_str().unwrap().to_owned()))
            .collect();
        for (id, target) in [(requests[4], "first_response"), (requests[5], "first_response"),
                             (requests[3], "resolution"), (requests[4], "resolution"), (requests[5], "resolution")] {
            assert!(breached.contains(&(id, target.to_owned())), "{breached:?}");
        }
        assert_eq!(breached.len(), 5);
        let late: Vec<i64> = res.body["evidence"]["late_occurrences"].as_array().unwrap().iter()
            .map(|o| o["occurrence_id"].as_i64().unwrap()).collect();
        assert_eq!(late, occurrences[..3].to_vec());
        // Marketing reads its requests, not its colleagues' ratings: those are Design's
        // to read (and the administrators'). The 1 among them; the concern is not late yet.
        assert_eq!(res.body["evidence"]["requests_listed"], true);
        assert_eq!(res.body["evidence"]["feedback_listed"], false);
        assert_eq!(res.body["evidence"]["low_ratings"], json!([]));
        for reader in [&s.design_manager, app.admin()] {
            let res = reader.get(&format!("/api/v1/health/{}/{}?at={AT}", s.marketing, s.design)).await;
            assert_eq!(res.body["evidence"]["low_ratings"], json!([{"request_id": requests[2], "score": 1}]));
            assert_eq!(res.body["evidence"]["late_concerns"], json!([]));
            assert_eq!(res.body["evidence"]["feedback_listed"], true);
        }
        // Someone of neither department sees the same score, and none of the requests.
        let outsider = app.manager(app.department("ops").await).await;
        let other = outsider.get(&format!("/api/v1/health/{}/{}?at={AT}", s.marketing, s.design)).await;
        other.assert(StatusCode::OK);
        assert_eq!(other.body["score"], 44.0);
        assert_eq!(other.body["evidence"]["breaches"], json!([]));
        assert_eq!(other.body["evidence"]["requests_listed"], false);
        assert_eq!(other.body["evidence"]["low_ratings"], json!([]));
        assert_eq!(other.body["evidence"]["feedback_listed"], false);
        let res_b = outsider.get(&format!("/api/v1/bottlenecks?at={AT}")).await;
        assert_eq!(res_b.body["items"][0]["evidence"][0]["request_ids"], json!([]));
        assert_eq!(res_b.body["items"][0]["evidence"][0]["requests_listed"], false);
        assert_eq!(res_b.body["items"][0]["evidence"][0]["business_minutes_beyond_target"], 7_920);
        let trend = res.body["trend"].as_array().unwrap();
        assert_eq!(trend.len(), 12);
        assert_eq!(trend[11]["at"], AT);
        assert_eq!(trend[11]["score"], 44.0);
        assert_eq!(trend[10]["at"], "2026-11-01T00:00:00Z");
        assert_eq!(trend[10]["score"], Value::Null);

        // Before anything happened there is nothing to show.
        let res = s.requester.get("/api/v1/health?at=2026-10-01T00:00:00Z").await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["items"], json!([]));
    }

    async fn admins_change_the_weights_and_the_score_follows(app: TestApp) {
        let s = app.scene().await;
        story(&app, &s).await;
        s.design_manager.put("/api/v1/health/weights", json!({"sla": 0})).await.assert(StatusCode::FORBIDDEN);
        for (body, field) in [
            (json!({"sla": 101}), "weights.sla"),
            (json!({"sla": -1}), "weights.sla"),
            (json!({"speed": 10}), "weights.speed"),
            (json!({"sla": 0, "deliverables_on_time": 0, "deliverables_accurate": 0,
                    "concerns": 0, "satisfaction": 0, "pulse": 0}), "weights"),
        ] {
            let res = app.admin().put("/api/v1/health/weights", body.clone()).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error(field).is_some(), "{body}: {}", res.body);
        }
        let res = s.requester.get("/api/v1/health/weights").await;
        assert_eq!(res.body["sla"], 20);

        // SLA weighs nothing now: the score is the deliverables' 25.0 alone.
        let res = app.admin().put("/api/v1/health/weights", json!({"sla": 0})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["sla"], 0);
        assert_eq!(res.body["satisfaction"], 30);
        let res = s.requester.get(&format!("/api/v1/health?at={AT}")).await;
        let pair = &res.body["items"][0];
        assert_eq!(pair["score"], 25.0);
        assert_eq!(part(pair, "deliverables_on_time")["weight"], 100.0);
        assert_eq!(part(pair, "sla")["weight"], 0.0);
    }

    async fn bottlenecks_rank_the_business_time_others_waited_beyond_target(app: TestApp) {
        let s = app.scene().await;
        let (requests, occurrences) = story(&app, &s).await;
        let res = s.requester.get(&format!("/api/v1/bottlenecks?at={AT}")).await;
        res.assert(StatusCode::OK);
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", res.body);
        let design = &items[0];
        assert_eq!((design["department_id"].clone(), design["rank"].clone()), (json!(s.design), json!(1)));
        assert_eq!(design["waiting_departments"], 1);
        // Requests 4-6 ran 150 business minutes past their resolution target (Tuesday
        // 09:30 to 12:00): 450. The reports of 2, 9 and 16 November are still missing at
        // Tuesday 24 12:00; each is waited on until the next one falls due, a week of
        // Design's business hours (41.5): 3 * 2,490 = 7,470 minutes. All on a high
        // dependency (weight 4), one department waiting: 4 * 7,920 / 60 = 528.
        let evidence = &design["evidence"][0];
        assert_eq!(evidence["customer_department_id"], s.marketing);
        assert_eq!(evidence["business_minutes_beyond_target"], 7_920);
        assert_eq!(evidence["criticality"], "high");
        assert_eq!(design["impact"], 528.0);
        assert_eq!(evidence["request_ids"], json!(requests[3..].to_vec()));
        assert_eq!(evidence["occurrence_ids"], json!(occurrences[..3].to_vec()));

        // Bad input is named.
        let res = s.requester.get("/api/v1/bottlenecks?at=yesterday").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("at").is_some());
        let res = s.requester.get("/api/v1/bottlenecks?since=2026-01-01T00:00:00Z").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("since").is_some());
    }

    async fn the_map_and_the_scorecard_show_the_relationship(app: TestApp) {
        let s = app.scene().await;
        story(&app, &s).await;
        let res = s.requester.get(&format!("/api/v1/map?at={AT}")).await;
        res.assert(StatusCode::OK);
        let nodes: Vec<i64> = res.body["nodes"].as_array().unwrap().iter()
            .map(|n| n["department_id"].as_i64().unwrap()).collect();
        assert!(nodes.contains(&s.design) && nodes.contains(&s.marketing), "{nodes:?}");
        assert_eq!(res.body["edges"], json!([{
            "customer_department_id": s.marketing, "provider_department_id": s.design,
            "declared": true, "criticality": "high", "requests": 6, "score": 44.0
        }]));
        // A neighbourhood: Design and whoever it is linked with.
        let res = s.requester.get(&format!("/api/v1/map?department_id={}&at={AT}", s.design)).await;
        assert_eq!(res.body["nodes"].as_array().unwrap().len(), 2);
        let res = s.requester.get("/api/v1/map?department_id=999999").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("department_id").is_some());

        let (status, svg) = s.requester.text(&format!("/api/v1/map.svg?at={AT}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
        assert!(svg.contains(&format!("/health/{}/{}", s.marketing, s.design)));
        assert!(svg.contains(&format!("/departments/{}/scorecard", s.design)));

        let res = s.requester.get(&format!("/api/v1/departments/{}/scorecard?at={AT}", s.design)).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["as_provider"]["score"], 44.0);
        assert_eq!(res.body["customers"][0]["customer_department_id"], s.marketing);
        assert_eq!(res.body["services"][0]["id"], s.service);
        assert_eq!(res.body["dependents"][0]["criticality"], "high");
        assert_eq!(res.body["bottleneck"]["rank"], 1);
        assert_eq!(res.body["providers"], json!([]));
        let res = s.requester.get(&format!("/api/v1/departments/{}/scorecard?at={AT}", s.marketing)).await;
        assert_eq!(res.body["as_customer"]["score"], 44.0);
        assert_eq!(res.body["bottleneck"], Value::Null);
        s.requester.get("/api/v1/departments/999999/scorecard").await.assert(StatusCode::NOT_FOUND);
        s.requester.get(&format!("/api/v1/health/999999/{}", s.design)).await.assert(StatusCode::NOT_FOUND);
        let res = s.requester.get(&format!("/api/v1/health/{}/{}", s.design, s.design)).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_pages_show_the_same_figures(app: TestApp) {
        let s = app.scene().await;
        let (requests, _) = story(&app, &s).await;
        let mut page = app.signed_in(&s.requester).await;
        let pair = format!("/health/{}/{}", s.marketing, s.design);
        page.get("/health?at=2026-11-24T12:00:00Z").await
            .assert(StatusCode::OK)
            .assert_has(r#"id="health-matrix""#)
            // The links carry the instant read at on.
            .assert_has(&format!(r#"href="{pair}?at=2026-11-24T12%3A00%3A00Z">44.0</a>"#))
            .assert_has(r#"value="2026-11-24""#);
        page.get(&format!("{pair}?at=2026-11-24T12:00:00Z")).await
            .assert(StatusCode::OK)
            .assert_has(r#"id="pair-score">44.0<"#)
            .assert_has("<svg")
            .assert_has(&format!(r#"href="/requests/{}""#, requests[5]))
            .assert_has(r#"id="pair-feedback-withheld""#)
            .assert_has("shared among the other parts");
        // The provider reads the ratings behind its score.
        let mut provider = app.signed_in(&s.design_manager).await;
        provider.get(&format!("{pair}?at=2026-11-24T12:00:00Z")).await
            .assert(StatusCode::OK)
            .assert_has(&format!("Request #{}</a>: rated 1 of 5", requests[2]));
        page.get("/map?at=2026-11-24T12:00:00Z").await
            .assert(StatusCode::OK)
            .assert_has(&format!(r#"href="{pair}?at=2026-11-24T12%3A00%3A00Z""#));
        page.get("/bottlenecks?at=2026-11-24T12:00:00Z").await
            .assert(StatusCode::OK)
            .assert_has(&format!(r#"href="/requests/{}""#, requests[3]));
        page.get(&format!("/departments/{}/scorecard?at=2026-11-24T12:00:00Z", s.design)).await
            .assert(StatusCode::OK)
            .assert_has(r#"id="provider-score">44.0<"#)
            .assert_has(r#"id="scorecard-bottleneck""#);
        page.get("/overview?at=2026-11-24T12:00:00Z").await
            .assert(StatusCode::OK)
            .assert_has(r#"id="overview-least""#);
        page.get("/health?at=someday").await.assert(StatusCode::BAD_REQUEST);
        page.get("/departments/999999/scorecard").await.assert(StatusCode::NOT_FOUND);
    }

    async fn a_breach_stays_while_its_request_waits_on_the_customer_or_stays_open(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        // Monday 09:00: two requests, both answered at 09:30; their resolution is due
        // Tuesday 09:30.
        let first = app.file(&s.requester, s.service, "Poster").await;
        let second = app.file(&s.requester, s.service, "Banner").await;
        app.clock.advance(SignedDuration::from_mins(30));
        for id in [first, second] {
            s.designer.post(&format!("/api/v1/requests/{id}/comments"), json!({"body": "On it"}))
                .await.assert(StatusCode::CREATED);
            s.designer.patch(&format!("/api/v1/requests/{id}"), json!({"status": "in_progress"}))
                .await.assert(StatusCode::OK);
        }
        // Tuesday 12:00, 150 minutes past the target, the first waits on its customer.
        app.clock.set("2026-11-24T12:00:00Z".parse().unwrap());
        s.designer.patch(&format!("/api/v1/requests/{first}"), json!({"status": "waiting_on_customer"}))
            .await.assert(StatusCode::OK);
        app.clock.set("2026-11-25T12:00:00Z".parse().unwrap());
        app.work().await;

        // Wednesday 12:00: both resolutions are breached, the paused one too; the two
        // first responses were met. 2 of 4.
        let at = "2026-11-25T12:00:00Z";
        let res = s.requester.get(&format!("/api/v1/health?at={at}")).await;
        let sla = part(&res.body["items"][0], "sla");
        assert_eq!((sla["events"].clone(), sla["value"].clone()), (json!(4), json!(50.0)), "{}", res.body);
        // Waiting beyond target: the paused one its 150 minutes, the other from Tuesday
        // 09:30 to Wednesday 12:00 (8 + 3 business hours): 810.
        let res = s.requester.get(&format!("/api/v1/bottlenecks?at={at}")).await;
        let evidence = &res.body["items"][0]["evidence"][0];
        assert_eq!(evidence["business_minutes_beyond_target"], 810, "{}", res.body);
        assert_eq!(evidence["request_ids"], json!([second, first]));
        let res = s.requester.get(&format!("/api/v1/health/{}/{}?at={at}", s.marketing, s.design)).await;
        let breaches = res.body["evidence"]["breaches"].as_array().unwrap();
        let paused = breaches.iter().find(|b| b["request_id"] == first).unwrap();
        assert_eq!((paused["business_minutes_beyond_target"].clone(), paused["open"].clone()), (json!(150), json!(true)));

        // Three months on, both are still open past their target: breached in that
        // window too, not forgotten because their target passed before it began.
        let at = "2027-03-03T12:00:00Z";
        app.clock.set(at.parse().unwrap());
        let res = s.requester.get(&format!("/api/v1/health?at={at}")).await;
        let sla = part(&res.body["items"][0], "sla");
        assert_eq!((sla["events"].clone(), sla["value"].clone()), (json!(2), json!(0.0)), "{}", res.body);
        // The running one waited the whole window, from Thursday 3 December 12:00 to
        // Wednesday 3 March 12:00: 13 weeks of 41.5 business hours less 8.5, 31,860
        // minutes; the paused one nothing: its 150 fell in November.
        let res = s.requester.get(&format!("/api/v1/bottlenecks?at={at}")).await;
        let evidence = &res.body["items"][0]["evidence"][0];
        assert_eq!(evidence["business_minutes_beyond_target"], 31_860, "{}", res.body);
        assert_eq!(evidence["request_ids"], json!([second]));

        // A window far in the future is read as of now, beyond the calendars' horizon.
        let far = "2090-01-01T00:00:00Z";
        for path in [format!("/api/v1/health?at={far}"), format!("/api/v1/bottlenecks?at={far}"),
                     format!("/api/v1/health/{}/{}?at={far}", s.marketing, s.design)] {
            s.requester.get(&path).await.assert(StatusCode::OK);
        }
    }

    async fn time_waiting_on_linked_requests_counts_against_the_department_waited_on(app: TestApp) {
        let s = app.scene().await;
        // Monday 09:00 Marketing asks Design; at 10:00 Design asks Finance on its behalf.
        let (f, parent, child) = print_run_asking_finance(&app, &s, SignedDuration::from_mins(60)).await;
        // Finance's target passes Tuesday 17:00 New York; it resolves Thursday 10:00
        // there (15:00 here): 9 business hours late. Design resolves an hour later.
        app.clock.set("2026-11-26T15:00:00Z".parse().unwrap());
        f.agent.patch(&format!("/api/v1/requests/{child}"), json!({"status": "resolved"}))
            .await.assert(StatusCode::OK);
        app.clock.set("2026-11-26T16:00:00Z".parse().unwrap());
        s.designer.patch(&format!("/api/v1/requests/{parent}"), json!({"status": "resolved"}))
            .await.assert(StatusCode::OK);
        app.clock.set("2026-11-26T17:00:00Z".parse().unwrap());
        app.work().await;

        // Design held the parent 31.5 business hours, 29.5 of them waiting on Finance:
        // 2 hours of its own, within its 8. Finance's clock is the late one.
        let at = "2026-11-26T17:00:00Z";
        let res = s.requester.get(&format!("/api/v1/health?at={at}")).await;
        let pair = |customer: i64, provider: i64| {
            res.body["items"].as_array().unwrap().iter()
                .find(|p| p["customer_department_id"] == customer && p["provider_department_id"] == provider)
                .unwrap_or_else(|| panic!("no pair {customer} {provider} in {}", res.body))
                .clone()
        };
        let sla = part(&pair(s.marketing, s.design), "sla").clone();
        assert_eq!((sla["events"].clone(), sla["value"].clone()), (json!(1), json!(100.0)));
        let sla = part(&pair(s.design, f.id), "sla").clone();
        assert_eq!((sla["events"].clone(), sla["value"].clone()), (json!(1), json!(0.0)));

        // Finance holds Design back, 540 minutes; Design holds no one back. (Design reads
        // the requests behind it; Marketing would read the minutes only.)
        let res = s.designer.get(&format!("/api/v1/bottlenecks?at={at}")).await;
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", res.body);
        assert_eq!(items[0]["department_id"], f.id);
        let evidence = &items[0]["evidence"][0];
        assert_eq!(evidence["customer_department_id"], s.design);
        assert_eq!(evidence["business_minutes_beyond_target"], 540);
        assert_eq!(evidence["request_ids"], json!([child]));
    }

    async fn a_policy_cut_below_what_a_waiting_request_used_breaches_it(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"resolution_minutes": 240})).await;
        // Monday 09:00 to 12:00 worked on, then waiting on the customer: 180 of 240.
        let id = app.file(&s.requester, s.service, "Poster").await;
        app.clock.set("2026-11-23T12:00:00Z".parse().unwrap());
        for status in ["in_progress", "waiting_on_customer"] {
            s.designer.patch(&format!("/api/v1/requests/{id}"), json!({"status": status}))
                .await.assert(StatusCode::OK);
        }
        let sla = |at: &'static str| {
            let client = s.requester.clone();
            async move {
                let res = client.get(&format!("/api/v1/health?at={at}")).await;
                let part = part(&res.body["items"][0], "sla").clone();
                (part["events"].clone(), part["value"].clone())
            }
        };
        // Tuesday 10:00 Design cuts its target to 120: the waiting request is past it
        // from then on, not before; raised again to 480, it is within it.
        app.clock.set("2026-11-24T10:00:00Z".parse().unwrap());
        s.design_manager.put(&format!("/api/v1/services/{}/sla", s.service),
            json!({"policies": [{"resolution_minutes": 120}]})).await.assert(StatusCode::OK);
        // The worker gets to the recompute half an hour later: the breach is dated at
        // the change all the same.
        app.clock.set("2026-11-24T10:30:00Z".parse().unwrap());
        app.work().await;
        app.clock.set("2026-11-24T11:00:00Z".parse().unwrap());
        assert_eq!(sla("2026-11-24T11:00:00Z").await, (json!(1), json!(0.0)));
        assert_eq!(sla("2026-11-24T10:15:00Z").await, (json!(1), json!(0.0)));
        assert_eq!(sla("2026-11-24T09:00:00Z").await, (json!(0), Value::Null));
        s.design_manager.put(&format!("/api/v1/services/{}/sla", s.service),
            json!({"policies": [{"resolution_minutes": 480}]})).await.assert(StatusCode::OK);
        app.work().await;
        assert_eq!(sla("2026-11-24T11:00:00Z").await, (json!(0), Value::Null));
    }

    async fn a_linked_request_is_not_taken_out_of_time_the_clock_did_not_count(app: TestApp) {
        let s = app.scene().await;
        // Monday 09:00 Marketing asks Design, which asks Finance on its behalf at once and
        // waits on Marketing's answer meanwhile: its clock stands still.
        let (f, parent, child) = print_run_asking_finance(&app, &s, SignedDuration::ZERO).await;
        for status in ["in_progress", "waiting_on_customer"] {
            s.designer.patch(&format!("/api/v1/requests/{parent}"), json!({"status": status}))
                .await.assert(StatusCode::OK);
        }
        // Monday 17:00 Finance resolves and Marketing answers: the clock runs again.
        app.clock.set("2026-11-23T17:00:00Z".parse().unwrap());
        f.agent.patch(&format!("/api/v1/requests/{child}"), json!({"status": "resolved"}))
            .await.assert(StatusCode::OK);
        s.requester.post(&format!("/api/v1/requests/{parent}/comments"), json!({"body": "Here it is"}))
            .await.assert(StatusCode::CREATED);
        // Design resolves Wednesday 12:00: 0.5 + 8.5 + 3 business hours counted, none of
        // them while Finance held the linked request: 240 minutes past its 480. (Taking
        // out the linked request's whole life, 7 business hours, would call it met.)
        app.clock.set("2026-11-25T12:00:00Z".parse().unwrap());
        s.designer.patch(&format!("/api/v1/requests/{parent}"), json!({"status": "resolved"}))
            .await.assert(StatusCode::OK);
        let at = "2026-11-25T13:00:00Z";
        app.clock.set(at.parse().unwrap());
        app.work().await;
        let res = s.requester.get(&format!("/api/v1/health?at={at}")).await;
        assert_eq!(pair_part(&res.body, s.marketing, s.design, "sla"), (json!(1), json!(0.0)));
        let res = s.requester.get(&format!("/api/v1/bottlenecks?at={at}")).await;
        let design = res.body["items"].as_array().unwrap().iter()
            .find(|b| b["department_id"] == s.design)
            .unwrap_or_else(|| panic!("Design holds no one back in {}", res.body));
        assert_eq!(design["evidence"][0]["business_minutes_beyond_target"], 240);
        assert_eq!(design["evidence"][0]["request_ids"], json!([parent]));
    }

    async fn a_linked_request_counts_as_a_wait_only_while_another_department_held_it(app: TestApp) {
        let s = app.scene().await;
        // Monday 09:00 Marketing asks Design; at 10:00 Design asks Finance, which passes
        // the linked request back to Design on Tuesday 10:00.
        let (f, parent, child) = print_run_asking_finance(&app, &s, SignedDuration::from_mins(60)).await;
        app.clock.set("2026-11-24T10:00:00Z".parse().unwrap());
        f.agent.post(&format!("/api/v1/requests/{child}/transfer"), json!({
            "service_id": s.service, "reason": "Design approves its own print runs", "fields": {"format": "poster"}
        })).await.assert(StatusCode::OK);
        // Design resolves both on Tuesday: the linked request at 12:00, its own at 13:00.
        app.clock.set("2026-11-24T12:00:00Z".parse().unwrap());
        s.designer.patch(&format!("/api/v1/requests/{child}"), json!({"status": "resolved"}))
            .await.assert(StatusCode::OK);
        app.clock.set("2026-11-24T13:00:00Z".parse().unwrap());
        s.designer.patch(&format!("/api/v1/requests/{parent}"), json!({"status": "resolved"}))
            .await.assert(StatusCode::OK);
        let at = "2026-11-24T14:00:00Z";
        app.clock.set(at.parse().unwrap());
        app.work().await;
        // The parent's clock ran 690 business minutes (Monday 7.5 hours, Tuesday 4);
        // Finance held the linked request for 450 of them (Monday 10:00 to Tuesday
        // 10:00), Design itself for the rest: 240 of its own, within its 480.
        let res = s.requester.get(&format!("/api/v1/health?at={at}")).await;
        assert_eq!(pair_part(&res.body, s.marketing, s.design, "sla"), (json!(1), json!(100.0)));
        let res = s.requester.get(&format!("/api/v1/bottlenecks?at={at}")).await;
        assert!(res.body["items"].as_array().unwrap().iter().all(|b| b["department_id"] != s.design), "{}", res.body);
    }

    async fn a_rating_counts_for_an_earlier_holder_that_kept_the_customer_waiting(app: TestApp) {
        let s = app.scene().await;
        // Design answers within 60 business minutes; Finance resolves within 960.
        with_policy(&app, &s, json!({"first_response_minutes": 60})).await;
        let f = finance(&app, json!({"resolution_minutes": 960})).await;
        let transfer = json!({"service_id": f.service, "reason": "Needs a budget approval", "fields": {"amount": 1200}});
        // Monday 09:00 two requests; Design passes the first on at 09:30 (within its
        // target), sits on the second until Tuesday 12:00 (past it).
        let quick = app.file(&s.requester, s.service, "Quick").await;
        let slow = app.file(&s.requester, s.service, "Slow").await;
        app.clock.advance(SignedDuration::from_mins(30));
        s.designer.post(&format!("/api/v1/requests/{quick}/transfer"), transfer.clone()).await.assert(StatusCode::OK);
        app.clock.set("2026-11-24T12:00:00Z".parse().unwrap());
        s.designer.post(&format!("/api/v1/requests/{slow}/transfer"), transfer).await.assert(StatusCode::OK);
        // Finance resolves both at once; Marketing rates them 4 and 1.
        app.clock.set("2026-11-24T15:00:00Z".parse().unwrap());
        for (id, score) in [(quick, 4), (slow, 1)] {
            f.agent.patch(&format!("/api/v1/requests/{id}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
            s.requester.put(&format!("/api/v1/requests/{id}/rating"), json!({"score": score})).await.assert(StatusCode::OK);
        }
        let res = s.requester.get("/api/v1/health?at=2026-11-24T16:00:00Z").await;
        let satisfaction = |provider: i64| {
            let pair = res.body["items"].as_array().unwrap().iter()
                .find(|p| p["customer_department_id"] == s.marketing && p["provider_department_id"] == provider)
                .unwrap_or_else(|| panic!("no pair with {provider} in {}", res.body));
            let part = part(pair, "satisfaction");
            (part["events"].clone(), part["value"].clone())
        };
        // Finance resolved both: 75 and 0. Design kept the second waiting past its
        // target: that rating counts for it too, the first one not.
        assert_eq!(satisfaction(f.id), (json!(2), json!(37.5)));
        assert_eq!(satisfaction(s.design), (json!(1), json!(0.0)));
    }
}
