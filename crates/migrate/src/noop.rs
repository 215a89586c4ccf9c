//! Deciding, from one read of the bookkeeping, that `latest` has nothing to
//! do: pure, so it is tested without a server. Anything unusual (a
//! migration that did not finish, checksums to adopt, an edit, a missing
//! file, a name that only matches after stripping two extensions) is left
//! to the full path, which reports it in knex's words.

use crate::Migrator;
use crate::db::NoopView;
use crate::migration::stem_of;

impl Migrator {
    /// The batch a no-op `latest` would have run as, when every migration is
    /// applied and nothing needs a closer look; `None` otherwise. Linear in
    /// the rows, no allocation per row: one lookup per recorded name.
    pub(crate) fn noop_batch(&self, view: &NoopView<'_>, validate_migration_list: bool) -> Option<i32> {
        let count = self.migrations().len();
        if view.applied.len() < count || view.side.iter().any(|row| row.incomplete) {
            return None;
        }
        let mut applied = vec![false; count];
        for recorded in &view.applied {
            match self.exact_position(stem_of(recorded)) {
                Exact::At(i) => applied[i] = true,
                Exact::Ambiguous => return None,
                // A row without its file: knex's error, on the full path.
                Exact::Missing if validate_migration_list => return None,
                Exact::Missing => {}
            }
        }
        if applied.contains(&false) {
            return None;
        }
        // The side table's checksum of each migration (`Some(None)`: a row without one).
        let mut recorded: Vec<Option<Option<&str>>> = vec![None; count];
        for row in &view.side {
            match self.exact_position(row.name) {
                Exact::At(i) => recorded[i] = Some(row.checksum),
                Exact::Ambiguous => return None,
                Exact::Missing => {}
            }
        }
        for (migration, recorded) in self.migrations().iter().zip(recorded) {
            match (migration.checksum(), recorded) {
                // Applied but never given a checksum here: the full path adopts it.
                (Some(_), None) => return None,
                // Edited since it was applied: the full path refuses.
                (Some(now), Some(Some(then))) if now != then => return None,
                _ => {}
            }
        }
        Some(view.last_batch + 1)
    }

    /// Where `name` stands, only when it names a migration exactly.
    fn exact_position(&self, name: &str) -> Exact {
        match self.position(name) {
            Some(i) if self.migrations()[i].name() == name => Exact::At(i),
            Some(_) => Exact::Ambiguous,
            None => Exact::Missing,
        }
    }
}

/// How a recorded name maps onto the migrations.
enum Exact {
    /// It is this migration's name.
    At(usize),
    /// It matches one only with a second extension stripped: the full path decides.
    Ambiguous,
    /// No migration has it.
    Missing,
}

#[cfg(test)]
mod tests {
    use crate::db::{NoopView, SideRow};
    use crate::{Migration, Migrator};

    fn migrator(checksums: &[Option<&str>]) -> Migrator {
        Migrator::new(checksums.iter().enumerate().map(|(i, checksum)| {
            let migration = Migration::new(format!("2025010100000{i}_m{i}"), |_| {}, |_| {});
            match checksum {
                Some(source) => migration.with_source(source),
                None => migration,
            }
        }))
        .unwrap()
    }

    /// The row a migration whose source is `source` leaves (`None`: a row without a checksum).
    fn side(name: &'static str, source: Option<&str>) -> SideRow<'static> {
        let checksum = source.map(|s| &*Box::leak(crate::checksum(s).into_boxed_str()));
        SideRow { name, checksum, incomplete: false }
    }

    fn all_applied<'a>(side_rows: Vec<SideRow<'a>>) -> NoopView<'a> {
        NoopView {
            applied: vec!["20250101000000_m0.js", "20250101000001_m1"],
            last_batch: 3,
            side: side_rows,
            locked: false,
        }
    }

    #[test]
    fn everything_applied_with_matching_checksums_is_a_noop_in_the_next_batch() {
        let m = migrator(&[Some("a"), Some("b")]);
        let view = all_applied(vec![side("20250101000000_m0", Some("a")), side("20250101000001_m1", Some("b"))]);
        assert_eq!(m.noop_batch(&view, true), Some(4));
    }

    #[test]
    fn a_pending_migration_goes_to_the_full_path() {
        let m = migrator(&[None, None]);
        let mut view = all_applied(vec![]);
        view.applied.pop();
        view.applied.push("20250101000009_other");
        assert_eq!(m.noop_batch(&view, false), None);
    }

    #[test]
    fn an_edited_migration_goes_to_the_full_path() {
        let m = migrator(&[Some("a"), Some("b")]);
        let view = all_applied(vec![side("20250101000000_m0", Some("a")), side("20250101000001_m1", Some("old"))]);
        assert_eq!(m.noop_batch(&view, true), None);
    }

    #[test]
    fn a_checksum_never_recorded_goes_to_the_full_path_to_be_adopted() {
        let m = migrator(&[Some("a"), Some("b")]);
        let view = all_applied(vec![side("20250101000000_m0", Some("a"))]);
        assert_eq!(m.noop_batch(&view, true), None);
    }

    #[test]
    fn rows_without_checksums_are_a_noop_when_the_migrations_have_none() {
        let m = migrator(&[None, None]);
        assert_eq!(m.noop_batch(&all_applied(vec![]), true), Some(4));
        let m = migrator(&[Some("a"), None]);
        let view = all_applied(vec![side("20250101000000_m0", None)]);
        assert_eq!(m.noop_batch(&view, true), Some(4), "a knex-era row without a checksum is not an edit");
    }

    #[test]
    fn an_unfinished_migration_goes_to_the_full_path() {
        let m = migrator(&[None, None]);
        let mut row = side("20250101000001_m1", None);
        row.incomplete = true;
        assert_eq!(m.noop_batch(&all_applied(vec![row]), true), None);
    }

    #[test]
    fn a_row_without_its_file_goes_to_the_full_path_only_when_the_list_is_validated() {
        let m = migrator(&[None, None]);
        let mut view = all_applied(vec![]);
        view.applied.push("20240101000000_gone.js");
        assert_eq!(m.noop_batch(&view, true), None);
        assert_eq!(m.noop_batch(&view, false), Some(4));
    }

    #[test]
    fn a_name_matching_only_after_two_extensions_are_stripped_goes_to_the_full_path() {
        let m = migrator(&[None, None]);
        let mut view = all_applied(vec![]);
        view.applied.push("20250101000001_m1.js.js");
        assert_eq!(m.noop_batch(&view, false), None);
    }
}
