//! Writing a select in knex's clause order.

use super::Select;
use super::aggregate::SelectItem;
use super::joins::Join;
use super::query::Distinct;
use super::set_ops::SetQuery;
use super::source::{Source, SourceKind};
use super::tail::{Nulls, Order, OrderItem};
use crate::QueryError;
use crate::ident::TableName;
use crate::render::Writer;
use std::borrow::Cow;

impl Select {
    fn table_with_schema<'t>(&self, table: &'t TableName) -> Cow<'t, TableName> {
        match (&table.schema, &self.schema) {
            (None, Some(schema)) => Cow::Owned(TableName { schema: Some(schema.clone()), table: table.table.clone() }),
            _ => Cow::Borrowed(table),
        }
    }

    /// A source outside a select (update `from`, delete `using`).
    pub(crate) fn write_source_alone<'a>(source: &'a Source, w: &mut Writer<'a>) -> Result<(), QueryError> {
        Select::new().write_source(source, w)
    }

    fn write_source<'a>(&self, source: &'a Source, w: &mut Writer<'a>) -> Result<(), QueryError> {
        match &source.0 {
            SourceKind::Table(table, alias) => {
                w.table(&self.table_with_schema(table));
                if let Some(alias) = alias {
                    w.push_str(" as ");
                    w.name(alias);
                }
            }
            SourceKind::Subquery(query, alias) => {
                w.push_str("(");
                query.write_to(w)?;
                w.push_str(")");
                if let Some(alias) = alias {
                    w.push_str(" as ");
                    w.name(alias);
                }
            }
            SourceKind::Raw(raw) => raw.write(w)?,
        }
        Ok(())
    }

    /// knex's comments, `/* a */ /* b */ `, each checked as a hint is.
    fn write_comments<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        for comment in &self.comments {
            if ends_comment(comment) {
                return Err(crate::BuildError::BadComment { comment: comment.clone() }.into());
            }
            w.push_str("/* ");
            w.push_str(comment);
            w.push_str(" */ ");
        }
        Ok(())
    }

    fn write_hints<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        if self.hints.is_empty() {
            return Ok(());
        }
        if let Some(bad) = self.hints.iter().find(|h| ends_comment(h)) {
            return Err(crate::BuildError::BadHint { hint: bad.clone() }.into());
        }
        w.push_str("/*+ ");
        w.push_str(&self.hints.join(" "));
        w.push_str(" */ ");
        Ok(())
    }

    fn write_columns<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        self.write_comments(w)?;
        w.push_str("select ");
        self.write_hints(w)?;
        match &self.distinct {
            Distinct::No => {}
            Distinct::All => w.push_str("distinct "),
            Distinct::On(columns) => {
                w.push_str("distinct on (");
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        w.push_str(", ");
                    }
                    column.write(w)?;
                }
                w.push_str(") ");
            }
        }
        if self.columns.is_empty() {
            w.push_str("*");
        }
        for (i, item) in self.columns.iter().enumerate() {
            if i > 0 {
                w.push_str(", ");
            }
            let alias = match item {
                SelectItem::Operand(operand, alias) => {
                    operand.write(w)?;
                    alias
                }
                SelectItem::Aggregate { function, distinct, args, alias } => {
                    w.push_str(function);
                    w.push_str("(");
                    if *distinct {
                        w.push_str(if args.len() > 1 { "distinct(" } else { "distinct " });
                    }
                    if args.is_empty() {
                        w.push_str("*");
                    }
                    for (j, arg) in args.iter().enumerate() {
                        if j > 0 {
                            w.push_str(", ");
                        }
                        arg.write(w)?;
                    }
                    if *distinct && args.len() > 1 {
                        w.push_str(")");
                    }
                    w.push_str(")");
                    alias
                }
                SelectItem::Window { function, window, alias } => {
                    w.push_str(function);
                    w.push_str(" ");
                    window.write(w)?;
                    alias
                }
            };
            if let Some(alias) = alias {
                w.push_str(" as ");
                w.name(alias);
            }
        }
        for (i, from) in self.from.iter().chain(&self.more_from).enumerate() {
            w.push_str(match (i, self.only) {
                (0, true) => " from only ",
                (0, false) => " from ",
                _ => ", ",
            });
            self.write_source(from, w)?;
        }
        Ok(())
    }

    fn write_joins<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        for join in &self.joins {
            w.push_str(" ");
            match join {
                Join::Raw(raw) => raw.write(w)?,
                Join::Join { kind, source, on, lateral } => {
                    w.push_str(kind.sql());
                    if *lateral {
                        w.push_str("lateral ");
                    }
                    self.write_source(source, w)?;
                    if !on.using.is_empty() {
                        w.push_str(" using (");
                        for (i, column) in on.using.iter().enumerate() {
                            if i > 0 {
                                w.push_str(", ");
                            }
                            w.name(column);
                        }
                        w.push_str(")");
                    } else if !on.conditions.is_empty() {
                        w.push_str(" on ");
                        on.conditions.write(w)?;
                    } else if *lateral {
                        w.push_str(" on true");
                    }
                }
            }
        }
        Ok(())
    }

    fn write_set_operations<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        let only = self.only_set_operations();
        for (i, operation) in self.set_operations.iter().enumerate() {
            if i > 0 {
                w.push_str(" ");
            }
            if i > 0 || !only {
                w.push_str(operation.keyword);
                w.push_str(" ");
            }
            if operation.wrap {
                w.push_str("(");
            }
            match &operation.query {
                SetQuery::Select(query) => query.write_to(w)?,
                SetQuery::Raw(raw) => raw.write(w)?,
            }
            if operation.wrap {
                w.push_str(")");
            }
        }
        Ok(())
    }

    fn write_tail<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        if !self.group_by.is_empty() {
            w.push_str(" group by ");
            for (i, column) in self.group_by.iter().enumerate() {
                if i > 0 {
                    w.push_str(", ");
                }
                column.write(w)?;
            }
        }
        self.havings.write_clause(w, " having ")?;
        for (i, order) in self.orders.iter().enumerate() {
            w.push_str(if i == 0 { " order by " } else { ", " });
            match order {
                OrderItem::By(operand, direction, nulls) => {
                    operand.write(w)?;
                    w.push_str(match direction {
                        Order::Asc => " asc",
                        Order::Desc => " desc",
                    });
                    match nulls {
                        Some(Nulls::First) => w.push_str(" nulls first"),
                        Some(Nulls::Last) => w.push_str(" nulls last"),
                        None => {}
                    }
                }
                OrderItem::Raw(raw) => raw.write(w)?,
            }
        }
        if let Some(limit) = &self.limit {
            w.push_str(" limit ");
            limit.write(w)?;
        }
        if let Some(offset) = &self.offset {
            w.push_str(" offset ");
            offset.write(w)?;
        }
        if let Some(lock) = &self.lock {
            w.push_str(" ");
            w.push_str(lock.mode);
            for (i, table) in lock.of.iter().enumerate() {
                w.push_str(if i == 0 { " of " } else { ", " });
                w.table(table);
            }
            if let Some(wait) = lock.wait {
                w.push_str(" ");
                w.push_str(wait);
            }
        }
        Ok(())
    }

    /// Writes the statement in knex's order (set operations after `where`, before the rest).
    pub(crate) fn write_to<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        self.wheres.check()?;
        self.havings.check()?;
        self.with.write(w)?;
        if self.only_set_operations() {
            self.write_set_operations(w)?;
            return self.write_tail(w);
        }
        let wrap = self.set_operations.iter().any(|u| u.wrap);
        if wrap {
            w.push_str("(");
        }
        self.write_columns(w)?;
        self.write_joins(w)?;
        self.wheres.write_clause(w, " where ")?;
        if wrap {
            w.push_str(")");
        }
        if !self.set_operations.is_empty() {
            w.push_str(" ");
            self.write_set_operations(w)?;
        }
        self.write_tail(w)
    }
}

/// Whether text put inside `/* … */` would end the comment early or hold a
/// placeholder (knex refuses the same three).
fn ends_comment(text: &str) -> bool {
    text.contains("/*") || text.contains("*/") || text.contains('?')
}
