//! Who may do what with a case: the rules the server enforces, kept pure so
//! they are stated once and tested on their own.

use std::collections::BTreeSet;

use super::procedure::{Activity, Procedure};
use super::role::Role;

/// The person acting, as far as the rules care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Staff roles; an entity account acts as [`Role::Entidad`] only.
    pub roles: BTreeSet<Role>,
    /// Set for the accounts of a public entity.
    pub entity_id: Option<String>,
    pub is_admin: bool,
    /// The account's id, when the actor is a signed-in person: activities
    /// derived to them are theirs.
    pub person: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The case is not one this actor may know about: answered as not found.
    NotVisible,
    /// The actor sees the case but lacks the role the activity needs.
    WrongRole,
}

/// The staff roles that open cases of any procedure.
pub const CASE_OPENERS: [Role; 3] = [Role::JefeUgat, Role::ResponsableAit, Role::ProfesionalAit];

/// The staff who review the forms an entity sends and may return them with
/// observations: the AIT's professional receives them (PR6, activity 9), and
/// those above in the same line.
pub const FORM_REVIEWERS: [Role; 3] = [Role::ProfesionalAit, Role::ResponsableAit, Role::JefeUgat];

/// Who follows the work on the dashboard: the Jefe de la UGAT, the DGE and
/// the Responsable del AIT.
pub const MANAGERS: [Role; 3] = [Role::JefeUgat, Role::Dge, Role::ResponsableAit];

impl Actor {
    pub fn staff(roles: impl IntoIterator<Item = Role>) -> Actor {
        Actor {
            roles: roles.into_iter().collect(),
            entity_id: None,
            is_admin: false,
            person: None,
        }
    }

    pub fn entity(entity_id: impl Into<String>) -> Actor {
        Actor {
            roles: BTreeSet::from([Role::Entidad]),
            entity_id: Some(entity_id.into()),
            is_admin: false,
            person: None,
        }
    }

    pub fn admin() -> Actor {
        Actor {
            roles: BTreeSet::new(),
            entity_id: None,
            is_admin: true,
            person: None,
        }
    }

    /// The same actor as the person `id`.
    pub fn as_person(mut self, id: impl Into<String>) -> Actor {
        self.person = Some(id.into());
        self
    }

    /// The activities of `procedure` that wait for this actor when current
    /// (for an entity, in its own cases).
    pub fn activities_in(
        &self,
        procedure: &Procedure,
    ) -> Vec<crate::domain::procedure::ActivityNumber> {
        procedure
            .activities
            .iter()
            .filter(|activity| activity.roles.iter().any(|role| self.roles.contains(role)))
            .map(|activity| activity.number)
            .collect()
    }

    /// Staff see every case; an entity only those that concern it.
    pub fn may_see(&self, case_entities: &[impl AsRef<str>]) -> bool {
        match &self.entity_id {
            Some(own) => case_entities.iter().any(|e| e.as_ref() == own),
            None => self.sees_cases(),
        }
    }

    /// Need-to-know: staff see cases through their roles, so an account
    /// with none (and no administration) sees no case at all.
    pub fn sees_cases(&self) -> bool {
        self.entity_id.is_some() || self.is_admin || !self.roles.is_empty()
    }

    /// Whether this actor opens a case of `procedure` concerning
    /// `case_entities`: an entity opens its own cases only.
    pub fn may_open(
        &self,
        procedure: &Procedure,
        case_entities: &[impl AsRef<str>],
    ) -> Result<(), Refusal> {
        match &self.entity_id {
            Some(own) if !matches!(case_entities, [only] if only.as_ref() == own) => {
                Err(Refusal::NotVisible)
            }
            _ if self.may_start(procedure) => Ok(()),
            _ => Err(Refusal::WrongRole),
        }
    }

    /// Whether this actor opens cases of `procedure`: as the manual has it,
    /// whoever holds a role of its first activity (the ADIT for PR05, the
    /// entity for PR6, an area or an entity for PR7, the AIT's professional
    /// for PR09); besides, the AIT's staff register any request that
    /// reaches them.
    pub fn may_start(&self, procedure: &Procedure) -> bool {
        let first = procedure.first().roles;
        match &self.entity_id {
            Some(_) => first.contains(&Role::Entidad),
            None => {
                self.opens_any_procedure()
                    || first
                        .iter()
                        .any(|r| *r != Role::Entidad && self.roles.contains(r))
            }
        }
    }

    /// The role under which this actor names further entities on a case of
    /// `procedure`: its staff, by a role of one of its activities.
    pub fn names_entities(&self, procedure: &Procedure) -> Option<Role> {
        if self.entity_id.is_some() {
            return None;
        }
        procedure
            .activities
            .iter()
            .flat_map(|activity| activity.roles.iter().copied())
            .find(|role| self.roles.contains(role))
    }

    /// Registers entities and accounts, assigns roles and sets due times.
    pub fn administers(&self) -> bool {
        self.is_admin
    }

    /// Follows the work on the managers' dashboard.
    pub fn sees_dashboard(&self) -> bool {
        self.entity_id.is_none()
            && (self.is_admin || MANAGERS.iter().any(|r| self.roles.contains(r)))
    }

    /// Downloads the history of many cases, for the annual audit: the
    /// administrators and the managers.
    pub fn exports_history(&self) -> bool {
        self.sees_dashboard()
    }

    /// Opens cases of every procedure: the AIT's staff and administrators.
    pub fn opens_any_procedure(&self) -> bool {
        self.entity_id.is_none()
            && (self.is_admin || CASE_OPENERS.iter().any(|r| self.roles.contains(r)))
    }

    /// The role under which this actor returns an entity's sent form with
    /// observations; `None` for whoever does not review forms.
    pub fn form_reviewer_role(&self) -> Option<Role> {
        if self.entity_id.is_some() {
            return None;
        }
        FORM_REVIEWERS
            .into_iter()
            .find(|role| self.roles.contains(role))
    }

    /// The entity whose request forms this actor fills; staff fill none.
    pub fn fills_forms_for(&self) -> Option<&str> {
        self.entity_id.as_deref()
    }

    /// The role under which this actor completes `activity` of a case of
    /// `case_entities`, recorded in the history.
    pub fn role_for(
        &self,
        activity: &Activity,
        case_entities: &[impl AsRef<str>],
    ) -> Result<Role, Refusal> {
        if !self.may_see(case_entities) {
            return Err(Refusal::NotVisible);
        }
        activity
            .roles
            .iter()
            .copied()
            .find(|role| self.roles.contains(role))
            .ok_or(Refusal::WrongRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::{PR05, PR09, PR6, PR7};

    #[test]
    fn managers_admins_and_reviewers_are_staff_with_their_roles() {
        let dge = Actor::staff([Role::Dge]);
        assert!(dge.sees_dashboard() && !dge.administers());
        assert_eq!(dge.form_reviewer_role(), None);
        assert!(Actor::admin().sees_dashboard() && Actor::admin().administers());
        let profesional = Actor::staff([Role::ProfesionalAit, Role::JefeUgat]);
        assert_eq!(profesional.form_reviewer_role(), Some(Role::ProfesionalAit));
        assert!(!Actor::staff([Role::Uit]).sees_dashboard());
        let entity = Actor::entity("e1");
        assert!(!entity.sees_dashboard() && !entity.opens_any_procedure());
        assert_eq!(entity.fills_forms_for(), Some("e1"));
        assert_eq!(Actor::staff([Role::JefeUgat]).fills_forms_for(), None);
    }

    #[test]
    fn staff_complete_only_the_activities_of_their_roles() {
        let jefe = Actor::staff([Role::JefeUgat]);
        let pr6_3 = PR6.activity(3).unwrap();
        assert_eq!(jefe.role_for(pr6_3, &["e1"]), Ok(Role::JefeUgat));
        let pr6_4 = PR6.activity(4).unwrap();
        assert_eq!(jefe.role_for(pr6_4, &["e1"]), Err(Refusal::WrongRole));
    }

    #[test]
    fn either_unit_of_a_shared_activity_may_complete_it() {
        let pr6_10 = PR6.activity(10).unwrap();
        assert_eq!(
            Actor::staff([Role::Uit]).role_for(pr6_10, &["e1"]),
            Ok(Role::Uit)
        );
        assert_eq!(
            Actor::staff([Role::Upat]).role_for(pr6_10, &["e1"]),
            Ok(Role::Upat)
        );
    }

    #[test]
    fn entity_activities_belong_to_the_case_entity_only() {
        let pr6_1 = PR6.activity(1).unwrap();
        assert_eq!(
            Actor::entity("e1").role_for(pr6_1, &["e1"]),
            Ok(Role::Entidad)
        );
        assert_eq!(
            Actor::entity("e2").role_for(pr6_1, &["e1"]),
            Err(Refusal::NotVisible)
        );
        assert_eq!(
            Actor::staff([Role::ProfesionalAit]).role_for(pr6_1, &["e1"]),
            Err(Refusal::WrongRole)
        );
        let pr6_2 = PR6.activity(2).unwrap();
        assert_eq!(
            Actor::entity("e1").role_for(pr6_2, &["e1"]),
            Err(Refusal::WrongRole)
        );
        // PR7 activity 1 may come from a unit of AGETIC or from the entity.
        let pr7_1 = PR7.activity(1).unwrap();
        assert_eq!(
            Actor::entity("e1").role_for(pr7_1, &["e1"]),
            Ok(Role::Entidad)
        );
        assert_eq!(
            Actor::staff([Role::AreaSustantiva]).role_for(pr7_1, &["e1"]),
            Ok(Role::AreaSustantiva)
        );
    }

    #[test]
    fn a_case_of_several_entities_is_each_ones_and_one_of_none_is_staffs() {
        let both = ["e1", "e2"];
        let pr09_14 = PR09.activity(14).unwrap();
        for own in both {
            assert!(Actor::entity(own).may_see(&both));
            assert_eq!(
                Actor::entity(own).role_for(pr09_14, &both),
                Ok(Role::Entidad)
            );
        }
        assert!(!Actor::entity("e3").may_see(&both));
        let none: [&str; 0] = [];
        assert!(!Actor::entity("e1").may_see(&none));
        assert!(Actor::staff([Role::ProfesionalAit]).may_see(&none));
        assert_eq!(
            Actor::entity("e1").role_for(pr09_14, &none),
            Err(Refusal::NotVisible)
        );
        // An entity opens a case of its own alone.
        assert_eq!(
            Actor::entity("e1").may_open(&PR6, &both),
            Err(Refusal::NotVisible)
        );
    }

    #[test]
    fn the_procedures_staff_name_its_entities() {
        assert_eq!(
            Actor::staff([Role::JefeUgat]).names_entities(&PR09),
            Some(Role::JefeUgat)
        );
        assert_eq!(Actor::staff([Role::Uit]).names_entities(&PR09), None);
        assert_eq!(Actor::entity("e1").names_entities(&PR09), None);
        assert_eq!(Actor::admin().names_entities(&PR09), None);
    }

    #[test]
    fn staff_without_a_role_see_no_case() {
        let nobody = Actor::staff([]);
        assert!(!nobody.sees_cases() && !nobody.may_see(&["e1"]));
        assert!(Actor::staff([Role::Uit]).may_see(&["e1"]));
        assert!(Actor::admin().may_see(&["e1"]));
        assert!(Actor::entity("e1").may_see(&["e1"]) && !Actor::entity("e1").may_see(&["e2"]));
    }

    #[test]
    fn who_opens_cases() {
        for role in CASE_OPENERS {
            assert_eq!(Actor::staff([role]).may_open(&PR05, &["e1"]), Ok(()));
        }
        assert_eq!(Actor::admin().may_open(&PR7, &["e1"]), Ok(()));
        assert_eq!(
            Actor::staff([Role::Dge]).may_open(&PR05, &["e1"]),
            Err(Refusal::WrongRole)
        );
        assert_eq!(Actor::entity("e1").may_open(&PR6, &["e1"]), Ok(()));
        assert_eq!(
            Actor::entity("e1").may_open(&PR05, &["e1"]),
            Err(Refusal::WrongRole)
        );
        // The first activity's people start each procedure.
        assert_eq!(Actor::staff([Role::Adit]).may_open(&PR05, &["e1"]), Ok(()));
        assert_eq!(
            Actor::staff([Role::Adit]).may_open(&PR7, &["e1"]),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            Actor::staff([Role::AreaSustantiva]).may_open(&PR7, &["e1"]),
            Ok(())
        );
        assert_eq!(Actor::entity("e1").may_open(&PR7, &["e1"]), Ok(()));
        assert_eq!(
            Actor::entity("e1").may_open(&PR09, &["e1"]),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            Actor::staff([Role::ProfesionalAit]).may_open(&PR09, &["e1"]),
            Ok(())
        );
        assert_eq!(
            Actor::staff([Role::Uit]).may_open(&PR09, &["e1"]),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            Actor::entity("e1").may_open(&PR6, &["e2"]),
            Err(Refusal::NotVisible)
        );
    }

    #[test]
    fn the_activities_that_wait_for_an_actor() {
        assert_eq!(Actor::staff([Role::Dge]).activities_in(&PR6), [2, 18]);
        assert_eq!(Actor::entity("e1").activities_in(&PR6), [1, 7, 12, 13, 19]);
        assert_eq!(Actor::staff([Role::Uit]).activities_in(&PR6), [10]);
        assert!(Actor::admin().activities_in(&PR05).is_empty());
    }

    #[test]
    fn entities_see_only_their_own_cases() {
        assert!(Actor::entity("e1").may_see(&["e1"]));
        assert!(!Actor::entity("e1").may_see(&["e2"]));
        assert!(Actor::staff([Role::Dge]).may_see(&["e2"]));
    }
}
