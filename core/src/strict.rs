//! serde helpers that read exactly the JSON `docs/submission.schema.json` allows (the
//! collector's side of the contract; built with the `serde` feature only).
//!
//! serde's derives are more lenient than the schema in ways that matter to a server: a
//! derived struct also reads a JSON *array* (its fields in order), so
//! `"page": ["javascript:alert(1)", "<b>t</b>", "r"]` would be stored as a page; an `Option`
//! reads `null` where the schema says "a string, or leave it out"; a unit enum also reads
//! `{"feedback": null}`; an integer field refuses `5.0`, which JSON Schema counts as an
//! integer. The helpers here close those gaps, field by field, and [`object`] is the entry
//! point that makes the whole document an object too.
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// Reads a `T` only from a JSON object: arrays, strings and `null` are refused.
///
/// Use it as the entry point (`strict::object(&mut serde_json::Deserializer::…)`) and, with
/// `deserialize_with`, for every nested object.
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectOnly<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map))
        }
    }

    deserializer.deserialize_map(ObjectOnly(PhantomData))
}

/// An optional object: absent is `None` (with `#[serde(default)]`), present must be an
/// object (`null` is refused, as the schema does).
pub fn some_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    object(deserializer).map(Some)
}

/// An optional value that, when present, must be a `T` (so `null` is refused).
pub fn some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A score: a JSON integer, written `9` or `9.0` alike (JSON Schema's `integer` is any
/// number without a fractional part), that fits a `u8`; the scale is checked by validation.
pub fn score<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    struct Score;

    impl Visitor<'_> for Score {
        type Value = u8;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer from 0 to 255")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u8, E> {
            u8::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u8, E> {
            u8::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u8, E> {
            if v.fract() == 0.0 && (0.0..=255.0).contains(&v) {
                // Integral and in range: the conversion is exact (-0.0 reads as 0).
                Ok(v as u8)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }

    deserializer.deserialize_any(Score)
}

/// Reads one of `names` from a JSON string and nothing else (no `{"name": null}` map form,
/// no variant index), for the unit enums of the contract.
pub fn name<'de, D, T>(deserializer: D, names: &'static [(&'static str, T)]) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Copy + 'static,
{
    struct Name<T: 'static>(&'static [(&'static str, T)]);

    impl<T: Copy> Visitor<'_> for Name<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("one of ")?;
            let list: Vec<&str> = self.0.iter().map(|(n, _)| *n).collect();
            f.write_str(&list.join(", "))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            self.0
                .iter()
                .find(|(n, _)| *n == v)
                .map(|(_, t)| *t)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    deserializer.deserialize_str(Name(names))
}
