//! Derivation and the notices it and the deadlines cause: who may derive
//! an activity to whom, who hears of an activity, when a deadline notice is
//! due, and how often a mail is tried again. Pure, so each rule is stated
//! once and tested on its own.

use super::access::Actor;
use super::calendar::bolivia_day_start;
use super::procedure::{Activity, ActivityNumber};
use super::role::Role;

/// Whether the manual has the person who completes `activity` derive the
/// work that follows to someone ("Deriva e instruye atender la solicitud",
/// "Revisa y deriva la solicitud al profesional del AIT"): then the
/// completion may name who takes each activity that becomes current.
pub fn derives(activity: &Activity) -> bool {
    activity
        .description
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("deriva"))
}

/// The heads who derive and reassign any current activity at any time,
/// with a reason: the Jefe de la UGAT and the Responsable del AIT.
pub const REASSIGNERS: [Role; 2] = [Role::JefeUgat, Role::ResponsableAit];

/// Who hears that an overdue activity waits too long.
pub const ESCALATION_TO: Role = Role::JefeUgat;

impl Actor {
    /// Derives and reassigns current activities of any case it sees.
    pub fn reassigns(&self) -> bool {
        self.entity_id.is_none() && REASSIGNERS.iter().any(|r| self.roles.contains(r))
    }

    /// Whether this person may hold `activity` of a case concerning
    /// `case_entities`: staff with one of its roles, or an account of one of
    /// those entities for the entity's activities.
    pub fn may_hold(&self, activity: &Activity, case_entities: &[impl AsRef<str>]) -> bool {
        self.role_for(activity, case_entities).is_ok()
    }
}

/// What a notice tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// The activity was derived to the person.
    Assigned,
    /// The activity became current and waits for the person's role.
    Current,
    /// Its due time is near.
    Reminder,
    /// Its due time passed.
    Overdue,
    /// It is overdue by more than the escalation time: told to the Jefe de
    /// la UGAT (and, for an entity's activity, to the entity once more).
    Escalated,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::Assigned,
        NoticeKind::Current,
        NoticeKind::Reminder,
        NoticeKind::Overdue,
        NoticeKind::Escalated,
    ];

    /// As stored and as the API writes it.
    pub const fn slug(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "assigned",
            NoticeKind::Current => "current",
            NoticeKind::Reminder => "reminder",
            NoticeKind::Overdue => "overdue",
            NoticeKind::Escalated => "escalated",
        }
    }

    pub fn from_slug(slug: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// What happened, in a few words, before the case and activity.
    pub const fn headline(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "Se le derivó una actividad",
            NoticeKind::Current => "Una actividad espera a su rol",
            NoticeKind::Reminder => "Una actividad vence pronto",
            NoticeKind::Overdue => "Una actividad está vencida",
            NoticeKind::Escalated => "Una actividad sigue vencida",
        }
    }
}

/// Who a notice goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addressees {
    /// The person an activity is derived to.
    Person(String),
    /// Everyone who holds one of these roles: staff by their roles, and for
    /// [`Role::Entidad`] the accounts of every entity the case concerns.
    Holders(&'static [Role]),
    /// The accounts of one entity the case concerns (one just named).
    Entity(String),
}

/// A notice about one activity of a case, before it is addressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub activity: ActivityNumber,
    pub kind: NoticeKind,
    pub to: Addressees,
}

/// Who hears that `activity` became current: the person it was derived
/// to, else every holder of its roles.
pub fn on_entering(activity: &Activity, assignee: Option<&str>) -> Notice {
    match assignee {
        Some(person) => Notice {
            activity: activity.number,
            kind: NoticeKind::Assigned,
            to: Addressees::Person(person.to_owned()),
        },
        None => Notice {
            activity: activity.number,
            kind: NoticeKind::Current,
            to: Addressees::Holders(activity.roles),
        },
    }
}

/// Who hears, when `entity_id` is named on a case, that `activity` is
/// current: the entity's accounts, for an activity of the entity's.
pub fn on_naming(activity: &Activity, entity_id: &str) -> Option<Notice> {
    activity.roles.contains(&Role::Entidad).then(|| Notice {
        activity: activity.number,
        kind: NoticeKind::Current,
        to: Addressees::Entity(entity_id.to_owned()),
    })
}

/// Who hears a deadline notice of `activity`: the reminder and the overdue
/// notice go to whoever would do it (its assignee, else its role holders);
/// escalation goes to the Jefe de la UGAT and, for an entity's activity,
/// to the entity as well.
pub fn on_deadline(activity: &Activity, kind: NoticeKind, assignee: Option<&str>) -> Vec<Notice> {
    let notice = |to| Notice {
        activity: activity.number,
        kind,
        to,
    };
    match kind {
        NoticeKind::Escalated => {
            let mut notices = vec![notice(Addressees::Holders(&[ESCALATION_TO]))];
            if activity.roles.contains(&Role::Entidad) {
                notices.push(notice(Addressees::Holders(&[Role::Entidad])));
            }
            notices
        }
        _ => vec![match assignee {
            Some(person) => notice(Addressees::Person(person.to_owned())),
            None => notice(Addressees::Holders(activity.roles)),
        }],
    }
}

/// How each person wants notices by e-mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MailPreference {
    /// A mail for each notice.
    #[default]
    Each,
    /// One mail a day listing the day's notices.
    Daily,
    None,
}

impl MailPreference {
    pub const ALL: [MailPreference; 3] = [
        MailPreference::Each,
        MailPreference::Daily,
        MailPreference::None,
    ];

    pub const fn slug(self) -> &'static str {
        match self {
            MailPreference::Each => "each",
            MailPreference::Daily => "daily",
            MailPreference::None => "none",
        }
    }

    pub fn from_slug(slug: &str) -> Option<MailPreference> {
        MailPreference::ALL.into_iter().find(|p| p.slug() == slug)
    }

    pub const fn label(self) -> &'static str {
        match self {
            MailPreference::Each => "Un correo por cada aviso",
            MailPreference::Daily => "Un resumen diario",
            MailPreference::None => "Ningún correo (solo los avisos en la aplicación)",
        }
    }
}

/// When the deadline notices of a current activity go out, around the due
/// time the dashboard uses (`since + due`): the reminder from
/// `due - remind_before`, the overdue notice from `due`, and escalation
/// from `due + escalate_after` (once the overdue notice went), each once
/// per stay of the activity (the store finds them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlinePolicy {
    /// The reminder goes this long before the due time.
    pub remind_before_ms: i64,
    /// Escalation goes this long after the due time.
    pub escalate_after_ms: i64,
}

impl Default for DeadlinePolicy {
    fn default() -> DeadlinePolicy {
        DeadlinePolicy {
            remind_before_ms: 24 * 3_600_000,
            escalate_after_ms: 24 * 3_600_000,
        }
    }
}

/// Tries of one mail before it is given up on and shown to administrators.
pub const MAIL_ATTEMPTS: i64 = 12;

/// How long to wait before trying a mail again after `attempts` failed
/// tries: 10 s, doubling, at most 30 minutes (12 tries span about 2.5 h).
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doubled = 10_000_i64.saturating_mul(1_i64 << attempts.clamp(0, 20).saturating_sub(1));
    doubled.min(30 * 60_000)
}

/// The notices a daily digest queued at `now` collects: those before the
/// start of the Bolivian day whose digest hour has come (`digest_hour`,
/// 0-23): at 07:00 on the 29th, the 28th's and any earlier left over.
pub fn digest_cutoff(now: i64, digest_hour: i64) -> i64 {
    let today = bolivia_day_start(now);
    if now >= today + digest_hour * 3_600_000 {
        today
    } else {
        today - 86_400_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::{PR09, PR6, PR7};

    #[test]
    fn the_activities_the_manual_says_derive() {
        // PR6 3: "Deriva e instruye atender la solicitud al Responsable del AIT."
        assert!(derives(PR6.activity(3).unwrap()));
        // PR6 4: "Revisa y deriva la solicitud al profesional del AIT."
        assert!(derives(PR6.activity(4).unwrap()));
        assert!(derives(PR7.activity(2).unwrap()));
        assert!(derives(PR09.activity(5).unwrap()));
        assert!(!derives(PR6.activity(9).unwrap()));
    }

    #[test]
    fn an_entity_named_late_hears_of_its_current_activity_only() {
        let note = on_naming(PR09.activity(14).unwrap(), "e2").unwrap();
        assert_eq!(note.to, Addressees::Entity("e2".into()));
        assert!(on_naming(PR09.activity(13).unwrap(), "e2").is_none());
        assert!(PR09.activity(14).unwrap().is_entitys_alone());
        // PR7 1 may come from an area of AGETIC as well.
        assert!(!PR7.activity(1).unwrap().is_entitys_alone());
    }

    #[test]
    fn only_the_heads_reassign_and_only_role_holders_hold() {
        assert!(Actor::staff([Role::JefeUgat]).reassigns());
        assert!(Actor::staff([Role::ResponsableAit]).reassigns());
        assert!(!Actor::staff([Role::ProfesionalAit]).reassigns());
        assert!(!Actor::entity("e1").reassigns());
        let pr6_5 = PR6.activity(5).unwrap();
        assert!(pr6_5.roles.contains(&Role::ProfesionalAit));
        assert!(Actor::staff([Role::ProfesionalAit]).may_hold(pr6_5, &["e1"]));
        assert!(!Actor::staff([Role::Uit]).may_hold(pr6_5, &["e1"]));
        let pr6_1 = PR6.activity(1).unwrap();
        assert!(Actor::entity("e1").may_hold(pr6_1, &["e1"]));
        assert!(!Actor::entity("e2").may_hold(pr6_1, &["e1"]));
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_half_an_hour() {
        assert_eq!(retry_delay_ms(1), 10_000);
        assert_eq!(retry_delay_ms(2), 20_000);
        assert_eq!(retry_delay_ms(3), 40_000);
        assert_eq!(retry_delay_ms(40), 30 * 60_000);
        let total: i64 = (1..MAIL_ATTEMPTS).map(retry_delay_ms).sum();
        assert!(total > 2 * 3_600_000, "{total}");
    }

    #[test]
    fn a_digest_collects_the_bolivian_days_before_its_hour() {
        // 2026-11-29T10:00Z is 06:00 in La Paz: the 28th's digest waits.
        let six_am = 1_795_946_400_000;
        let midnight_29 = 1_795_924_800_000; // 2026-11-29T04:00Z
        assert_eq!(bolivia_day_start(six_am), midnight_29);
        assert_eq!(digest_cutoff(six_am, 7), midnight_29 - 86_400_000);
        assert_eq!(digest_cutoff(six_am + 3_600_000, 7), midnight_29);
    }

    #[test]
    fn kinds_and_preferences_read_back_from_their_slugs() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_slug(kind.slug()), Some(kind));
        }
        for preference in MailPreference::ALL {
            assert_eq!(
                MailPreference::from_slug(preference.slug()),
                Some(preference)
            );
        }
        assert_eq!(MailPreference::from_slug("weekly"), None);
    }
}
