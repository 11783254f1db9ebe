//! A document file as the editors see it (JSON with the fields they own), and an editor's answer
//! written back into the same file with `toml_edit`: only the values that differ are replaced, so
//! comments, layout and every field the console does not edit (including fields added to the
//! model later) stay byte for byte, and a git diff shows only what the trainer changed.
//!
//! Items of `sections`, `sections.steps`, `phones`, `sources` and `changes` carry `_src`, where
//! they came from in the file (an index, or `[section, step]` for a step), so a moved step keeps
//! its own table with whatever else it holds.

use anyhow::{bail, Context, Result};
use fieldref_core::content::CONTACT_FIELDS;
use serde_json::{json, Map, Value};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike};

use super::documents::split;

/// Top-level values the editors set directly (strings, numbers and lists of strings), besides a
/// contact's own fields ([`plain_keys`] adds those from the core's list).
const DOCUMENT_KEYS: &[&str] = &[
    "id",
    "title",
    "summary",
    "revision",
    "updated_at",
    "language",
    "audience",
    "tags",
    "authors",
    "reviewed_by",
    "reviewed_at",
    "review_due",
    "translation_of",
    "translation_revision",
    "category",
    "scene_words",
    "communities",
    "do",
    "dont",
    "contacts",
];

/// Every top-level value the editors set directly: the document's, then a contact's own fields
/// as the core lists them, except `phones` (a list of inline tables, [`set_phones`]).
fn plain_keys() -> impl Iterator<Item = &'static str> {
    DOCUMENT_KEYS
        .iter()
        .chain(CONTACT_FIELDS.iter().filter(|k| **k != "phones"))
        .copied()
}
const STEP_KEYS: &[&str] = &[
    "text",
    "say",
    "why",
    "warning",
    "contacts",
    "requires_language",
];
const PHONE_KEYS: &[&str] = &["number", "type", "language"];

/// A list written as `[[key]]` tables (a document's provenance): its keys and the required ones.
struct TableList {
    key: &'static str,
    keys: &'static [&'static str],
    required: &'static [&'static str],
}

const TABLE_LISTS: &[TableList] = &[
    TableList {
        key: "sources",
        keys: &["title", "url", "publication"],
        required: &["title"],
    },
    TableList {
        key: "changes",
        keys: &["revision", "date", "note"],
        required: &["revision", "date", "note"],
    },
];

/// The editors' JSON for a document file: `kind`, the plain keys present, `sections` and
/// `phones` with `_src`, and `body` (trimmed, as the validator reads it).
pub fn to_editor(text: &str) -> Result<Value> {
    let (front, _, body) = split(text).context("the file does not open with `+++` front matter")?;
    let table: toml::Table = toml::from_str(front).context("the front matter is not valid TOML")?;
    let values = serde_json::to_value(&table)?;
    let mut out = Map::new();
    out.insert(
        "kind".into(),
        values.get("kind").cloned().unwrap_or(Value::Null),
    );
    for key in plain_keys() {
        if let Some(value) = values.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    if let Some(sections) = values.get("sections").and_then(Value::as_array) {
        let sections = sections.iter().enumerate().map(|(s, section)| {
            let steps = section.get("steps").and_then(Value::as_array).map(|steps| {
                steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| with_src(step, STEP_KEYS, json!([s, i])))
                    .collect::<Vec<_>>()
            });
            let mut item = with_src(section, &["title"], json!(s));
            item.insert("steps".into(), json!(steps.unwrap_or_default()));
            Value::Object(item)
        });
        out.insert("sections".into(), Value::Array(sections.collect()));
    }
    if let Some(phones) = values.get("phones").and_then(Value::as_array) {
        let phones = phones
            .iter()
            .enumerate()
            .map(|(i, phone)| Value::Object(with_src(phone, PHONE_KEYS, json!(i))));
        out.insert("phones".into(), Value::Array(phones.collect()));
    }
    for list in TABLE_LISTS {
        if let Some(items) = values.get(list.key).and_then(Value::as_array) {
            let items = items
                .iter()
                .enumerate()
                .map(|(i, item)| Value::Object(with_src(item, list.keys, json!(i))));
            out.insert(list.key.into(), Value::Array(items.collect()));
        }
    }
    out.insert("body".into(), Value::String(body.trim().to_owned()));
    Ok(Value::Object(out))
}

fn with_src(value: &Value, keys: &[&str], src: Value) -> Map<String, Value> {
    let mut item = Map::new();
    item.insert("_src".into(), src);
    for key in keys {
        if let Some(v) = value.get(*key) {
            item.insert((*key).into(), v.clone());
        }
    }
    item
}

/// `text` with the editor's answer `edited` written in. A key missing from `edited` is left
/// alone; `null` removes it; an equal value changes nothing.
pub fn apply(text: &str, edited: &Value) -> Result<String> {
    let (front, fence, body) =
        split(text).context("the file does not open with `+++` front matter")?;
    let head = &text[..text.len() - front.len() - fence.len() - body.len()];
    let mut doc: DocumentMut = front
        .parse()
        .context("the front matter is not valid TOML")?;
    let before = to_editor(text)?;
    let edited = edited.as_object().context("expected a JSON object")?;
    let root = doc.as_table_mut();
    for key in plain_keys() {
        if let Some(new) = edited.get(key) {
            set_value(root, key, before.get(key), new)?;
        }
    }
    for list in TABLE_LISTS {
        if let Some(new) = edited.get(list.key) {
            if !same_items(before.get(list.key), new) {
                set_tables(root, list, new)?;
            }
        }
    }
    if let Some(new) = edited.get("sections") {
        if !same_items(before.get("sections"), new) {
            set_sections(root, new)?;
        }
    }
    if let Some(new) = edited.get("phones") {
        if !same_items(before.get("phones"), new) {
            set_phones(root, before.get("phones"), new)?;
        }
    }
    let body = match edited.get("body").and_then(Value::as_str) {
        Some(new) if new.trim() != body.trim() => {
            let trimmed = new.trim().replace("\r\n", "\n");
            if trimmed.is_empty() {
                String::new()
            } else {
                format!("\n{trimmed}\n")
            }
        }
        _ => body.to_owned(),
    };
    Ok(format!("{head}{doc}{fence}{body}"))
}

/// Whether two lists of editor items hold the same values, ignoring `_src` and absent optional
/// fields (an editor sends `null` for an empty `say` and `[]` for a step without contacts, the
/// file simply has none). An empty list is the same as none at all.
fn same_items(before: Option<&Value>, after: &Value) -> bool {
    if before.is_none() {
        return after.as_array().is_some_and(Vec::is_empty);
    }
    let strip = |v: &Value| -> Value {
        match v {
            Value::Array(items) => Value::Array(items.iter().map(strip_src).collect()),
            other => other.clone(),
        }
    };
    before.is_some_and(|b| same(&strip(b), &strip(after)))
}

fn strip_src(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| k.as_str() != "_src" && !is_empty(v))
                .map(|(k, v)| (k.clone(), strip_src(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_src).collect()),
        other => other.clone(),
    }
}

/// An absent optional value as the editors send it: `null` or an empty list.
fn is_empty(value: &Value) -> bool {
    value.is_null() || value.as_array().is_some_and(Vec::is_empty)
}

/// JSON equality with numbers compared as numbers (`44` equals `44.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Sets `key` in `table` to `new` unless it already holds that value, keeping the old value's
/// decoration (spacing, trailing comment) and, for lists, each element's layout.
fn set_value(
    table: &mut dyn TableLike,
    key: &str,
    before: Option<&Value>,
    new: &Value,
) -> Result<()> {
    if new.is_null() {
        table.remove(key);
        return Ok(());
    }
    if before.is_some_and(|b| same(b, new)) {
        return Ok(());
    }
    if before.is_none() && new.as_array().is_some_and(Vec::is_empty) {
        return Ok(());
    }
    let mut value = to_toml(new).with_context(|| format!("field `{key}`"))?;
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            if let (Some(old_array), Some(new_array)) = (old.as_array(), value.as_array_mut()) {
                keep_layout(old_array, new_array);
            }
            let decor = old.decor().clone();
            *value.decor_mut() = decor;
            *old = value;
        }
        None => {
            table.insert(key, Item::Value(value));
        }
    }
    Ok(())
}

/// Gives the elements of `new` the spacing of the old elements at the same place (of the last
/// old one past the end), so a list written one item per line stays that way.
fn keep_layout(old: &Array, new: &mut Array) {
    let decors: Vec<_> = old.iter().map(|v| v.decor().clone()).collect();
    let one_per_line = decors
        .first()
        .and_then(|d| d.prefix())
        .and_then(|p| p.as_str())
        .is_some_and(|p| p.contains('\n'));
    // Past the old end: like the last element after the first, or one space on a single line.
    let extra = match decors.len() {
        0 => None,
        1 if !one_per_line => Some(toml_edit::Decor::new(" ", "")),
        _ => decors.last().cloned(),
    };
    for (i, value) in new.iter_mut().enumerate() {
        if let Some(decor) = decors.get(i).or(extra.as_ref()) {
            *value.decor_mut() = decor.clone();
        }
    }
    new.set_trailing(old.trailing().clone());
    new.set_trailing_comma(old.trailing_comma());
}

fn to_toml(value: &Value) -> Result<toml_edit::Value> {
    Ok(match value {
        Value::String(s) => s.as_str().into(),
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.into(),
            (None, Some(f)) => f.into(),
            _ => bail!("`{n}` is not a number TOML can hold"),
        },
        Value::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push_formatted(to_toml(item)?);
            }
            array.fmt();
            toml_edit::Value::Array(array)
        }
        Value::Object(map) => {
            let mut table = InlineTable::new();
            for (k, v) in map {
                if k != "_src" && !v.is_null() {
                    table.insert(k, to_toml(v)?);
                }
            }
            table.fmt();
            toml_edit::Value::InlineTable(table)
        }
        Value::Null => bail!("no value"),
    })
}

/// Rebuilds `[[sections]]` and their `[[sections.steps]]` from the editor's list: each item
/// starts from the table it came from (`_src`), so what the editors do not show survives a move.
fn set_sections(root: &mut Table, new: &Value) -> Result<()> {
    let new = new.as_array().context("`sections` must be a list")?;
    let old = match root.get("sections") {
        Some(Item::ArrayOfTables(old)) => old.clone(),
        Some(_) => bail!("`sections` is not written as [[sections]] tables: edit it by hand"),
        None => ArrayOfTables::new(),
    };
    let old_steps = |s: usize, i: usize| -> Option<Table> {
        match old.get(s)?.get("steps")? {
            Item::ArrayOfTables(steps) => steps.get(i).cloned(),
            _ => None,
        }
    };
    let mut sections = ArrayOfTables::new();
    for item in new {
        let src = item.get("_src").and_then(Value::as_u64).map(|s| s as usize);
        let mut table = src.and_then(|s| old.get(s).cloned()).unwrap_or_default();
        let before = src.map(|s| section_values(&old, s)).unwrap_or(Value::Null);
        set_value(
            &mut table,
            "title",
            before.get("title"),
            field(item, "title"),
        )?;
        let mut steps = ArrayOfTables::new();
        for step in item
            .get("steps")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let src = step
                .get("_src")
                .and_then(Value::as_array)
                .and_then(|p| Some((p.first()?.as_u64()? as usize, p.get(1)?.as_u64()? as usize)));
            let mut step_table = src.and_then(|(s, i)| old_steps(s, i)).unwrap_or_default();
            let before = table_values(&step_table);
            for key in STEP_KEYS {
                let value = optional(step, key, *key != "text");
                set_value(&mut step_table, key, before.get(*key), &value)?;
            }
            steps.push(step_table);
        }
        table.insert("steps", Item::ArrayOfTables(steps));
        sections.push(table);
    }
    root.insert("sections", Item::ArrayOfTables(sections));
    renumber_tables(root);
    Ok(())
}

/// Rebuilds a list of `[[key]]` tables (sources, change notes) from the editor's list, each item
/// starting from the table it came from (`_src`). A new list goes after the other tables.
fn set_tables(root: &mut Table, list: &TableList, new: &Value) -> Result<()> {
    let key = list.key;
    let new = new
        .as_array()
        .with_context(|| format!("`{key}` must be a list"))?;
    let old = match root.get(key) {
        Some(Item::ArrayOfTables(old)) => old.clone(),
        Some(_) => bail!("`{key}` is not written as [[{key}]] tables: edit it by hand"),
        None => ArrayOfTables::new(),
    };
    let mut tables = ArrayOfTables::new();
    for item in new {
        let src = item.get("_src").and_then(Value::as_u64).map(|i| i as usize);
        let mut table = src.and_then(|i| old.get(i).cloned()).unwrap_or_default();
        let before = table_values(&table);
        for field in list.keys {
            let value = optional(item, field, !list.required.contains(field));
            set_value(&mut table, field, before.get(*field), &value)
                .with_context(|| format!("`{key}`"))?;
        }
        tables.push(table);
    }
    if tables.is_empty() {
        root.remove(key);
    } else {
        root.insert(key, Item::ArrayOfTables(tables));
    }
    renumber_tables(root);
    Ok(())
}

fn section_values(old: &ArrayOfTables, s: usize) -> Value {
    old.get(s).map(table_values).unwrap_or(Value::Null)
}

/// The plain values of a table as JSON (for comparing with the editor's).
fn table_values(table: &Table) -> Value {
    toml::from_str::<toml::Table>(&table.to_string())
        .ok()
        .and_then(|t| serde_json::to_value(t).ok())
        .unwrap_or(Value::Null)
}

/// An editor field; `null` (remove) for an empty optional one.
fn optional(item: &Value, key: &str, is_optional: bool) -> Value {
    match item.get(key) {
        Some(Value::String(s)) if s.trim().is_empty() && is_optional => Value::Null,
        Some(Value::Array(a)) if a.is_empty() && is_optional => Value::Null,
        Some(v) => v.clone(),
        None if is_optional => Value::Null,
        None => Value::String(String::new()),
    }
}

fn field<'a>(item: &'a Value, key: &str) -> &'a Value {
    static EMPTY: Value = Value::Null;
    item.get(key).unwrap_or(&EMPTY)
}

/// Tables print in the order of their recorded positions: after a rebuild, give every table its
/// place in document order so moved sections and steps print where they now are.
fn renumber_tables(root: &mut Table) {
    fn visit(table: &mut Table, next: &mut isize) {
        for (_, item) in table.iter_mut() {
            match item {
                Item::Table(t) => {
                    t.set_position(*next);
                    *next += 1;
                    visit(t, next);
                }
                Item::ArrayOfTables(tables) => {
                    for t in tables.iter_mut() {
                        t.set_position(*next);
                        *next += 1;
                        visit(t, next);
                    }
                }
                _ => {}
            }
        }
    }
    let mut next = 1;
    visit(root, &mut next);
}

/// The space before an inline table's `}` belongs to its last value: after keys were added or
/// removed, give it to whichever value is last now.
fn keep_closing_space(base: &InlineTable, table: &mut InlineTable) {
    let Some(closing) = base
        .iter()
        .last()
        .and_then(|(_, v)| v.decor().suffix().cloned())
    else {
        return;
    };
    let count = table.len();
    for (i, (_, value)) in table.iter_mut().enumerate() {
        let suffix = if i + 1 == count {
            closing.clone()
        } else {
            "".into()
        };
        value.decor_mut().set_suffix(suffix);
    }
}

/// Rewrites `phones = [ { ... }, ... ]`, each line starting from the inline table it came from.
fn set_phones(root: &mut Table, before_phones: Option<&Value>, new: &Value) -> Result<()> {
    let new = new.as_array().context("`phones` must be a list")?;
    let old = match root.get("phones") {
        Some(Item::Value(toml_edit::Value::Array(old))) => old.clone(),
        Some(_) => bail!("`phones` is not written as a list of inline tables: edit it by hand"),
        None => Array::new(),
    };
    let mut phones = Array::new();
    for item in new {
        let src = item.get("_src").and_then(Value::as_u64).map(|i| i as usize);
        let base = src
            .and_then(|i| old.get(i))
            .and_then(|v| v.as_inline_table());
        let mut table = base.cloned().unwrap_or_default();
        let before = match (src, before_phones) {
            (Some(i), Some(phones)) if base.is_some() => phones.get(i).cloned(),
            _ => None,
        }
        .unwrap_or(Value::Null);
        for key in PHONE_KEYS {
            let value = optional(item, key, *key != "number");
            set_value(&mut table, key, before.get(*key), &value)?;
        }
        match base {
            Some(base) => keep_closing_space(base, &mut table),
            None => table.fmt(),
        }
        phones.push_formatted(toml_edit::Value::InlineTable(table));
    }
    let mut value = toml_edit::Value::Array(phones);
    match root.get_mut("phones").and_then(Item::as_value_mut) {
        Some(slot) => {
            if let (Some(o), Some(n)) = (slot.as_array(), value.as_array_mut()) {
                keep_layout(o, n);
            }
            *value.decor_mut() = slot.decor().clone();
            *slot = value;
        }
        None => {
            if let Some(array) = value.as_array_mut() {
                array.fmt();
            }
            root.insert("phones", Item::Value(value));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
