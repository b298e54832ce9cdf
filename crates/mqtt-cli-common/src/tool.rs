//! Which of the two programs is running, and what differs between them in the shared code:
//! names, the options-file names, and what `-t`/`-L` topics are used for.

use crate::topic::TopicRole;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Pub,
    Sub,
}

impl Tool {
    /// Our program name, used in messages and the help text.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Pub => "mqpub",
            Tool::Sub => "mqsub",
        }
    }

    /// The mosquitto program we stand in for; its options file is read when we have none.
    pub fn mosquitto_name(self) -> &'static str {
        match self {
            Tool::Pub => "mosquitto_pub",
            Tool::Sub => "mosquitto_sub",
        }
    }

    /// What `-t` and `-L` topics are checked as.
    pub fn topic_role(self) -> TopicRole {
        match self {
            Tool::Pub => TopicRole::Publish,
            Tool::Sub => TopicRole::Subscribe,
        }
    }
}
