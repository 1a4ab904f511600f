//! "My internal customers": for a person, who depends on their department and on them
//! personally (the dependencies in force where they or their department provide), what is
//! expected, what they owe next and how many of those customers' requests are open; and
//! the other way, whom they depend on. Read in a fixed number of queries however many
//! dependents a department has.

use std::collections::HashMap;

use handoff_store::deliverables::{self, Upcoming};
use handoff_store::dependencies::{self, Dependency};
use handoff_store::{people, requests, to_micros};

use crate::App;
use crate::error::{ActionResult, or_404};

/// One dependency seen from one side.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The department on the other side.
    pub department_id: i64,
    pub dependency: Dependency,
    /// Whether the person is the owner on their side.
    pub personal: bool,
    /// What the provider owes the customer next, per deliverable between them.
    pub owed: Vec<Upcoming>,
    /// Open requests the customer filed with the provider (not confidential).
    pub open_requests: i64,
}

#[derive(Debug, Clone)]
pub struct InternalCustomers {
    pub person_id: i64,
    pub department_id: i64,
    /// Who depends on the person's department or on them, most critical first.
    pub customers: Vec<Relation>,
    /// Whom the person's department or they depend on.
    pub providers: Vec<Relation>,
}

pub async fn of_person(app: &App, person_id: i64) -> ActionResult<InternalCustomers> {
    let person = people::get(&app.db, person_id)
        .await
        .map_err(or_404("person"))?;
    let department = person.department_id;
    let now = to_micros(app.clock.now());
    let mut sides = Vec::with_capacity(2);
    for as_provider in [true, false] {
        let found = dependencies::in_force_for(&app.db, department, person_id, as_provider).await?;
        let owed = deliverables::next_owed(&app.db, department, as_provider, now).await?;
        let mut owed_by_pair: HashMap<(i64, i64), Vec<Upcoming>> = HashMap::new();
        for o in owed {
            owed_by_pair
                .entry((o.provider_department_id, o.customer_department_id))
                .or_default()
                .push(o);
        }
        let open: HashMap<(i64, i64), i64> =
            requests::open_between(&app.db, department, as_provider)
                .await?
                .into_iter()
                .map(|(provider, requester, n)| ((provider, requester), n))
                .collect();
        let relations = found
            .into_iter()
            .map(|d| {
                let pair = (d.provider_department_id, d.customer_department_id);
                Relation {
                    department_id: if as_provider { pair.1 } else { pair.0 },
                    personal: if as_provider {
                        d.provider_owner_id == person_id
                    } else {
                        d.customer_owner_id == person_id
                    },
                    owed: owed_by_pair.get(&pair).cloned().unwrap_or_default(),
                    open_requests: open.get(&pair).copied().unwrap_or(0),
                    dependency: d,
                }
            })
            .collect();
        sides.push(relations);
    }
    let providers = sides.pop().unwrap_or_default();
    let customers = sides.pop().unwrap_or_default();
    Ok(InternalCustomers {
        person_id,
        department_id: department,
        customers,
        providers,
    })
}
