//! Where a submission stands in the owner's work: the statuses and what "open" means.
use std::fmt;
use std::str::FromStr;

/// The status of a submission, set by the owner in the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Just arrived; nobody looked at it yet.
    New,
    /// A call is planned.
    Scheduled,
    /// The shop called the visitor back.
    CalledBack,
    /// Nothing left to do.
    Handled,
    /// The promise will not be kept on time; the note says why.
    Delayed,
}

impl Status {
    /// Every status, in the order the inbox offers them.
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Scheduled,
        Status::CalledBack,
        Status::Handled,
        Status::Delayed,
    ];

    /// The name stored in the database and used in URLs and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Scheduled => "scheduled",
            Status::CalledBack => "called_back",
            Status::Handled => "handled",
            Status::Delayed => "delayed",
        }
    }

    /// The label the inbox shows.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Scheduled => "Scheduled",
            Status::CalledBack => "Called back",
            Status::Handled => "Handled",
            Status::Delayed => "Delayed",
        }
    }

    /// True while the shop still owes the visitor something. A callback that was made
    /// (`called_back`) counts as closed: a visitor who asks again afterwards, say because
    /// they missed the call, must get through rather than be told "we already have it".
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Scheduled | Status::Delayed)
    }

    /// The statuses [`Status::is_open`] accepts, as stored names (for SQL `IN` lists).
    pub fn open_names() -> impl Iterator<Item = &'static str> {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(Status::as_str)
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Status, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert!("done".parse::<Status>().is_err());
        assert_eq!(
            Status::open_names().collect::<Vec<_>>(),
            ["new", "scheduled", "delayed"]
        );
    }
}
