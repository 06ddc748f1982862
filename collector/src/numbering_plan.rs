//! Full validation of callback numbers against the numbering plans (libphonenumber's
//! metadata through the `phonenumber` crate).
//!
//! The widget only checks shape and length from a small table (a full plan would outweigh
//! it, see `allo_core::phone`); the server can afford the real metadata, so a number that
//! looks right but cannot exist (`+33 1 23`, a US number with a 0 area code) is refused here
//! before the shop tries to call it. The number is judged for the country its own calling
//! code names: `callback.country` is the country the visitor *read* the number in, and a
//! number typed with its `+` prefix may belong to another country (a Belgian mobile typed on
//! a French shop), which is fine.
use crate::error::ProblemBody;

/// The field this module checks.
pub const FIELD: &str = "callback.phone_e164";

/// Checks an E.164 number (already of the right shape); the problem to report when it is not
/// a valid number for its country.
pub fn check(e164: &str) -> Result<(), ProblemBody> {
    let problem = |message: String| ProblemBody {
        field: FIELD,
        code: "invalid",
        message,
    };
    let number = phonenumber::parse(None, e164).map_err(|e| {
        problem(format!(
            "{FIELD} is not a phone number ({e}); send it in E.164, e.g. +33612345678"
        ))
    })?;
    if phonenumber::is_valid(&number) {
        return Ok(());
    }
    let code = number.code().value();
    let country = number
        .country()
        .id()
        .map(|id| format!(" ({id:?})"))
        .unwrap_or_default();
    Err(problem(format!(
        "{FIELD} is not a valid number for its country +{code}{country}: \
         wrong length or a range that is not in use; check the digits"
    )))
}

/// An E.164 number as people read it, grouped the international way (`+33 6 12 34 56 78`);
/// the number as it is when it cannot be parsed.
pub fn display(e164: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(n) => n
            .format()
            .mode(phonenumber::Mode::International)
            .to_string(),
        Err(_) => e164.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_numbers_pass_and_impossible_ones_do_not() {
        for ok in [
            "+33612345678",   // FR mobile
            "+33123456789",   // FR Paris landline
            "+32470123456",   // BE mobile
            "+3225551234",    // BE Brussels landline
            "+12015550123",   // US (New Jersey)
            "+14155552671",   // US (San Francisco)
            "+447400123456",  // GB mobile
            "+4915123456789", // DE mobile
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        assert_eq!(display("+33612345678"), "+33 6 12 34 56 78");
        assert_eq!(display("not a number"), "not a number");
        for bad in [
            "+3361234567",   // FR: one digit short
            "+336123456789", // FR: one digit too many
            "+33012345678",  // FR: national trunk 0 kept
            "+12011234567",  // US: exchange cannot start with 1
            "+10015550123",  // US: area code cannot start with 0
            "+999123456789", // no such calling code
        ] {
            let err = check(bad).expect_err(bad);
            assert_eq!((err.field, err.code), (FIELD, "invalid"), "{bad}");
            assert!(err.message.starts_with(FIELD), "{}", err.message);
        }
    }
}
