//! Topic names (for publishing) and topic filters (for subscribing) given on the command line,
//! checked as mosquitto checks them, with its error texts.
//!
//! Rules: the UTF-8 check comes first ("Malformed UTF-8 in <flag> argument."), then the shape:
//! - a topic name is 1..=65535 bytes and holds no `+` or `#`;
//! - a topic filter is 1..=65535 bytes, `+` fills a whole level, `#` fills a whole level and is
//!   the last one;
//! - either has at most 200 `/` separators (mosquitto's hierarchy limit).

use crate::usage_error::UsageError;
use crate::utf8;

const MAX_LEN: usize = 65535;
const MAX_SEPARATORS: usize = 200;

/// What a topic given on the command line is used for; it picks the check and the error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicRole {
    /// mqpub's `-t` and `-L` topic.
    Publish,
    /// mqsub's `-t` and `-L` topic.
    Subscribe,
    /// mqsub's `-T`.
    FilterOut,
    /// mqsub's `-U`.
    Unsubscribe,
    /// `--will-topic`.
    Will,
}

impl TopicRole {
    fn is_filter(self) -> bool {
        matches!(
            self,
            TopicRole::Subscribe | TopicRole::FilterOut | TopicRole::Unsubscribe
        )
    }

    fn invalid(self, topic: &str) -> String {
        let (noun, question) = match self {
            TopicRole::Publish => ("publish", NAME_QUESTION),
            TopicRole::Will => ("will", NAME_QUESTION),
            TopicRole::Subscribe => ("subscription", FILTER_QUESTION),
            TopicRole::FilterOut => ("filter", FILTER_QUESTION),
            TopicRole::Unsubscribe => ("unsubscribe", FILTER_QUESTION),
        };
        format!("Error: Invalid {noun} topic '{topic}', {question}\n")
    }
}

const NAME_QUESTION: &str = "does it contain '+' or '#'?";
const FILTER_QUESTION: &str = "are all '+' and '#' wildcards correct?";

/// Checks `raw`, given with `flag` (as mosquitto names it in the message: "-t", "-L topic",
/// "-T", "-U", "--will-topic"), for `role`.
pub fn check(raw: &[u8], role: TopicRole, flag: &str) -> Result<String, UsageError> {
    let Some(topic) = utf8::mqtt_str(raw) else {
        return Err(UsageError::hinted(format!(
            "Error: Malformed UTF-8 in {flag} argument.\n\n"
        )));
    };
    let well_formed = if role.is_filter() {
        is_topic_filter(topic)
    } else {
        is_topic_name(topic)
    };
    if well_formed {
        Ok(topic.to_owned())
    } else {
        Err(UsageError::hinted(role.invalid(topic)))
    }
}

/// A topic one can publish to.
pub fn is_topic_name(topic: &str) -> bool {
    sized(topic) && !topic.contains(['+', '#'])
}

/// A topic filter one can subscribe to.
pub fn is_topic_filter(topic: &str) -> bool {
    let mut levels = topic.split('/').peekable();
    while let Some(level) = levels.next() {
        let wildcards_ok = match level {
            "+" => true,
            "#" => levels.peek().is_none(),
            _ => !level.contains(['+', '#']),
        };
        if !wildcards_ok {
            return false;
        }
    }
    sized(topic)
}

fn sized(topic: &str) -> bool {
    (1..=MAX_LEN).contains(&topic.len()) && topic.matches('/').count() <= MAX_SEPARATORS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_filters() {
        let deep = "a/".repeat(MAX_SEPARATORS);
        let too_deep = "a/".repeat(MAX_SEPARATORS + 1);
        let long = "a".repeat(MAX_LEN);
        let too_long = "a".repeat(MAX_LEN + 1);
        // (topic, valid name, valid filter)
        let cases: [(&str, bool, bool); 22] = [
            ("a", true, true),
            ("a/b/c", true, true),
            ("/", true, true),
            ("//", true, true),
            ("", false, false),
            ("+", false, true),
            ("#", false, true),
            ("a/+", false, true),
            ("a/+/b", false, true),
            ("+/+", false, true),
            ("a/#", false, true),
            ("/#", false, true),
            ("a+", false, false),
            ("a/b+", false, false),
            ("a/+b", false, false),
            ("a#", false, false),
            ("a/#/b", false, false),
            ("#/a", false, false),
            (&deep, true, true),
            (&too_deep, false, false),
            (&long, true, true),
            (&too_long, false, false),
        ];
        for (topic, name, filter) in cases {
            let shown = &topic[..topic.len().min(16)];
            assert_eq!(is_topic_name(topic), name, "name {shown:?}");
            assert_eq!(is_topic_filter(topic), filter, "filter {shown:?}");
        }
    }

    #[test]
    fn error_texts() {
        let cases: [(&[u8], TopicRole, &str, &str); 8] = [
            (
                b"a+",
                TopicRole::Publish,
                "-t",
                "Error: Invalid publish topic 'a+', does it contain '+' or '#'?\n",
            ),
            (
                b"",
                TopicRole::Publish,
                "-t",
                "Error: Invalid publish topic '', does it contain '+' or '#'?\n",
            ),
            (
                b"a/#/b",
                TopicRole::Subscribe,
                "-t",
                "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?\n",
            ),
            (
                b"a/#/b",
                TopicRole::FilterOut,
                "-T",
                "Error: Invalid filter topic 'a/#/b', are all '+' and '#' wildcards correct?\n",
            ),
            (
                b"a/#/b",
                TopicRole::Unsubscribe,
                "-U",
                "Error: Invalid unsubscribe topic 'a/#/b', are all '+' and '#' wildcards correct?\n",
            ),
            (
                b"w/#",
                TopicRole::Will,
                "--will-topic",
                "Error: Invalid will topic 'w/#', does it contain '+' or '#'?\n",
            ),
            (
                b"\xff",
                TopicRole::Publish,
                "-L topic",
                "Error: Malformed UTF-8 in -L topic argument.\n\n",
            ),
            (
                b"a\tb",
                TopicRole::FilterOut,
                "-T",
                "Error: Malformed UTF-8 in -T argument.\n\n",
            ),
        ];
        for (raw, role, flag, text) in cases {
            let err = check(raw, role, flag).unwrap_err();
            assert_eq!(err.message(), text);
        }
        assert_eq!(check(b"a/+", TopicRole::Subscribe, "-t").unwrap(), "a/+");
        assert_eq!(check(b"a/b", TopicRole::Publish, "-t").unwrap(), "a/b");
    }
}
