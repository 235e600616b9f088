//! Open query cursors behind `nextRecordsUrl` locators (`01g…-2000`). Results are materialised
//! once; each page is served from a shared slice. At most `capacity` cursors stay open (least
//! recently used closed first) and an idle cursor expires after `ttl`, as Salesforce's do.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use crate::emulator::model::ids::IdGenerator;

/// One open cursor.
#[derive(Debug, Clone)]
pub struct Cursor {
    /// Every row of the query.
    pub records: Arc<Vec<Map<String, Value>>>,
    /// `totalSize` repeated on every page.
    pub total_size: usize,
    /// Rows per page.
    pub batch_size: usize,
    last_used: DateTime<Utc>,
}

/// The open cursors of one emulator.
#[derive(Debug)]
pub struct CursorStore {
    cursors: HashMap<String, Cursor>,
    ids: IdGenerator,
    capacity: usize,
    ttl: Duration,
}

impl CursorStore {
    /// A store keeping at most `capacity` cursors, each idle at most `ttl`.
    pub fn new(seed: u64, capacity: usize, ttl: Duration) -> Self {
        Self {
            cursors: HashMap::new(),
            ids: IdGenerator::new(seed),
            capacity: capacity.max(1),
            ttl,
        }
    }

    /// Open a cursor over `records`; returns its locator ID (`01g…`, no `/`).
    pub fn open(
        &mut self,
        records: Arc<Vec<Map<String, Value>>>,
        total_size: usize,
        batch_size: usize,
        now: DateTime<Utc>,
    ) -> String {
        self.expire(now);
        while self.cursors.len() >= self.capacity {
            let oldest = self
                .cursors
                .iter()
                .min_by_key(|(_, c)| c.last_used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    self.cursors.remove(&k);
                }
                None => break,
            }
        }
        let id = self.ids.next_id("01g");
        self.cursors.insert(
            id.clone(),
            Cursor {
                records,
                total_size,
                batch_size,
                last_used: now,
            },
        );
        id
    }

    /// The cursor `id`, marking it used; `None` when unknown or expired.
    pub fn touch(&mut self, id: &str, now: DateTime<Utc>) -> Option<Cursor> {
        self.expire(now);
        let c = self.cursors.get_mut(id)?;
        c.last_used = now;
        Some(c.clone())
    }

    /// Close the cursor `id` (after its last page).
    pub fn close(&mut self, id: &str) {
        self.cursors.remove(id);
    }

    /// Number of open cursors.
    pub fn len(&self) -> usize {
        self.cursors.len()
    }

    /// Whether no cursor is open.
    pub fn is_empty(&self) -> bool {
        self.cursors.is_empty()
    }

    fn expire(&mut self, now: DateTime<Utc>) {
        let ttl = self.ttl;
        self.cursors.retain(|_, c| now - c.last_used <= ttl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Arc<Vec<Map<String, Value>>> {
        Arc::new((0..n).map(|_| Map::new()).collect())
    }

    #[test]
    fn least_recently_used_cursor_is_closed_first() {
        let t = Utc::now();
        let mut s = CursorStore::new(1, 2, Duration::minutes(15));
        let a = s.open(rows(3), 3, 200, t);
        let b = s.open(rows(3), 3, 200, t + Duration::seconds(1));
        assert!(a.starts_with("01g") && !a.contains('/'));
        s.touch(&a, t + Duration::seconds(2)).unwrap();
        let _c = s.open(rows(3), 3, 200, t + Duration::seconds(3));
        assert!(s.touch(&b, t + Duration::seconds(4)).is_none());
        assert!(s.touch(&a, t + Duration::seconds(4)).is_some());
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn idle_cursors_expire() {
        let t = Utc::now();
        let mut s = CursorStore::new(1, 10, Duration::minutes(15));
        let a = s.open(rows(1), 1, 200, t);
        assert!(s.touch(&a, t + Duration::minutes(16)).is_none());
    }
}
