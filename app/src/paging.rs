//! Long lists are read a page at a time. A page starts after (or ends
//! before) the entry a cursor names, so that it reads only its own rows
//! whatever page it is, and an entry added meanwhile neither repeats nor
//! hides another one.

use serde::{Deserialize, Serialize};

/// Entries per page unless the reader asks for another number.
pub const PAGE_SIZE: u32 = 50;
/// The most entries one page holds.
pub const MAX_PAGE_SIZE: u32 = 200;

/// Which page to read: the one after, or before, the entry a cursor names;
/// the first page without either.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageRequest {
    pub after: Option<String>,
    pub before: Option<String>,
    pub limit: Option<u32>,
}

/// One page of a list, with what the reader needs to go on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many entries the whole list holds under its filter.
    pub total: i64,
    /// The cursor of the page after this one, if there is one.
    pub next: Option<String>,
    /// The cursor of the page before this one, if there is one.
    pub previous: Option<String>,
}

/// The position of an entry in its list's order, written as a cursor.
pub trait Cursor: Sized {
    fn encode(&self) -> String;
    fn decode(text: &str) -> Option<Self>;
}

/// An entry of a paged list knows its position.
pub trait Keyed {
    type Key: Cursor;
    fn key(&self) -> Self::Key;
}

/// Which way a page is read from its cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The entries after the cursor, in the list's order.
    After,
    /// The entries before the cursor, read backwards.
    Before,
}

/// A checked page request.
#[derive(Clone, Debug, PartialEq)]
pub struct PageQuery<K> {
    pub from: Option<(Direction, K)>,
    pub limit: u32,
}

impl<K> PageQuery<K> {
    pub fn first(limit: u32) -> Self {
        PageQuery { from: None, limit }
    }

    /// The store reads one entry more than it shows, to know whether
    /// another page follows.
    pub fn rows_to_read(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    pub fn direction(&self) -> Direction {
        self.from.as_ref().map_or(Direction::After, |(d, _)| *d)
    }
}

/// Why a page request cannot be read, in the reader's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageError {
    /// `after` and `before` together.
    BothWays,
    /// A cursor this list did not write.
    BadCursor,
    /// A limit of 0 or above [`MAX_PAGE_SIZE`].
    BadLimit,
}

impl PageError {
    pub fn field(&self) -> &'static str {
        match self {
            PageError::BothWays | PageError::BadCursor => "cursor",
            PageError::BadLimit => "limit",
        }
    }

    pub fn message(&self) -> String {
        match self {
            PageError::BothWays => {
                "Pida la página siguiente (after) o la anterior (before), no ambas.".into()
            }
            PageError::BadCursor => {
                "La posición de la página no es válida; vuelva a la primera página.".into()
            }
            PageError::BadLimit => {
                format!("El número de entradas por página va de 1 a {MAX_PAGE_SIZE}.")
            }
        }
    }
}

impl PageRequest {
    pub fn check<K: Cursor>(&self) -> Result<PageQuery<K>, PageError> {
        let limit = self.limit.unwrap_or(PAGE_SIZE);
        if limit == 0 || limit > MAX_PAGE_SIZE {
            return Err(PageError::BadLimit);
        }
        fn given(text: &Option<String>) -> Option<&str> {
            text.as_deref().filter(|t| !t.is_empty())
        }
        let from = match (given(&self.after), given(&self.before)) {
            (Some(_), Some(_)) => return Err(PageError::BothWays),
            (Some(text), None) => Some((Direction::After, text)),
            (None, Some(text)) => Some((Direction::Before, text)),
            (None, None) => None,
        };
        let from = match from {
            Some((direction, text)) => {
                Some((direction, K::decode(text).ok_or(PageError::BadCursor)?))
            }
            None => None,
        };
        Ok(PageQuery { from, limit })
    }
}

impl<T: Keyed> Page<T> {
    /// The page from the rows the store read for `query` (in the way it
    /// read them, one more than the page holds if there are more).
    pub fn assemble<K>(mut rows: Vec<T>, query: &PageQuery<K>, total: i64) -> Page<T> {
        let more = rows.len() > query.limit as usize;
        rows.truncate(query.limit as usize);
        let cursor = |item: Option<&T>| item.map(|i| i.key().encode());
        let (next, previous) = match query.direction() {
            Direction::After => (
                more.then(|| cursor(rows.last())).flatten(),
                query.from.is_some().then(|| cursor(rows.first())).flatten(),
            ),
            Direction::Before => {
                rows.reverse();
                (
                    cursor(rows.last()),
                    more.then(|| cursor(rows.first())).flatten(),
                )
            }
        };
        Page {
            items: rows,
            total,
            next,
            previous,
        }
    }
}

/// Splits a cursor written as `parts` joined by `.`.
pub fn split_cursor<const N: usize>(text: &str) -> Option<[&str; N]> {
    let mut parts = text.splitn(N, '.');
    let mut out = [""; N];
    for slot in out.iter_mut() {
        *slot = parts.next().filter(|p| !p.is_empty())?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Number(i64);

    impl Cursor for i64 {
        fn encode(&self) -> String {
            self.to_string()
        }
        fn decode(text: &str) -> Option<Self> {
            text.parse().ok()
        }
    }

    impl Keyed for Number {
        type Key = i64;
        fn key(&self) -> i64 {
            self.0
        }
    }

    fn numbers(range: impl Iterator<Item = i64>) -> Vec<Number> {
        range.map(Number).collect()
    }

    fn request(after: Option<&str>, before: Option<&str>, limit: u32) -> PageQuery<i64> {
        PageRequest {
            after: after.map(str::to_owned),
            before: before.map(str::to_owned),
            limit: Some(limit),
        }
        .check()
        .unwrap()
    }

    #[test]
    fn the_first_page_points_forward_only() {
        let page = Page::assemble(numbers(1..=4), &request(None, None, 3), 10);
        assert_eq!(page.items, numbers(1..=3));
        assert_eq!(page.next.as_deref(), Some("3"));
        assert_eq!(page.previous, None);
        let all = Page::assemble(numbers(1..=2), &request(None, None, 3), 2);
        assert_eq!((all.next, all.previous), (None, None));
    }

    #[test]
    fn a_later_page_points_both_ways_until_the_end() {
        let middle = Page::assemble(numbers(4..=7), &request(Some("3"), None, 3), 10);
        assert_eq!(middle.items, numbers(4..=6));
        assert_eq!(middle.next.as_deref(), Some("6"));
        assert_eq!(middle.previous.as_deref(), Some("4"));
        let last = Page::assemble(numbers(10..=10), &request(Some("9"), None, 3), 10);
        assert_eq!((last.next, last.previous.as_deref()), (None, Some("10")));
    }

    #[test]
    fn a_page_read_backwards_comes_out_in_order() {
        // Before 7, read backwards: 6, 5, 4 and one more (3).
        let page = Page::assemble(numbers((3..=6).rev()), &request(None, Some("7"), 3), 10);
        assert_eq!(page.items, numbers(4..=6));
        assert_eq!(page.next.as_deref(), Some("6"));
        assert_eq!(page.previous.as_deref(), Some("4"));
        let first = Page::assemble(numbers((1..=2).rev()), &request(None, Some("3"), 3), 10);
        assert_eq!(first.items, numbers(1..=2));
        assert_eq!((first.next.as_deref(), first.previous), (Some("2"), None));
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let check = |after: Option<&str>, before: Option<&str>, limit: Option<u32>| {
            PageRequest {
                after: after.map(str::to_owned),
                before: before.map(str::to_owned),
                limit,
            }
            .check::<i64>()
        };
        assert_eq!(check(Some("1"), Some("2"), None), Err(PageError::BothWays));
        assert_eq!(check(Some("x"), None, None), Err(PageError::BadCursor));
        assert_eq!(check(None, None, Some(0)), Err(PageError::BadLimit));
        assert_eq!(
            check(None, None, Some(MAX_PAGE_SIZE + 1)),
            Err(PageError::BadLimit)
        );
        assert_eq!(
            check(Some(""), None, None).unwrap(),
            PageQuery::first(PAGE_SIZE)
        );
    }

    #[test]
    fn cursors_split_into_their_parts() {
        assert_eq!(split_cursor::<2>("17.ab"), Some(["17", "ab"]));
        assert_eq!(
            split_cursor::<3>("17.PR6-2026-0001.3"),
            Some(["17", "PR6-2026-0001", "3"])
        );
        assert_eq!(split_cursor::<2>("17"), None);
        assert_eq!(split_cursor::<2>("17."), None);
    }
}
