//! A statement assembled at run time (lists with optional filters), with `$n`
//! placeholders that both engines accept, and the values to bind to them.

#[derive(Debug, Clone)]
pub enum Param {
    Int(i64),
    Text(String),
}

#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Param>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            params: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `param`.
    pub fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        self.text.push('$');
        self.text.push_str(&self.params.len().to_string());
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        self.bind(Param::Int(value))
    }

    pub fn text(&mut self, value: impl Into<String>) -> &mut Self {
        self.bind(Param::Text(value.into()))
    }

    /// Appends `(p1, p2, ...)`, each value added by `param`; the list must not be empty.
    pub fn list<T: Copy>(&mut self, values: &[T], param: impl Fn(&mut Sql, T)) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            param(self, *v);
        }
        self.push(")")
    }

    /// Appends `(p1, p2, ...)` binding each id; the list must not be empty.
    pub fn ints(&mut self, values: &[i64]) -> &mut Self {
        self.list(values, |sql, v| {
            sql.int(v);
        })
    }
}

/// The `name` column of the rows of `table` with the given ids, by id: what pages show
/// for the ids a row refers to.
pub(crate) async fn names_by_id(
    db: &crate::Db,
    table: &'static str,
    ids: &[i64],
) -> crate::Result<std::collections::HashMap<i64, String>> {
    texts_by_id(db, table, "name", ids).await
}

/// The text column `column` of the rows of `table` with these ids, in one statement of
/// the same text whatever the ids, answering one row: a page asks this for names on
/// every view, and each row handed over by SQLite's connection thread, or each new
/// statement text prepared, cost more than the lookup.
pub(crate) async fn texts_by_id(
    db: &crate::Db,
    table: &'static str,
    column: &'static str,
    ids: &[i64],
) -> crate::Result<std::collections::HashMap<i64, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let json: Option<String> = match db {
        crate::Db::Sqlite { read, .. } => {
            let ids = serde_json::to_string(&ids)
                .map_err(|e| crate::StoreError::Corrupt(format!("ids: {e}")))?;
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT json_group_object(id, {column}) FROM {table} \
                 WHERE id IN (SELECT value FROM json_each($1))"
            )))
            .bind(ids)
            .fetch_one(read)
            .await?
        }
        crate::Db::Postgres { pool, .. } => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT json_object_agg(id, {column})::text FROM {table} WHERE id = ANY($1)"
            )))
            .bind(&ids)
            .fetch_one(pool)
            .await?
        }
    };
    let Some(json) = json else {
        return Ok(Default::default());
    };
    let by_key: std::collections::HashMap<String, String> = serde_json::from_str(&json)
        .map_err(|e| crate::StoreError::Corrupt(format!("{table}.{column} read back: {e}")))?;
    by_key
        .into_iter()
        .map(|(key, text)| {
            key.parse()
                .map(|id| (id, text))
                .map_err(|e| crate::StoreError::Corrupt(format!("{table} id {key}: {e}")))
        })
        .collect()
}

/// Binds a [`Sql`]'s parameters to a sqlx query of either engine.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                $crate::sql::Param::Int(v) => query.bind(*v),
                $crate::sql::Param::Text(v) => query.bind(v.as_str()),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// A boolean in JSON built by SQL: SQLite's 0 or 1, PostgreSQL's false or true.
pub(crate) fn json_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a boolean, 0 or 1")
        }

        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self)),
            }
        }
    }
    d.deserialize_any(Flag)
}
