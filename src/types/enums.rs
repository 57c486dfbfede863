//! DynamoDB's enum members, parsed. Requests carry them as strings, because a value outside
//! the set is DynamoDB's constraint error (listed with the request's other constraint errors),
//! not a serialisation error; once the constraints pass, operations parse them into these.

/// Declares an enum with the wire text of each variant.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// The variant DynamoDB spells `text`.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// An optional member's value, parsed (absent, or unknown, is None: the
            /// constraints report an unknown value before this is called).
            pub fn from_member(text: Option<&str>) -> Option<$name> {
                text.and_then($name::parse)
            }

            /// DynamoDB's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }
    };
}

wire_enum! {
    /// ReturnValues.
    ReturnValues {
        /// Nothing (the default).
        None = "NONE",
        /// The whole item as it was.
        AllOld = "ALL_OLD",
        /// The updated attributes as they were.
        UpdatedOld = "UPDATED_OLD",
        /// The whole item as it is now.
        AllNew = "ALL_NEW",
        /// The updated attributes as they are now.
        UpdatedNew = "UPDATED_NEW",
    }
}

wire_enum! {
    /// ReturnValuesOnConditionCheckFailure.
    ReturnOnFailure {
        /// Nothing (the default).
        None = "NONE",
        /// The item the condition failed on.
        AllOld = "ALL_OLD",
    }
}

wire_enum! {
    /// ReturnItemCollectionMetrics.
    ReturnCollectionMetrics {
        /// Nothing (the default).
        None = "NONE",
        /// The size of each item collection written.
        Size = "SIZE",
    }
}

wire_enum! {
    /// BillingMode.
    BillingMode {
        /// Provisioned capacity.
        Provisioned = "PROVISIONED",
        /// On demand.
        PayPerRequest = "PAY_PER_REQUEST",
    }
}

wire_enum! {
    /// KeyType.
    KeyType {
        /// The partition key.
        Hash = "HASH",
        /// The sort key.
        Range = "RANGE",
    }
}

wire_enum! {
    /// ProjectionType.
    ProjectionType {
        /// Every attribute.
        All = "ALL",
        /// The keys only.
        KeysOnly = "KEYS_ONLY",
        /// The keys and the NonKeyAttributes.
        Include = "INCLUDE",
    }
}

wire_enum! {
    /// ComparisonOperator (the legacy conditions).
    ComparisonOperator {
        /// Equal.
        Eq = "EQ",
        /// Not equal.
        Ne = "NE",
        /// Less than or equal.
        Le = "LE",
        /// Less than.
        Lt = "LT",
        /// Greater than or equal.
        Ge = "GE",
        /// Greater than.
        Gt = "GT",
        /// The attribute exists.
        NotNull = "NOT_NULL",
        /// The attribute does not exist.
        Null = "NULL",
        /// Substring, set member or list element.
        Contains = "CONTAINS",
        /// The attribute exists and does not contain the value.
        NotContains = "NOT_CONTAINS",
        /// String or binary prefix.
        BeginsWith = "BEGINS_WITH",
        /// One of the values.
        In = "IN",
        /// Between two values, inclusive.
        Between = "BETWEEN",
    }
}

wire_enum! {
    /// ConditionalOperator (how legacy conditions combine).
    ConditionalOperator {
        /// Every condition (the default).
        And = "AND",
        /// Any condition.
        Or = "OR",
    }
}

wire_enum! {
    /// AttributeAction (AttributeUpdates).
    AttributeAction {
        /// Set the value (the default).
        Put = "PUT",
        /// Add to a number or set, append to a list.
        Add = "ADD",
        /// Remove the attribute, or values from a set.
        Delete = "DELETE",
    }
}

wire_enum! {
    /// StreamViewType: what a stream record carries besides the keys.
    StreamViewType {
        /// The keys only.
        KeysOnly = "KEYS_ONLY",
        /// The item as it is after the write.
        NewImage = "NEW_IMAGE",
        /// The item as it was before the write.
        OldImage = "OLD_IMAGE",
        /// Both images.
        NewAndOldImages = "NEW_AND_OLD_IMAGES",
    }
}

impl StreamViewType {
    /// True when records carry the item after the write.
    pub fn new_image(self) -> bool {
        matches!(
            self,
            StreamViewType::NewImage | StreamViewType::NewAndOldImages
        )
    }

    /// True when records carry the item before the write.
    pub fn old_image(self) -> bool {
        matches!(
            self,
            StreamViewType::OldImage | StreamViewType::NewAndOldImages
        )
    }
}

wire_enum! {
    /// ShardIteratorType: where GetRecords starts reading a shard.
    ShardIteratorType {
        /// At the oldest record not yet trimmed.
        TrimHorizon = "TRIM_HORIZON",
        /// After the newest record: only records written from now on.
        Latest = "LATEST",
        /// At a sequence number.
        AtSequenceNumber = "AT_SEQUENCE_NUMBER",
        /// Just after a sequence number.
        AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_reads_back_its_own_spelling() {
        for v in [
            ReturnValues::None,
            ReturnValues::AllOld,
            ReturnValues::UpdatedOld,
            ReturnValues::AllNew,
            ReturnValues::UpdatedNew,
        ] {
            assert_eq!(ReturnValues::parse(v.as_str()), Some(v));
        }
        assert_eq!(
            BillingMode::parse("PAY_PER_REQUEST"),
            Some(BillingMode::PayPerRequest)
        );
        assert_eq!(KeyType::parse("hash"), None);
        assert_eq!(
            ProjectionType::parse("KEYS_ONLY"),
            Some(ProjectionType::KeysOnly)
        );
    }
}
