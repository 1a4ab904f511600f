//! Asked and owed, for each person: the ratings and pulses waiting on them, and the
//! concerns waiting on their department.

use handoff_domain::access::Actor;
use handoff_domain::feedback::concern::ConcernState;
use handoff_store::concerns::{self, Concern, ConcernFilter};
use handoff_store::ratings::{self, Rating};
use handoff_store::{requests, to_micros};

use crate::App;
use crate::error::ActionResult;
use crate::pulses::{self, PulseAsk};

pub struct Asks {
    /// Resolutions to rate, with the request's subject.
    pub ratings: Vec<(Rating, String)>,
    pub pulses: Vec<PulseAsk>,
    pub concerns: Vec<Concern>,
}

pub async fn of(app: &App, actor: &Actor) -> ActionResult<Asks> {
    let now = to_micros(app.clock.now());
    // The asks are the actor's own requests: their subjects are theirs to see.
    let open = ratings::open_asks(&app.db, actor.person_id, now).await?;
    let ids: Vec<i64> = open.iter().map(|r| r.request_id).collect();
    let subjects = requests::subjects(&app.db, &ids).await?;
    let rating_asks = open
        .into_iter()
        .filter_map(|rating| {
            let subject = subjects.get(&rating.request_id)?.clone();
            Some((rating, subject))
        })
        .collect();
    let filter = ConcernFilter {
        about_department_id: Some(actor.department_id),
        states: vec![
            ConcernState::Raised,
            ConcernState::Acknowledged,
            ConcernState::Reopened,
        ],
        person_id: actor.person_id,
        department_id: actor.department_id,
        admin: false,
    };
    Ok(Asks {
        ratings: rating_asks,
        pulses: pulses::waiting(app, actor).await?,
        concerns: concerns::list(&app.db, &filter, None, 100).await?,
    })
}
