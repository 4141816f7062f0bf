//! Time as the app reads it: milliseconds since the Unix epoch, shown and
//! counted on Bolivia's calendar (references count by its year, months of
//! the dashboard by its months).

/// Milliseconds since the Unix epoch, on the server or in the browser.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }
}

/// Bolivia keeps UTC−4 all year.
const BOLIVIA_OFFSET_MINUTES: i64 = -4 * 60;

/// A moment as read on a calendar and clock in Bolivia:
/// (year, month, day, minute of the day).
pub fn bolivia_calendar(ms: i64) -> (i64, i64, i64, i64) {
    let minutes = ms.div_euclid(60_000) + BOLIVIA_OFFSET_MINUTES;
    let days = minutes.div_euclid(1440);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, minutes.rem_euclid(1440))
}

/// The instant the day of `ms` began in Bolivia (midnight, UTC−4).
pub fn bolivia_day_start(ms: i64) -> i64 {
    let minutes = ms.div_euclid(60_000) + BOLIVIA_OFFSET_MINUTES;
    (minutes.div_euclid(1440) * 1440 - BOLIVIA_OFFSET_MINUTES) * 60_000
}

/// The instant a month begins in Bolivia, from `"2026-11"`; `None` for
/// anything else.
pub fn bolivia_month_start(month: &str) -> Option<i64> {
    let (year, number) = month.split_once('-')?;
    let (year, number): (i64, i64) = (year.parse().ok()?, number.parse().ok()?);
    if !(1..=12).contains(&number) || !(1970..=9999).contains(&year) {
        return None;
    }
    // Days since the epoch of the 1st (Howard Hinnant's days_from_civil).
    let y = if number <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (number + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 1440 - BOLIVIA_OFFSET_MINUTES) * 60_000)
}

/// The month after `"2026-11"`: `"2026-12"`.
pub fn next_month(month: &str) -> Option<String> {
    let (year, number) = month.split_once('-')?;
    let (year, number): (i64, i64) = (year.parse().ok()?, number.parse().ok()?);
    Some(if number >= 12 {
        format!("{:04}-01", year + 1)
    } else {
        format!("{year:04}-{:02}", number + 1)
    })
}

/// A time as read in Bolivia, "2026-11-26 19:40".
pub fn bolivia_time(ms: i64) -> String {
    let (year, month, day, minute) = bolivia_calendar(ms);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minute / 60,
        minute % 60
    )
}

/// How long ago, in words: "hace 5 min", "hace 3 h", "hace 2 días".
pub fn waited(since_ms: i64, now_ms: i64) -> String {
    format!("hace {}", span(since_ms, now_ms))
}

/// The time between two instants in words: "menos de un minuto", "5 min",
/// "3 h", "4 días".
pub fn span(from_ms: i64, to_ms: i64) -> String {
    let minutes = (to_ms - from_ms).max(0) / 60_000;
    match minutes {
        0 => "menos de un minuto".into(),
        1..=59 => format!("{minutes} min"),
        60..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} días", minutes / 1440),
    }
}

/// A short wait in words: "1 segundo", "40 segundos", "15 minutos".
pub fn spoken_seconds(seconds: u64) -> String {
    match seconds {
        1 => "1 segundo".into(),
        0..=119 => format!("{seconds} segundos"),
        _ => format!("{} minutos", seconds.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_begin_at_midnight_in_bolivia() {
        let start = bolivia_month_start("2026-11").unwrap();
        assert_eq!(bolivia_time(start), "2026-11-01 00:00");
        assert_eq!(bolivia_time(start - 60_000), "2026-10-31 23:59");
        let march = bolivia_month_start("2024-03").unwrap();
        assert_eq!(bolivia_time(march - 1), "2024-02-29 23:59");
        assert_eq!(next_month("2026-12").as_deref(), Some("2027-01"));
        assert_eq!(bolivia_month_start("2026-13"), None);
        assert_eq!(bolivia_month_start("noviembre"), None);
    }

    #[test]
    fn times_read_in_bolivia() {
        assert_eq!(bolivia_time(0), "1969-12-31 20:00");
        // 2026-01-01T03:30:00Z is still New Year's Eve in La Paz.
        assert_eq!(bolivia_time(1_767_238_200_000), "2025-12-31 23:30");
        assert_eq!(bolivia_time(1_709_208_000_000), "2024-02-29 08:00");
    }

    #[test]
    fn waiting_times_in_words() {
        assert_eq!(waited(0, 30_000), "hace menos de un minuto");
        assert_eq!(waited(0, 5 * 60_000), "hace 5 min");
        assert_eq!(waited(0, 3 * 3_600_000), "hace 3 h");
        assert_eq!(waited(0, 3 * 86_400_000), "hace 3 días");
    }

    #[test]
    fn short_waits_in_words() {
        assert_eq!(spoken_seconds(1), "1 segundo");
        assert_eq!(spoken_seconds(32), "32 segundos");
        assert_eq!(spoken_seconds(900), "15 minutos");
    }
}
