//! A parsed JSON payload as cJSON holds it, and its printing.
//!
//! Rules: like cJSON, numbers are doubles, strings are byte strings (printed as C strings) and
//! objects keep every member in order, duplicate keys included, so that `%J` re-prints a
//! payload exactly as mosquitto_sub does.

use super::writer::JsonWriter;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(Vec<u8>),
    Array(Vec<Json>),
    Object(Vec<(Vec<u8>, Json)>),
}

impl Json {
    pub(crate) fn write(&self, json: &mut JsonWriter) {
        match self {
            Json::Null => json.null(),
            Json::Bool(value) => json.boolean(*value),
            Json::Number(value) => json.number(*value),
            Json::String(text) => json.string(text),
            Json::Array(elements) => {
                json.begin_array();
                for (index, element) in elements.iter().enumerate() {
                    json.element(index == 0);
                    element.write(json);
                }
                json.end_array();
            }
            Json::Object(members) => {
                json.begin_object();
                for (index, (key, value)) in members.iter().enumerate() {
                    json.key(index == 0, key);
                    value.write(json);
                }
                json.end_object(members.is_empty());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(value: &Json, pretty: bool) -> String {
        let mut out = Vec::new();
        value.write(&mut JsonWriter::new(&mut out, pretty));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prints_every_kind() {
        let value = Json::Object(vec![
            (b"a".to_vec(), Json::Number(1.0)),
            (
                b"b".to_vec(),
                Json::Array(vec![Json::Null, Json::Bool(true), Json::Bool(false)]),
            ),
            (b"a".to_vec(), Json::String(b"x\ny".to_vec())),
            (b"e".to_vec(), Json::Object(vec![])),
        ]);
        let cases = [
            (false, "{\"a\":1,\"b\":[null,true,false],\"a\":\"x\\ny\",\"e\":{}}"),
            (
                true,
                "{\n\t\"a\":\t1,\n\t\"b\":\t[null, true, false],\n\t\"a\":\t\"x\\ny\",\n\t\"e\":\t{\n\t}\n}",
            ),
        ];
        for (pretty, expected) in cases {
            assert_eq!(print(&value, pretty), expected);
        }
    }
}
