//! Departments and people: handles, e-mail addresses and roles.

use serde::{Deserialize, Serialize};

use crate::validation::FieldErrors;

/// What a person may do beyond their own requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Works their department's queue.
    Member,
    /// Also manages their department's services.
    Manager,
    /// Manages the whole organisation.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Member, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A department handle: 2 to 32 characters of lowercase ASCII letters, digits and
/// hyphens, starting with a letter (`it`, `customer-service`).
pub fn check_handle(errors: &mut FieldErrors, field: &str, handle: &str) -> String {
    let ok = (2..=32).contains(&handle.len())
        && handle.starts_with(|c: char| c.is_ascii_lowercase())
        && handle
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !handle.ends_with('-');
    if !ok {
        errors.add(
            field,
            "must be 2 to 32 lowercase letters, digits or hyphens, starting with a letter",
        );
    }
    handle.to_owned()
}

/// An e-mail address, normalised to lowercase so that uniqueness ignores case.
/// Deliberately permissive: one `@`, a non-empty local part, a dotted domain.
pub fn check_email(errors: &mut FieldErrors, field: &str, email: &str) -> String {
    let email = email.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && email.len() <= 254
        }
        None => false,
    };
    if !valid {
        errors.add(field, "must be an e-mail address such as name@example.org");
    }
    email
}

/// Whether making `parent` the parent of `department` would close a loop, given a way
/// to look up each department's current parent.
pub fn would_create_cycle(
    department: i64,
    parent: i64,
    parent_of: impl Fn(i64) -> Option<i64>,
) -> bool {
    let mut current = Some(parent);
    // A hierarchy deeper than this is already broken; stop rather than loop.
    for _ in 0..10_000 {
        match current {
            None => return false,
            Some(id) if id == department => return true,
            Some(id) => current = parent_of(id),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        for good in ["it", "customer-service", "hr2"] {
            let mut e = FieldErrors::new();
            check_handle(&mut e, "handle", good);
            assert!(e.is_empty(), "{good}");
        }
        for bad in ["", "i", "IT", "2it", "it-", "a b", "ab_c"] {
            let mut e = FieldErrors::new();
            check_handle(&mut e, "handle", bad);
            assert!(!e.is_empty(), "{bad}");
        }
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        let mut e = FieldErrors::new();
        assert_eq!(
            check_email(&mut e, "email", " Ann@Example.ORG "),
            "ann@example.org"
        );
        assert!(e.is_empty());
        for bad in ["ann", "ann@", "@x.org", "ann@org", "a b@x.org", "a@b@x.org"] {
            let mut e = FieldErrors::new();
            check_email(&mut e, "email", bad);
            assert!(!e.is_empty(), "{bad}");
        }
    }

    #[test]
    fn cycles() {
        // 1 <- 2 <- 3 (3's parent is 2, 2's parent is 1)
        let parent_of = |id| match id {
            3 => Some(2),
            2 => Some(1),
            _ => None,
        };
        assert!(would_create_cycle(1, 3, parent_of));
        assert!(would_create_cycle(2, 2, parent_of));
        assert!(!would_create_cycle(3, 1, parent_of));
    }
}
