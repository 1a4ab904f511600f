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
