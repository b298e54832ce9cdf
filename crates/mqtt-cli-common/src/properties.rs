//! MQTT 5 properties given with `-D command identifier value`, kept per command as rumqttc's
//! own property types so the engine can put them on the wire unchanged.

use rumqttc::v5::mqttbytes::v5::{
    ConnectProperties, DisconnectProperties, LastWillProperties, PublishProperties,
    SubscribeProperties, UnsubscribeProperties,
};

/// The `-D` properties, one set per MQTT command; `None` where none were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pub connect: Option<ConnectProperties>,
    pub publish: Option<PublishProperties>,
    pub will: Option<LastWillProperties>,
    pub subscribe: Option<SubscribeProperties>,
    pub unsubscribe: Option<UnsubscribeProperties>,
    pub disconnect: Option<DisconnectProperties>,
}
