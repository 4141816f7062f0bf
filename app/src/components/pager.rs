//! Under a paged list: how many entries the filter holds, and links to the
//! pages around this one that keep the list's other filters.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The page parameters in a page's address (the API says `after`/`before`).
pub const AFTER: &str = "despues";
pub const BEFORE: &str = "antes";

/// What the list reads from its address: the page after or before a cursor.
pub fn requested_page() -> impl Fn() -> crate::paging::PageRequest + Copy {
    let query = use_query_map();
    move || {
        query.with(|q| crate::paging::PageRequest {
            after: q.get(AFTER),
            before: q.get(BEFORE),
            limit: None,
        })
    }
}

/// `1234` as `1.234`, the way numbers are written in Bolivia.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[component]
pub fn Pager(
    total: i64,
    shown: usize,
    next: Option<String>,
    previous: Option<String>,
    /// What the list counts, as in `1 expediente` / `2 expedientes`.
    one: &'static str,
    many: &'static str,
) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let on_a_later_page = query.get(AFTER).is_some() || query.get(BEFORE).is_some();
    let href = move |cursor: Option<(&'static str, String)>| {
        let mut query = query.clone();
        query.remove(AFTER);
        query.remove(BEFORE);
        if let Some((name, value)) = cursor {
            query.replace(name, value);
        }
        let search = query.to_query_string();
        if search.is_empty() {
            "?".to_owned()
        } else {
            search
        }
    };
    let noun = if total == 1 { one } else { many };
    let count = if (shown as i64) < total {
        format!("{} {noun} · {shown} en esta página", grouped(total))
    } else {
        format!("{} {noun}", grouped(total))
    };
    let first = on_a_later_page.then(|| href(None));
    let previous = previous.map(|cursor| href(Some((BEFORE, cursor))));
    let next = next.map(|cursor| href(Some((AFTER, cursor))));
    view! {
        <nav class="pager" aria-label="Páginas de la lista">
            <p class="pager-count" data-total=total>{count}</p>
            {first.map(|href| view! { <a class="button" href=href rel="first">"Primera página"</a> })}
            {previous.map(|href| view! { <a class="button" href=href rel="prev">"← Anterior"</a> })}
            {next.map(|href| view! { <a class="button" href=href rel="next">"Siguiente →"</a> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1.000");
        assert_eq!(grouped(100_000), "100.000");
        assert_eq!(grouped(1_234_567), "1.234.567");
        assert_eq!(grouped(-4_500), "-4.500");
    }
}
